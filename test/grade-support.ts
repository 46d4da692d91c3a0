/**
 * Shared by the grading tests: grade files through the real, built pipeline (dist runner →
 * vitest → harness → host → the learner's process) in a separate Node process, since a test
 * worker is itself a vitest worker.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabReport } from '../src/grade/types.js';
import { labProcessEnv } from '../dist/src/runtime/spawn.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DIST = join(ROOT, 'dist');
const RUNNER = new URL('../dist/src/grade/runner.js', import.meta.url).href;
const REGISTRY = new URL('../dist/src/lab/registry.js', import.meta.url).href;

/**
 * The environment of a child netlab: no vitest variables of the test worker leak in, and, as
 * for the processes netlab starts for labs, no NODE_EXTRA_CA_CERTS on Node 20 (src/runtime/spawn.ts:
 * netlab makes no TLS connection, and Node 20 would parse the file at each of the suite's
 * hundreds of starts).
 */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...labProcessEnv(process.env), FORCE_COLOR: undefined, NO_COLOR: undefined, ...extra };
  for (const key of Object.keys(env)) {
    if (env[key] === undefined || /^VITEST/.test(key) || key === 'TEST' || key === 'NODE_ENV') delete env[key];
  }
  return env;
}

/**
 * How much slower than a quiet machine this one is now (src/grade/pace.ts, built): a test that
 * bounds how long grading takes measures it, passes it to {@link gradeEntries} and scales its
 * bound by it, as the runner scales its limits.
 */
export async function measurePace(): Promise<number> {
  const pace = (await import(new URL('../dist/src/grade/pace.js', import.meta.url).href)) as { measurePace: () => Promise<number> };
  return pace.measurePace();
}

export interface Entry {
  lab: string;
  file: string | null;
}

/** Grade `entries` with `gradeSubmissions` in a child process; the reports come back in order. */
export async function gradeEntries(
  entries: Entry[],
  options: { timeoutMs?: number; concurrency?: number; env?: NodeJS.ProcessEnv; limitMs?: number; pace?: number } = {},
): Promise<LabReport[]> {
  const script = `
    const { gradeSubmissions } = await import(${JSON.stringify(RUNNER)});
    const { loadLabs } = await import(${JSON.stringify(REGISTRY)});
    const labs = await loadLabs();
    const entries = JSON.parse(process.env.NETLAB_TEST_ENTRIES);
    const options = JSON.parse(process.env.NETLAB_TEST_OPTIONS);
    const subs = entries.map((e) => ({ lab: labs.find((l) => l.id === e.lab), file: e.file }));
    const reports = await gradeSubmissions(subs, options);
    process.stdout.write(JSON.stringify(reports));
  `;
  const env = cleanEnv({
    ...options.env,
    NETLAB_TEST_ENTRIES: JSON.stringify(entries),
    NETLAB_TEST_OPTIONS: JSON.stringify({ timeoutMs: options.timeoutMs, concurrency: options.concurrency, pace: options.pace }),
  });
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const limit = options.limitMs ?? 600_000;
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`grading did not finish within ${limit} ms\n${stderr}`));
    }, limit);
    child.on('close', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  if (code !== 0) throw new Error(`grading process exited with ${code}:\n${stderr}`);
  return JSON.parse(stdout) as LabReport[];
}

/** A private temporary folder, removed by the returned function. */
export function tempDir(prefix = 'netlab-grade-test-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The ids of the checks of `report` that did not pass. */
export function failedChecks(report: LabReport): string[] {
  return report.checks.filter((c) => c.status === 'failed').map((c) => c.id);
}
