/**
 * The websocket-handshake grader through the real, built pipeline (dist runner → vitest →
 * harness → grade/host → the learner's process), for what the contract test does not show (it
 * grades the reference, the starter and every fixture: each fails exactly its checks, for the
 * reason its `says` gives): the checks come in stages worth points, the starter earns almost
 * nothing, one mistake costs only its own stage, and a failing check's trace holds the learner's
 * decoded frames.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gradeEntries } from '../../../test/grade-support.js';
import type { LabReport } from '../../../src/grade/types.js';
import type { TraceEvent } from '../../../src/trace/event.js';
import { labFixtures, writeFixture } from '../../../src/lab/fixtures.js';

const LAB_DIR = fileURLToPath(new URL('../', import.meta.url));

// Fixtures are edits of the reference solution: written to a temp folder to be graded.
const fixtureDir = mkdtempSync(join(tmpdir(), 'netlab-ws-fixtures-'));
afterAll(() => rmSync(fixtureDir, { recursive: true, force: true }));
const fixtures = await labFixtures(LAB_DIR);
const noPongFixture = fixtures.find((f) => f.id === 'bad--ping-pong--no-pong')!;
const noPong = writeFixture(LAB_DIR, noPongFixture, fixtureDir);
// The checks as declared (a lab with no file is listed without running), the starter, one fixture.
let listed: LabReport, starter: LabReport, pingPong: LabReport;

beforeAll(async () => {
  [listed, starter, pingPong] = await gradeEntries(
    [null, join(LAB_DIR, 'exercise', 'starter.ts'), noPong].map((file) => ({ lab: 'websocket-handshake', file })),
    { limitMs: 240_000 },
  );
}, 260_000);

const failed = (r: LabReport) => r.checks.filter((c) => c.status === 'failed').map((c) => c.id);

describe('grading websocket-handshake', () => {
  test('the checks come in stages worth points', () => {
    expect(listed.error).toBeUndefined();
    expect(listed.checks.map((c) => c.id)).toEqual([
      'handshake', 'plain-http', 'reject-bad-request', 'reject-version',
      'echo-text', 'echo-binary', 'server-unmasked',
      'length-7bit', 'length-16bit', 'length-64bit',
      'ping-pong', 'close-handshake',
      'fragmentation', 'unmasked-client-frame',
      'head-bytes',
    ]);
    expect(listed.points.possible).toBe(26);
  });

  test('the starter fails, keeping only the point for leaving plain HTTP alone', () => {
    expect(starter.status).toBe('failed');
    expect(starter.checks.filter((c) => c.status === 'passed').map((c) => c.id)).toEqual(['plain-http']);
    expect(starter.checks.find((c) => c.id === 'handshake')!.message).toMatch(/closed the connection without an HTTP response/);
  });

  // The contract test proves each bad fixture fails exactly its `fails`: what it earns follows.
  test.each(fixtures.filter((f) => f.fails.length > 0).map((f) => [f.id, f] as const))('%s: a single mistake does not cost every stage', (_id, f) => {
    const lost = listed.checks.filter((c) => f.fails.includes(c.id)).reduce((sum, c) => sum + c.points.possible, 0);
    expect(listed.points.possible - lost).toBeGreaterThan(listed.points.possible / 2);
  });

  test("a failing check's trace shows the learner's upgrade and decoded frames", () => {
    expect(failed(pingPong).sort()).toEqual(noPongFixture.fails);
    const c = pingPong.checks.find((x) => x.id === 'ping-pong')!;
    const learner = (c.trace ?? []).filter((l): l is TraceEvent => l.type === 'event' && l.actor === 'learner');
    expect(learner.some((l) => l.name === 'upgrade')).toBe(true);
    expect(learner.find((l) => l.name === 'frame-received')?.detail).toMatchObject({ opcode: 'ping (0x9)', mask: true, preview: 'are you there?' });
    expect(learner.some((l) => l.name === 'frame-sent')).toBe(false);
  });
});
