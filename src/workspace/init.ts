/**
 * `netlab init`: the learner's workspace (SPEC §4). One starter per lab (`<lab-id>.ts`), a README
 * that says what to do, and a package.json + tsconfig.json so an editor type-checks the files
 * against Node's types (after `npm install` in the workspace; grading needs no install).
 * Never overwrites a file: what exists is reported as skipped.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from '../lab/types.js';
import { NetlabError } from '../errors.js';
import { WORKSPACE_PACKAGE_NAME } from './workspace.js';

export interface InitResult {
  dir: string;
  /** Files written, relative to `dir`. */
  created: string[];
  /** Files that existed and were left alone, relative to `dir`. */
  skipped: string[];
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
  files.push({ path: '.gitignore', content: 'node_modules/\n.netlab/\n', what: 'keeps installs and netlab progress out of git' });
  return files;
}

/** Write the workspace; never overwrites a file. */
export function initWorkspace(dir: string, labs: Lab[]): InitResult {
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new NetlabError('NETLAB_ERR_EXISTS', `${dir} exists and is a file, not a folder: choose another place (\`netlab init <dir>\`)`);
  }
  mkdirSync(dir, { recursive: true });
  const result: InitResult = { dir, created: [], skipped: [] };
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
      else throw err;
    }
  }
  return result;
}

function packageJson(): Record<string, unknown> {
  return {
    name: WORKSPACE_PACKAGE_NAME,
    private: true,
    type: 'module',
    description: 'My netlab exercises: grade them with `npx netlab grade --dir .`',
    scripts: {
      grade: 'netlab grade --dir .',
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
  return `# My netlab exercises

Each file here is one exercise: a starter with \`// TODO\` markers. Make it do what its comment
says, then let netlab grade it through real sockets.

| file | lab | see the demo |
|---|---|---|
${rows}

## Commands

Run them in this folder (from elsewhere, add \`--dir <this folder>\`):

- \`netlab run <lab>\`: watch the lab's demo and its live trace; \`netlab run <lab> --use <lab>.ts\`
  runs the demo with your code instead of the reference one.
- \`netlab grade\` grades every exercise; \`netlab grade tcp-echo\` grades one. Each check says
  what was sent, what was expected and what came back, with the trace of the events when it
  fails. Exit code 0 means everything passed.
- \`netlab watch tcp-echo\` grades again each time you save.
- \`netlab hint <lab>\` shows the next hint (netlab remembers which you have seen).
- \`netlab solution <lab>\` shows the reference solution once your exercise passes.
- \`netlab reset <lab>\` puts the starter back (your file is kept as a backup).

## Your editor

Grading needs nothing installed here: netlab runs your TypeScript as it is, and lets it import
Node's built-in modules and \`undici\`. For type-checking and completion in your editor, run
\`npm install\` once in this folder (it installs \`@types/node\` and \`undici\`).

Keep each exercise in its file, named after its lab (\`.ts\`, \`.mts\`, \`.js\` and \`.mjs\` work).
Your code runs in its own process with a time limit, so a mistake cannot hang netlab.
`;
}
