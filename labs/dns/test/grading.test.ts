/**
 * The dns grader through the real grading pipeline (dist: runner → vitest → harness → the
 * lab's host inside a private network), for what the contract test (test/contract.test.ts: the
 * reference passes, the starter fails, every fixture fails exactly its checks for the reason
 * its `says` gives) does not show: the fallback without namespaces skips with a reason, the
 * machine's resolver files are not written, `netlab grade dns` words its failures in the
 * learner's call, and no process of the grading is left.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { processesMarked, runCli } from '../../../test/helpers/cli.js';
import { gradeEntries } from '../../../test/grade-support.js';
import type { LabReport } from '../../../src/grade/types.js';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DISABLE_ENV, privateNetworkUnavailable } from '../../../src/runtime/namespace.js';
import { labFixtures, writeFixture } from '../../../src/lab/fixtures.js';

const LAB_DIR = fileURLToPath(new URL('../', import.meta.url));
const unavailable = privateNetworkUnavailable();

/** Grade `files` as dns submissions in one run of the built pipeline, in a child process. */
function grade(files: string[], env: NodeJS.ProcessEnv = {}): Promise<LabReport[]> {
  return gradeEntries(files.map((file) => ({ lab: 'dns', file })), { env, limitMs: 240_000 });
}

const MACHINE_FILES = ['/etc/hosts', '/etc/resolv.conf', '/etc/nsswitch.conf'];
function snapshot() {
  return MACHINE_FILES.map((f) => {
    try {
      return { f, bytes: readFileSync(f).toString('base64'), mtimeMs: statSync(f).mtimeMs };
    } catch {
      return { f, bytes: null, mtimeMs: null };
    }
  });
}

let before: ReturnType<typeof snapshot>;
beforeAll(() => {
  before = snapshot();
});
afterAll(() => {
  expect(snapshot()).toEqual(before);
});

// Fixtures are edits of the reference solution: written to a temp folder to be graded.
const fixtureDir = mkdtempSync(join(tmpdir(), 'netlab-dns-fixtures-'));
afterAll(() => rmSync(fixtureDir, { recursive: true, force: true }));
const fixtures = await labFixtures(LAB_DIR);
const fixtureFiles = fixtures.map((f) => writeFixture(LAB_DIR, f, fixtureDir));
const fixturePath = (id: string) => fixtureFiles[fixtures.findIndex((f) => f.id === id)]!;

describe('grading dns', () => {
  test('at least five bad fixtures (test/contract.test.ts grades them all)', () => {
    expect(fixtures.filter((f) => f.fails.length > 0).length).toBeGreaterThanOrEqual(5);
  });

  test('without namespaces: the checks that need the grader\'s hosts file are skipped with the reason, the rest still grade', async () => {
    const reports = await grade(
      [`${LAB_DIR}exercise/solution.ts`, `${LAB_DIR}exercise/starter.ts`, fixturePath('bad--global-servers-unchanged--dns-set-servers')],
      { [DISABLE_ENV]: '1' },
    );
    const [solution, starter, setServers] = reports;
    expect(solution!.status, JSON.stringify(solution)).toBe('passed');
    const skipped = solution!.checks.filter((c) => c.status === 'skipped');
    expect(skipped.map((c) => c.id).sort()).toEqual(['falls-through-to-dns', 'lookup-every-address', 'unknown-names-empty']);
    for (const c of skipped) {
      expect(c.reason).toMatch(/private network namespace.*disabled by NETLAB_NO_NAMESPACE/);
      expect(c.points.possible).toBe(0);
    }
    expect(solution!.points.earned).toBe(solution!.points.possible);
    expect(solution!.points.possible).toBeGreaterThan(0);
    expect(starter!.status).toBe('failed');
    expect(setServers!.checks.find((c) => c.id === 'global-servers-unchanged')!.status).toBe('failed');
  }, 120_000);

  test('netlab grade dns --dir <workspace>: exit 0 for the reference, 1 with the failing check named and explained in the learner\'s call; no process left', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'netlab-dns-ws-'));
    try {
      copyFileSync(`${LAB_DIR}exercise/solution.ts`, join(ws, 'dns.ts'));
      // Every process of the gradings carries this mark: none may outlive netlab.
      const id = randomUUID();
      const env = { NETLAB_DNS_GRADE_TEST: id };
      const good = await runCli(['grade', 'dns', '--dir', ws], { timeoutMs: 120_000, env });
      expect(good.code, good.stdout + good.stderr).toBe(0);
      expect(good.stdout).toMatch(/6 passed, 0 failed\s*$/);
      copyFileSync(fixturePath('bad--global-servers-unchanged--dns-set-servers'), join(ws, 'dns.ts'));
      const bad = await runCli(['grade', 'dns', '--dir', ws], { timeoutMs: 120_000, env });
      expect(processesMarked(`NETLAB_DNS_GRADE_TEST=${id}`)).toEqual([]);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toMatch(/✗ global-servers-unchanged/);
      // Messages are wrapped to the terminal's width: compare with the line breaks folded.
      const folded = bad.stdout.replace(/\s+/g, ' ');
      expect(folded).toContain('dns.setServers() affects every dns.resolve*()');
      // The failure is worded as the learner's own call.
      expect(folded).toMatch(/lookupVsResolve\('/);
      if (unavailable) expect(bad.stdout).toMatch(/2 passed, 1 failed\s*$/);
      else expect(bad.stdout).toMatch(/5 passed, 1 failed\s*$/);
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  }, 240_000);
});
