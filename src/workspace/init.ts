/**
 * `netlab init`: the learner's workspace. One starter per lab (`<lab-id>.ts`), a README that
 * says what to do, a package.json + tsconfig.json so an editor type-checks the files against
 * Node's types (after `npm install` in the workspace; grading needs no install), and
 * `netlab.mjs`, which the package.json scripts run to find netlab.
 * Never overwrites a file: what exists is reported as skipped.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Lab } from '../lab/types.js';
import { NetlabError } from '../errors.js';
import { t } from '../i18n/messages.js';
import { WORKSPACE_PACKAGE_NAME } from './workspace.js';

export interface InitResult {
  dir: string;
  /** Files written, relative to `dir`. */
  created: string[];
  /** Files that existed and were left alone, relative to `dir`. */
  skipped: string[];
  /** Files that could not be written (a permission, a full disk…), relative to `dir`, with why. */
  failed: Array<{ path: string; message: string }>;
}

export interface WorkspaceFile {
  /** Path relative to the workspace. */
  path: string;
  content: string;
  /** For listings: what the file is. */
  what: string;
}

/** Everything `init` writes, in order: starters first. */
export function workspaceFiles(labs: Lab[]): WorkspaceFile[] {
  const files: WorkspaceFile[] = labs.map((lab) => ({
    path: `${lab.id}.ts`,
    content: readFileSync(lab.starterPath, 'utf8'),
    what: lab.title,
  }));
  files.push({ path: 'README.md', content: readme(labs), what: 'what to do, and the commands' });
  files.push({ path: 'package.json', content: JSON.stringify(packageJson(), null, 2) + '\n', what: "Node's types for your editor (npm install)" });
  files.push({ path: 'tsconfig.json', content: JSON.stringify(workspaceTsconfig(), null, 2) + '\n', what: 'strict TypeScript, as netlab runs it' });
  files.push({ path: LAUNCHER, content: LAUNCHER_SOURCE, what: 'finds netlab for `npm run grade` (and `npm run netlab -- <command>`)' });
  files.push({ path: '.gitignore', content: 'node_modules/\n.netlab/\n', what: 'keeps installs and netlab progress out of git' });
  return files;
}

/**
 * Create `dir` and its missing parents one level at a time, from the nearest folder that
 * exists. Node's recursive mkdir never returns for some paths (under /proc it retries forever);
 * one level at a time, such a path fails with a plain error instead.
 */
function createFolder(dir: string): void {
  const missing: string[] = [];
  let existing = resolve(dir);
  while (!existsSync(existing)) {
    missing.unshift(existing);
    const parent = dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  if (existsSync(existing) && !statSync(existing).isDirectory()) {
    throw new NetlabError('NETLAB_ERR_EXISTS', t('cli.init.isFile', { path: existing }));
  }
  for (const folder of missing) {
    try {
      mkdirSync(folder);
    } catch (err) {
      // Created in the meantime (another netlab): fine.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/** The workspace's launcher: what its npm scripts run. */
export const LAUNCHER = 'netlab.mjs';

/**
 * Where the launcher finds the netlab that created the workspace on this machine. Under
 * `.netlab/`, which git ignores: a class repository committed and cloned elsewhere carries no
 * path of the instructor's machine, and its launcher falls back to an installed netlab.
 */
export const CREATOR_FILE = join('.netlab', 'netlab.json');

// The launcher is plain JavaScript (launcher.mjs, next to this module) that runs on any Node
// netlab supports with no dependency: it must work before `npm install`, and where netlab is
// only a global command.
const LAUNCHER_SOURCE = readFileSync(new URL('./launcher.mjs', import.meta.url), 'utf8');

/**
 * Note which netlab created (or last initialised) the workspace, for its launcher. This is
 * netlab's own file, not the learner's: it is refreshed every time.
 */
export function noteCreator(dir: string, cli: string, version: string): void {
  const path = join(dir, CREATOR_FILE);
  createFolder(dirname(path));
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ cli, version }, null, 2) + '\n');
  renameSync(tmp, path);
}

/** Write the workspace; never overwrites a file. */
export function initWorkspace(dir: string, labs: Lab[]): InitResult {
  createFolder(dir);
  const result: InitResult = { dir, created: [], skipped: [], failed: [] };
  for (const file of workspaceFiles(labs)) {
    const path = join(dir, file.path);
    const taken = existsSync(path) || (file.path.endsWith('.ts') && ['.mts', '.js', '.mjs'].some((ext) => existsSync(path.replace(/\.ts$/, ext))));
    if (taken) {
      result.skipped.push(file.path);
      continue;
    }
    // 'wx': fail rather than overwrite, even if the file appeared in the meantime.
    try {
      writeFileSync(path, file.content, { flag: 'wx' });
      result.created.push(file.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') result.skipped.push(file.path);
      else result.failed.push({ path: file.path, message: (err as Error).message });
    }
  }
  return result;
}

function packageJson(): Record<string, unknown> {
  return {
    name: WORKSPACE_PACKAGE_NAME,
    private: true,
    type: 'module',
    description: 'My netlab exercises: `npm run grade` grades them all.',
    scripts: {
      netlab: `node ${LAUNCHER}`,
      grade: `node ${LAUNCHER} grade --dir .`,
      watch: `node ${LAUNCHER} watch --dir .`,
    },
    devDependencies: {
      '@types/node': '^20.19.0',
      undici: '^7.0.0',
    },
  };
}

/** The learner's tsconfig.json: how their editor checks an exercise (and how netlab's tests do). */
export function workspaceTsconfig(): { compilerOptions: Record<string, unknown>; include: string[] } {
  return {
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: ['node'],
    },
    include: ['*.ts', '*.mts'],
  };
}

function readme(labs: Lab[]): string {
  const rows = labs.map((lab) => `| \`${lab.id}.ts\` | ${lab.title} | \`netlab run ${lab.id}\` |`).join('\n');
  // The README speaks the learner's language (the one netlab init ran in).
  return t('init.readme', { rows });
}
