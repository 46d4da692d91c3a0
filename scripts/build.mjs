#!/usr/bin/env node
// Builds dist/ from the sources, or does nothing when dist/ is already up to date.
//   node scripts/build.mjs           build only if a source changed since the last build
//   node scripts/build.mjs --force   build now (`npm run build`)
// `npm install` / `npm ci` build once (the `prepare` script); `npm start`, `npm test` and
// `npm run bench` call this first, so they pay for a build only after an edit. The check is a
// walk over the sources' modification times against a stamp dist/ gets at the end of a
// successful build: no TypeScript is loaded unless something must be built.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
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

export function build() {
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
  writeFileSync(stamp, `${started.toISOString()}\n`);
  utimesSync(stamp, started, started);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const force = process.argv.includes('--force');
  const reason = force ? 'asked to' : staleReason();
  if (reason) {
    if (!force) process.stderr.write(`netlab: building (${reason})…\n`);
    build();
  }
}
