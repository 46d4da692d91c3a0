#!/usr/bin/env node
// Builds dist/ from the sources, or does nothing when dist/ is already up to date.
//   node scripts/build.mjs           build only if a source changed since the last build
//   node scripts/build.mjs --force   build now (`npm run build`)
// `npm install` / `npm ci` build once (the `prepare` script); `npm start`, `npm test` and
// `npm run bench` call this first, so they pay for a build only after an edit. The check is a
// walk over the sources' modification times against a stamp dist/ gets at the end of a
// successful build: no TypeScript is loaded unless something must be built.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const stamp = join(dist, '.build-stamp');

/** Everything a build reads. A folder's own time changes when a file in it is added, renamed or removed. */
const SOURCE_DIRS = ['cli', 'src', 'labs'];
const SOURCE_FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'scripts/build.mjs', 'scripts/copy-assets.mjs'];

function newest(path) {
  let st;
  try {
    st = statSync(path);
  } catch {
    return { time: 0, path };
  }
  let best = { time: st.mtimeMs, path };
  if (st.isDirectory()) {
    for (const entry of readdirSync(path)) {
      const inner = newest(join(path, entry));
      if (inner.time > best.time) best = inner;
    }
  }
  return best;
}

/** Why dist/ must be (re)built, or undefined when it is up to date. */
export function staleReason() {
  if (!existsSync(stamp)) return 'no finished build yet';
  const built = statSync(stamp).mtimeMs;
  let changed = { time: 0, path: '' };
  for (const p of [...SOURCE_DIRS, ...SOURCE_FILES]) {
    const n = newest(join(root, p));
    if (n.time > changed.time) changed = n;
  }
  return changed.time > built ? `${relative(root, changed.path)} changed since the last build` : undefined;
}

function run(args, what) {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`netlab build: ${what} failed${r.status === null ? ` (${r.signal})` : ''}\n`);
    process.exit(r.status || 1);
  }
}

export async function build() {
  // The stamp carries the time the build started: a source saved while it ran is newer.
  const started = new Date();
  let tsc;
  try {
    tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    process.stderr.write('netlab build: TypeScript is not installed. Run `npm install` (development dependencies included) first.\n');
    process.exit(1);
  }
  // From scratch: output of a source that was deleted or renamed (a lab folder) must not
  // survive in dist/, where the registry would still find it.
  rmSync(dist, { recursive: true, force: true });
  run([tsc, '-p', 'tsconfig.json'], 'tsc');
  run([join(root, 'scripts', 'copy-assets.mjs')], 'copying the lessons and exercises');
  await bundleEntry();
  await bundleHosts();
  writeFileSync(stamp, `${started.toISOString()}\n`);
  utimesSync(stamp, started, started);
}

/**
 * The installed `netlab` (package.json `bin`): cli/main.ts, commander and the `list` command in
 * one CommonJS file. `netlab list` and `--help` must start within 1.25× a bare `node`, and one
 * file compiled without the ESM loader's round trips is what gets there. Everything else stays
 * where tsc put it: the other commands and every package are imported at run time, so what
 * `list` loads stays visible to the test that keeps Ink, React, undici and vitest out of it.
 */
async function bundleEntry() {
  await bundle(join(root, 'cli', 'main.ts'), join(dist, 'cli', 'netlab.cjs'), (path) =>
    // The other commands (and the error printer they share) load from dist/cli/ as tsc built
    // them; the bundle sits next to them, so the same relative paths resolve.
    /^\.\/(commands\/|io\.js$)/.test(path) && path !== './commands/list.js',
  );
  // `list` asks a lab that checks its platform whether this machine runs it. Importing the
  // lab as ESM would start the ESM loader for that one question: it gets a CommonJS copy of
  // the check (platform.cjs from the lab's platform.ts, else of its whole definition, lab.cjs),
  // which the registry prefers.
  const catalog = JSON.parse(readFileSync(join(dist, 'labs', 'catalog.json'), 'utf8'));
  for (const lab of catalog.filter((l) => l.checksPlatform)) {
    const platform = join(root, 'labs', lab.id, 'platform.ts');
    // Its packages are bundled in too: a package that is ESM only (string-width) would start
    // the ESM loader through require(), the very cost this copy avoids.
    if (existsSync(platform)) await bundle(platform, join(dist, 'labs', lab.id, 'platform.cjs'), () => false, { packages: true });
    else await bundle(join(root, 'labs', lab.id, 'lab.ts'), join(dist, 'labs', lab.id, 'lab.cjs'), () => false, { packages: true });
  }
}

/**
 * Each lab's grading host (`labs/<id>/grade/host.ts`) as one ES module in place of the files tsc
 * emitted for it: grading starts a fresh process per check, each loads the host, and one file
 * instead of the fourteen or so it imports (src/grade/host, the runtime, the trace probe, i18n)
 * saves each process ~12 ms of CPU. Packages stay imported. No source map: learner processes
 * run with --enable-source-maps (for the learner's own lines), and Node would parse the host's
 * map at every start (~8 ms more); the bundle is not minified and names each source it comes
 * from. Together: CPU to `ready` of tcp-echo's host, median, 70 → 43 ms.
 */
async function bundleHosts() {
  for (const id of readdirSync(join(root, 'labs'))) {
    const host = join(root, 'labs', id, 'grade', 'host.ts');
    if (!existsSync(host)) continue;
    const out = join(dist, 'labs', id, 'grade', 'host.js');
    await bundle(host, out, () => false, { format: 'esm' });
    rmSync(`${out}.map`, { force: true });
  }
}

/** Bundle `entry` into `outfile`, a CommonJS file (or an ES module), leaving packages (unless `packages`) and `external(path)` out. */
async function bundle(entry, outfile, external, { packages = false, format = 'cjs' } = {}) {
  const esbuild = await import('esbuild');
  const self = format === 'esm' ? 'import.meta.url' : "require('node:url').pathToFileURL(__filename).href";
  await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format,
    target: 'node20',
    ...(format === 'cjs' ? { minifyWhitespace: true, minifySyntax: true } : {}),
    logLevel: 'warning',
    plugins: [
      {
        name: 'netlab-dist',
        setup(b) {
          b.onResolve({ filter: /^\./ }, (a) => (external(a.path) ? { path: a.path, external: true } : undefined));
          // Packages are loaded at run time, all but commander.
          b.onResolve({ filter: /^[^./]/ }, (a) => (a.path === 'commander' || (packages && !a.path.startsWith('node:')) ? undefined : { path: a.path, external: true }));
          // commander requires child_process when it loads, for subcommands kept in separate
          // executables, which netlab has none of; loading it is the largest part of the
          // startup budget. The bundle asks for it only if a spawn ever happens.
          b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, async (a) => {
            const text = await readFile(a.path, 'utf8');
            const eager = "const childProcess = require('node:child_process');";
            const lazy = "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };";
            return { contents: text.includes(eager) ? text.replace(eager, lazy) : text, loader: 'js' };
          });
          // A module finds its files from its own place in dist/ (`new URL('../../labs/',
          // import.meta.url)`): give each its URL as if tsc had emitted it there.
          b.onLoad({ filter: /\.tsx?$/ }, async (a) => {
            const emitted = join(dist, relative(root, a.path)).replace(/\.tsx?$/, '.js');
            let rel = relative(dirname(outfile), emitted).split(sep).join('/');
            if (!rel.startsWith('.')) rel = `./${rel}`;
            const text = (await readFile(a.path, 'utf8')).replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, ${self}).href`);
            return { contents: text, loader: a.path.endsWith('x') ? 'tsx' : 'ts' };
          });
        },
      },
    ],
  });
  if (format === 'cjs') chmodSync(outfile, 0o755);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const force = process.argv.includes('--force');
  const reason = force ? 'asked to' : staleReason();
  if (reason) {
    if (!force) process.stderr.write(`netlab: building (${reason})…\n`);
    await build();
  }
}
