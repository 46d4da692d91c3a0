#!/usr/bin/env node
// The other Node versions the test suite runs on (the matrix): fetched once from the npm
// registry, where every Node release is published as the package `node-<platform>-<arch>`,
// into a cache folder outside the repository. Nothing is installed globally.
//   node scripts/node-matrix.mjs 22 24     (prints the path of each version's node)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The major versions besides the running one that `npm test` also runs on in CI. */
export const MATRIX = ['22', '24'];

/** Where fetched Nodes live: `$NETLAB_NODE_CACHE`, else the user's cache folder, else the temp folder. */
export function cacheDir() {
  if (process.env.NETLAB_NODE_CACHE) return process.env.NETLAB_NODE_CACHE;
  const base = process.env.XDG_CACHE_HOME || (homedir() ? join(homedir(), '.cache') : tmpdir());
  return join(base, 'netlab', 'node');
}

function version(bin) {
  const r = spawnSync(bin, ['-v'], { encoding: 'utf8', timeout: 20_000 });
  return r.status === 0 ? r.stdout.trim() : null;
}

/**
 * The path of a Node of major version `major`, installing it into the cache first if needed.
 * Resolves with `{ bin, version }`, or `{ error }` when it cannot be had (no registry, an
 * unsupported platform): the caller says so and goes on.
 */
export async function ensureNode(major) {
  const pkg = `node-${process.platform}-${process.arch}`;
  const dir = join(cacheDir(), `${pkg}-${major}`);
  const bin = join(dir, 'node_modules', pkg, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  const have = existsSync(bin) ? version(bin) : null;
  if (have?.startsWith(`v${major}.`)) return { bin, version: have };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const npm = process.env.npm_execpath;
  // npm itself, through the running Node (npm_execpath under `npm test`), else the one on PATH.
  const [cmd, args] = npm && npm.endsWith('.js') ? [process.execPath, [npm]] : ['npm', []];
  const out = await new Promise((resolve) => {
    const child = spawn(cmd, [...args, 'install', '--prefix', dir, '--no-save', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', `${pkg}@${major}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, npm_config_global: undefined },
    });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (c) => (err = (err + c).slice(-2000)));
    child.on('error', (e) => resolve(e.message));
    child.on('close', (code) => resolve(code === 0 ? '' : err.trim() || `npm exited ${code}`));
  });
  const got = existsSync(bin) ? version(bin) : null;
  if (got?.startsWith(`v${major}.`)) return { bin, version: got };
  rmSync(dir, { recursive: true, force: true });
  return { error: `cannot install ${pkg}@${major}${out ? `: ${out.split('\n').at(-1)}` : ''}` };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const majors = process.argv.slice(2).length ? process.argv.slice(2) : MATRIX;
  let failed = false;
  for (const r of await Promise.all(majors.map(ensureNode))) {
    if ('error' in r) {
      console.error(r.error);
      failed = true;
    } else console.log(`${r.version} ${r.bin}`);
  }
  process.exitCode = failed ? 1 : 0;
}
