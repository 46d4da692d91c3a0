/**
 * The websocket-handshake grader through the real, built pipeline (dist runner → vitest →
 * harness → grade/host → the learner's process): the reference passes every check, the
 * starter earns almost nothing, and each known-bad fixture fails the check its name gives
 * *for the reason it gives*, with the learner's decoded frames in the failing check's trace.
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
/** What each bad fixture's failing check must say: the reason in its name, in words. */
const REASONS: Record<string, RegExp> = {
  'bad--handshake--guid-forgotten': /GUID is missing/,
  'bad--handshake--hex-instead-of-base64': /digest in hex: use digest\('base64'\)/,
  'bad--length-7bit--empty-not-echoed': /sent a 0-byte binary message; expected it back, but nothing came back/,
  'bad--plain-http--takes-over-requests': /a plain GET \/ should reach the server's own request handler .*got 426/,
  'bad--length-16bit--7bit-lengths-only': /sent a 126-byte binary message; got back a binary message of 1 byte .*byte 1 holds 126/,
  'bad--length-64bit--reads-high-half': /sent a 65536-byte binary message; .*byte 1 holds 127 and the next 8 bytes/,
  'bad--server-unmasked--masked-server-frames': /MASK bit set \(masking key 12345678\): only clients mask/,
  'bad--ping-pong--no-pong': /expected a pong \(opcode 0xA\) with the same payload, but nothing came back/,
  'bad--close-handshake--close-not-answered': /expected a close frame back with code 1000, but nothing came back: the server ended the connection/,
  'bad--fragmentation--continuation-dropped': /got a text message "Hel" .*echoed the first fragment alone/,
  'bad--head-bytes--head-dropped': /A frame sent after the 101 was echoed, so only the first was lost: .*`head`/,
  'bad--unmasked-client-frame--accepted': /got FIN text unmasked len=13 .*You accepted it/,
  'bad--reject-bad-request--no-validation': /not base64 \("not-a-key"\); expected 400 Bad Request, got 101/,
  'bad--reject-version--400-for-everything': /expected 426 Upgrade Required .*got "HTTP\/1\.1 400 Bad Request"/,
  'bad--echo-binary--everything-as-text': /undici closed the connection with 1006: .*not UTF-8/,
  'bad--echo-text--one-frame-per-chunk': /in one write \(one data chunk\); expected both back, but for "second" nothing came back/,
};

// Fixtures are edits of the reference solution: written to a temp folder to be graded.
const fixtureDir = mkdtempSync(join(tmpdir(), 'netlab-ws-fixtures-'));
afterAll(() => rmSync(fixtureDir, { recursive: true, force: true }));
const fixtures = await labFixtures(LAB_DIR);
const fixtureFiles = new Map(fixtures.map((f) => [f.id, writeFixture(LAB_DIR, f, fixtureDir)]));
const files = [join(LAB_DIR, 'exercise', 'solution.ts'), join(LAB_DIR, 'exercise', 'starter.ts'), ...fixtureFiles.values()];
let reports: LabReport[];

beforeAll(async () => {
  reports = await gradeEntries(files.map((file) => ({ lab: 'websocket-handshake', file })), { limitMs: 400_000 });
}, 420_000);

const reportOf = (file: string) => reports[files.indexOf(file)]!;
const fixtureReport = (id: string) => reportOf(fixtureFiles.get(id)!);
const failed = (r: LabReport) => r.checks.filter((c) => c.status === 'failed').map((c) => c.id);

describe('grading websocket-handshake', () => {
  test('the reference solution passes every check, in stages worth points', () => {
    const r = reportOf(files[0]!);
    expect(r.error).toBeUndefined();
    expect(failed(r)).toEqual([]);
    expect(r.checks.map((c) => c.id)).toEqual([
      'handshake', 'plain-http', 'reject-bad-request', 'reject-version',
      'echo-text', 'echo-binary', 'server-unmasked',
      'length-7bit', 'length-16bit', 'length-64bit',
      'ping-pong', 'close-handshake',
      'fragmentation', 'unmasked-client-frame',
      'head-bytes',
    ]);
    expect(r.points).toEqual({ earned: 26, possible: 26 });
  });

  test('the starter fails, keeping only the point for leaving plain HTTP alone', () => {
    const r = reportOf(files[1]!);
    expect(r.status).toBe('failed');
    expect(r.checks.filter((c) => c.status === 'passed').map((c) => c.id)).toEqual(['plain-http']);
    expect(r.checks.find((c) => c.id === 'handshake')!.message).toMatch(/closed the connection without an HTTP response/);
  });

  test('every fixture has a reason to check, and the good ones pass', () => {
    for (const f of fixtures) {
      if (f.fails.length > 0) expect(REASONS, f.id).toHaveProperty([f.id]);
      else expect(failed(fixtureReport(f.id)), f.id).toEqual([]);
    }
  });

  test.each(Object.keys(REASONS))('%s fails its check for the reason its name gives, and keeps the other stages', (name) => {
    const r = fixtureReport(name);
    const id = name.split('--')[1]!;
    const c = r.checks.find((x) => x.id === id)!;
    expect(c.status, `${name}: ${id}`).toBe('failed');
    expect(c.message).toMatch(REASONS[name]!);
    // Partial credit: a single mistake does not cost every stage.
    expect(r.points.earned).toBeGreaterThan(r.points.possible / 2);
  });

  test("a failing check's trace shows the learner's upgrade and decoded frames", () => {
    const c = fixtureReport('bad--ping-pong--no-pong').checks.find((x) => x.id === 'ping-pong')!;
    const learner = (c.trace ?? []).filter((l): l is TraceEvent => l.type === 'event' && l.actor === 'learner');
    expect(learner.some((l) => l.name === 'upgrade')).toBe(true);
    expect(learner.find((l) => l.name === 'frame-received')?.detail).toMatchObject({ opcode: 'ping (0x9)', mask: true, preview: 'are you there?' });
    expect(learner.some((l) => l.name === 'frame-sent')).toBe(false);
  });
});
