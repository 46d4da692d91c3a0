#!/usr/bin/env node
// `npm test`: vitest on the running Node; with NETLAB_NODE_MATRIX set, also
// on the other supported Node versions (scripts/node-matrix.mjs fetches them into a cache
// folder), for the tests that differ between versions: every lab's reference, starter and
// fixtures graded (the contract test), every lab's own tests (its demo), and the CLI tests.
// The type-check (tsc, on one core) runs beside the first vitest run instead of before it; its
// errors are printed after the tests and count as one failed test.
// It ends with one line, `N passed, N failed`, counting every test of every run.
//   npm test                              this Node only (a developer's default)
//   npm test -- test/cli.test.ts          vitest's arguments, as before
//   NETLAB_NODE_MATRIX=1 npm test         also Node 22 and 24
//   NETLAB_NODE_MATRIX=24 npm test        also Node 24 only
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNode, MATRIX } from './node-matrix.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const args = process.argv.slice(2);

/**
 * What the other Node versions run (vitest filters; the labs' own tests include their demos and
 * their grading tests, which grade only the few submissions they alone need: the contract test
 * grades every lab's reference, starter and fixtures).
 */
const MATRIX_TESTS = ['test/contract.test.ts', 'test/cli.test.ts', 'test/grade-cli.test.ts', 'labs/'];

function matrixVersions() {
  const setting = (process.env.NETLAB_NODE_MATRIX ?? '').trim();
  if (setting === '0' || setting === 'false') return [];
  if (setting === '1' || setting === 'true') return MATRIX;
  // A list of major versions: 22 or 22,24.
  if (/^\d+(\s*,\s*\d+)*$/.test(setting)) return setting.split(/\s*,\s*/);
  // Any other setting turns it on (CI sets NETLAB_NODE_MATRIX=1 in .ci/run).
  if (setting) return MATRIX;
  return [];
}

function runVitest(node, files, env) {
  return new Promise((resolve) => {
    const child = spawn(node, [vitest, 'run', ...files], { cwd: root, stdio: 'inherit', env });
    // Stopped from outside (not by Ctrl-C, which reaches vitest too): stop vitest with it.
    const forward = (sig) => child.kill(sig);
    for (const sig of ['SIGTERM', 'SIGHUP']) process.on(sig, forward);
    child.on('error', () => resolve(1));
    child.on('close', (code, signal) => {
      for (const sig of ['SIGTERM', 'SIGHUP']) process.off(sig, forward);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

/** `tsc -p tsconfig.check.json`, stopped with this script; resolves with whether it passed and what it said. */
function typecheck() {
  return new Promise((resolve) => {
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const child = spawn(process.execPath, [tsc, '-p', join(root, 'tsconfig.check.json')], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c) => (out += c));
    const stop = () => child.kill('SIGTERM');
    process.once('exit', stop);
    child.on('error', (err) => resolve({ ok: false, out: String(err) }));
    child.on('close', (code) => {
      process.off('exit', stop);
      resolve({ ok: code === 0, out });
    });
  });
}

const majors = matrixVersions().filter((m) => m !== process.versions.node.split('.')[0]);
const typechecked = typecheck();
const work = mkdtempSync(join(tmpdir(), 'netlab-test-'));
// Fetch the other Nodes while the first run goes on (downloading costs little CPU).
const fetched = majors.map((m) => ensureNode(m));
const runs = [];
const cleanup = () => rmSync(work, { recursive: true, force: true });
process.once('exit', cleanup);
try {
  const run = async (label, node, files) => {
    const file = join(work, `summary-${runs.length}.json`);
    // The fetched Node comes first on PATH too, for anything a test starts by name.
    const env = { ...process.env, NETLAB_SUMMARY_FILE: file, PATH: `${dirname(node)}${delimiter}${process.env.PATH ?? ''}` };
    const code = await runVitest(node, files, env);
    let counts;
    try {
      counts = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      // vitest ended before its reporters did: that run counts as one failure.
      counts = { passed: 0, failed: 1, skipped: 0 };
    }
    if (code !== 0 && counts.failed === 0) counts.failed = 1;
    runs.push({ label, code, ...counts });
  };
  await run(`node ${process.version} (${args.length ? args.join(' ') : 'all tests'})`, process.execPath, args);
  const types = await typechecked;
  if (!types.ok) {
    console.log(`\ntype-check (tsc -p tsconfig.check.json) failed:\n${types.out.trimEnd()}`);
    runs.push({ label: 'type-check', code: 1, passed: 0, failed: 1, skipped: 0 });
  }
  for (const [i, major] of majors.entries()) {
    const got = await fetched[i];
    if ('error' in got) {
      console.log(`\nnode ${major}: not run (${got.error})`);
      runs.push({ label: `node ${major}: not installed`, code: 0, passed: 0, failed: 0, skipped: 0 });
      continue;
    }
    console.log(`\n── node ${got.version}: ${args.length ? args.join(' ') : MATRIX_TESTS.join(' ')} ──\n`);
    await run(`node ${got.version}`, got.bin, args.length ? args : MATRIX_TESTS);
  }
} finally {
  cleanup();
}
const total = { passed: 0, failed: 0, skipped: 0 };
for (const r of runs) for (const k of Object.keys(total)) total[k] += r[k];
// Each run's counts, when there is more than one (other Node versions, a failed type-check).
if (runs.length > 1) {
  console.log('');
  for (const r of runs) console.log(`  ${r.label} — passed ${r.passed}, failed ${r.failed}${r.skipped ? `, skipped ${r.skipped}` : ''}`);
}
// The last line is exactly `N passed, N failed` (CI reads it); skipped tests come before it.
process.stdout.write(`\n${total.skipped ? `${total.skipped} skipped\n` : ''}${total.passed} passed, ${total.failed} failed\n`);
process.exitCode = runs.some((r) => r.code !== 0 || r.failed > 0) ? 1 : 0;
