/**
 * `netlab run websocket-handshake --json`, end to end: real processes, the hand-written server,
 * undici's WebSocket and the raw clients. The NDJSON must let a learner follow a message from
 * send() to bytes and back: the upgrade, the heads, the accept computation, every frame decoded,
 * and the client's open/message/close.
 */
import { describe, expect, onTestFinished, test } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../../test/helpers/cli.js';
import { writeFixtureTo } from '../../../test/helpers/fixtures.js';
import { parseNdjson } from '../../../src/trace/ndjson.js';
import type { ResultLine } from '../../../src/trace/event.js';

type Line = { type: string; actor?: string; name?: string; object?: string; text?: string; detail?: Record<string, unknown>; [k: string]: unknown };


async function run(scenario: string, extra: string[] = []) {
  const r = await runCli(['run', 'websocket-handshake', '--json', '--scenario', scenario, ...extra]);
  const lines = parseNdjson<Line>(r.stdout);
  const result = lines.at(-1) as unknown as ResultLine;
  const events = lines.filter((l) => l.type === 'event');
  const named = (name: string, actor?: string) => events.filter((e) => e.name === name && (actor === undefined || e.actor === actor));
  return { r, lines, result, events, named };
}

describe('netlab run websocket-handshake --json', () => {
  test('handshake: upgrade, raw heads, the accept computation, frames both ways, undici open/message/close, head', async () => {
    const { r, lines, result, named } = await run('handshake');
    expect(r.code, r.stderr).toBe(0);
    expect(result).toMatchObject({ type: 'result', ok: true, scenario: 'handshake', summary: { accept: 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=' } });
    expect(r.stderr).toBe('');

    // Given the RFC's example key, when the raw client upgrades, then the server's `upgrade`
    // event carries the request headers and the trace computes the RFC's accept value.
    const upgrades = named('upgrade', 'server');
    expect(upgrades.length).toBe(3);
    expect(upgrades[0]!.detail).toMatchObject({ method: 'GET', headBytes: 0, headers: { upgrade: 'websocket', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13' } });
    expect(named('request-head', 'server')[0]!.detail).toMatchObject({ start: 'GET / HTTP/1.1', headers: { 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' } });
    expect(lines.some((l) => l.type === 'note' && l.actor === 'server' && l.text === '←   Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==')).toBe(true);
    expect(named('accept:key+guid')[0]!.detail).toMatchObject({ input: 'dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11' });
    expect(named('accept:sha1')[0]!.detail).toMatchObject({ sha1: 'b37a4f2cc0624f1690f64606cf385945b2bec4ea' });
    expect(named('accept:base64')[0]!.detail).toMatchObject({ accept: 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=' });
    expect(named('accept:check').map((e) => e.detail!.ok)).toEqual([true, true, true]);
    expect(named('response-head', 'server')[0]!.detail).toMatchObject({ start: 'HTTP/1.1 101 Switching Protocols', status: 101, headers: { 'Sec-WebSocket-Accept': 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=' } });
    // The raw client sees its own `upgrade` on the ClientRequest.
    expect(named('upgrade', 'raw-client')[0]!.detail).toMatchObject({ statusCode: 101 });

    // Frames: client → server masked with a key, server → client unmasked, decoded.
    const received = named('frame-received', 'server').map((e) => e.detail!);
    const sent = named('frame-sent', 'server').map((e) => e.detail!);
    expect(received[0]).toMatchObject({ fin: true, opcode: 'text (0x1)', mask: true, length: 5, lengthEncoding: '7-bit', preview: 'hello', maskingKey: expect.stringMatching(/^[0-9a-f]{8}$/) });
    expect(sent[0]).toMatchObject({ fin: true, opcode: 'text (0x1)', mask: false, length: 5, preview: 'hello' });
    expect(sent[0]).not.toHaveProperty('maskingKey');
    expect(received).toContainEqual(expect.objectContaining({ opcode: 'close (0x8)', code: 1000, reason: 'bye' }));
    expect(sent).toContainEqual(expect.objectContaining({ opcode: 'close (0x8)', code: 1000 }));
    expect(received).toContainEqual(expect.objectContaining({ opcode: 'text (0x1)', preview: 'hello from undici' }));

    // undici's WebSocket: open, the echo as a message, a clean close; and its channels.
    expect(named('open', 'undici')).toHaveLength(1);
    expect(named('message', 'undici')[0]!.detail).toMatchObject({ type: 'text', text: 'hello from undici' });
    expect(named('close', 'undici').find((e) => e.object === 'WebSocket#1')!.detail).toMatchObject({ code: 1000, wasClean: true });
    expect(named('undici:websocket:open', 'undici')).toHaveLength(1);

    // head: the eager client's frame came with the request, and was decoded before the 101.
    expect(upgrades[2]!.detail!.headBytes).toBeGreaterThan(0);
    const socket = upgrades[2]!.detail!.socket;
    const onThat = lines.filter((l) => l.actor === 'server' && l.object === socket);
    const firstFrame = onThat.findIndex((l) => l.name === 'frame-received');
    expect(firstFrame).toBeGreaterThan(-1);
    expect(onThat[firstFrame]!.detail).toMatchObject({ preview: 'sent before the 101' });
    expect(firstFrame).toBeLessThan(onThat.findIndex((l) => l.name === 'response-head'));
    expect(onThat.find((l) => l.name === 'frame-sent')!.detail).toMatchObject({ preview: 'sent before the 101' });
  });

  test('echo: a text frame comes back as text, a binary frame as binary', async () => {
    const { r, result, named } = await run('echo');
    expect(result.ok, r.stderr).toBe(true);
    expect(named('frame-sent').map((e) => e.detail!.opcode)).toEqual(['text (0x1)', 'binary (0x2)', 'close (0x8)']);
    const messages = named('message', 'undici').map((e) => e.detail!);
    expect(messages[0]).toMatchObject({ type: 'text', text: 'héllo, wörld ✓', bytes: 18 });
    expect(messages[1]).toMatchObject({ type: 'binary', bytes: 16 });
  });

  test('large: 7-, 16- and 64-bit lengths, in both directions', async () => {
    const { r, result, named } = await run('large');
    expect(result.ok, r.stderr).toBe(true);
    const table = (name: string) =>
      named(name)
        .filter((e) => e.detail!.opcode === 'binary (0x2)')
        .map((e) => [e.detail!.length, e.detail!.lengthEncoding]);
    const expected = [
      [0, '7-bit'],
      [125, '7-bit'],
      [126, '16-bit'],
      [65535, '16-bit'],
      [65536, '64-bit'],
      [100000, '64-bit'],
    ];
    expect(table('frame-received')).toEqual(expected);
    expect(table('frame-sent')).toEqual(expected);
    expect(named('message', 'undici').map((e) => e.detail!.bytes)).toEqual([0, 125, 126, 65535, 65536, 100000]);
    expect((result.summary.lines as string[]).join('\n')).toMatch(/65536\s+127 \+ 64-bit\s+14\s+10/);
  });

  test('fragmentation: three fragments and a ping between them; pong first, one echo after FIN', async () => {
    const { r, result, named } = await run('fragmentation');
    expect(result.ok, r.stderr).toBe(true);
    const received = named('frame-received').map((e) => [e.detail!.fin, e.detail!.opcode, e.detail!.preview]);
    expect(received.slice(0, 4)).toEqual([
      [false, 'text (0x1)', 'Hel'],
      [true, 'ping (0x9)', 'mid-message'],
      [false, 'continuation (0x0)', 'lo, '],
      [true, 'continuation (0x0)', 'world'],
    ]);
    const sent = named('frame-sent').map((e) => [e.detail!.opcode, e.detail!.preview ?? null]);
    expect(sent.slice(0, 2)).toEqual([
      ['pong (0xa)', 'mid-message'],
      ['text (0x1)', 'Hello, world'],
    ]);
  });

  test('ping-pong: pong (0xA) with the same payload, also for undici ping()', async () => {
    const { r, result, named } = await run('ping-pong');
    expect(result.ok, r.stderr).toBe(true);
    const pongs = named('frame-sent').filter((e) => e.detail!.opcode === 'pong (0xa)').map((e) => e.detail!.preview);
    expect(pongs).toEqual(['are you there?', 'and now?', 'ping from undici']);
    expect(named('undici:websocket:pong', 'undici')[0]!.detail).toMatchObject({ payload: { bytes: 16, preview: 'ping from undici' } });
  });

  test('close: the code comes back, an empty close is answered empty, a 1-byte close body is a 1002', async () => {
    const { r, result, named } = await run('close');
    expect(result.ok, r.stderr).toBe(true);
    expect(named('close', 'undici').find((e) => e.object === 'WebSocket#1')!.detail).toMatchObject({ code: 4000, wasClean: true });
    // One connection per client, in order: undici (4000), raw-client (1001), empty-close, one-byte-close.
    const closes = (name: string) =>
      named(name, 'server')
        .filter((e) => e.detail!.opcode === 'close (0x8)')
        .map((e) => [e.object, e.detail!.length, e.detail!.code]);
    expect(closes('frame-received')).toEqual([
      ['net.Socket#1', 13, 4000],
      ['net.Socket#2', 12, 1001],
      ['net.Socket#3', 0, null],
      ['net.Socket#4', 1, null],
    ]);
    // Echo the code; an empty body gets an empty answer; a 1-byte body cannot hold a code: 1002.
    expect(closes('frame-sent')).toEqual([
      ['net.Socket#1', 2, 4000],
      ['net.Socket#2', 2, 1001],
      ['net.Socket#3', 0, null],
      ['net.Socket#4', 46, 1002],
    ]);
    expect(named('frame-sent', 'server').at(-1)!.detail).toMatchObject({ reason: 'a close payload is empty or at least 2 bytes' });
  });

  test('rejected: 101 for a token-list Connection with its own Origin, 403 cross-origin, 400 bad key, 426 naming version 13, close 1002 for an unmasked frame', async () => {
    const { r, result, named } = await run('rejected');
    expect(result.ok, r.stderr).toBe(true);
    expect(result.summary).toEqual({ crossOrigin: 403, badKey: 400, oldVersion: 426, unmasked: 1002 });
    const heads = named('response-head').map((e) => e.detail!);
    expect(heads.map((h) => h.status)).toEqual([101, 403, 400, 426, 101]);
    expect(heads[3]).toMatchObject({ headers: { 'Sec-WebSocket-Version': '13' } });

    // browser-like: "Connection: keep-alive, Upgrade" is a token list containing upgrade, and the
    // Origin is the server's own: accepted, and its close 1000 is echoed.
    const upgrades = named('upgrade', 'server').map((e) => e.detail!);
    expect(upgrades[0]).toMatchObject({ headers: { connection: 'keep-alive, Upgrade', origin: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) } });
    expect(named('upgrade', 'browser-like')[0]!.detail).toMatchObject({ statusCode: 101 });
    // cross-origin: a foreign page's Origin is refused with 403.
    expect(upgrades[1]).toMatchObject({ headers: { origin: 'http://evil.example' } });
    expect(named('response', 'cross-origin')[0]!.detail).toMatchObject({ statusCode: 403 });

    // After a refusal the bytes are an HTTP body, not frames.
    expect(named('response-body').map((e) => e.detail!.preview)).toEqual([
      expect.stringContaining('Origin http://evil.example is not allowed'),
      expect.stringContaining('Sec-WebSocket-Key must be 16 bytes'),
      expect.stringContaining('version 8 is not supported'),
    ]);
    expect(named('response', 'bad-key')[0]!.detail).toMatchObject({ statusCode: 400 });
    expect(named('response', 'old-version')[0]!.detail).toMatchObject({ statusCode: 426 });
    expect(named('frame-sent').map((e) => e.detail!.code)).toEqual([1000, 1002]);
    expect(named('frame-received').at(-1)!.detail).toMatchObject({ mask: false, preview: 'look, no mask' });
    expect(named('frame-sent').at(-1)!.detail).toMatchObject({ opcode: 'close (0x8)', code: 1002 });
  });

  test('no upgrade listener: the request reaches the request handler; undici fails with 1006', async () => {
    const { r, result, named } = await run('no-upgrade-listener');
    expect(result.ok, r.stderr).toBe(true);
    expect(named('upgrade', 'server')).toEqual([]);
    expect(named('request', 'server').length).toBe(2);
    expect(named('error', 'undici').some((e) => e.object === 'WebSocket#1')).toBe(true);
    expect(named('close', 'undici').find((e) => e.object === 'WebSocket#1')!.detail).toMatchObject({ code: 1006, wasClean: false });
    expect(named('response', 'raw-client')[0]!.detail).toMatchObject({ statusCode: 200 });
  });

  test('--use with a server that forgets the GUID: the trace shows the wrong accept and the demo fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netlab-ws-use-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = await writeFixtureTo('websocket-handshake', 'bad--handshake--guid-forgotten', join(dir, 'websocket-handshake.ts'));
    const { r, result, named } = await run('handshake', ['--use', file]);
    expect(r.code).toBe(1);
    expect(result.ok).toBe(false);
    expect(result.error!.message).toContain('wrong Sec-WebSocket-Accept');
    expect(named('accept:check')[0]!.detail).toMatchObject({ ok: false, expected: 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=' });
  });

  test('notes speak the chosen language: Chinese under --lang zh-CN, no Chinese in English', async () => {
    const cjk = /[\u4e00-\u9fff]/;
    const notesIn = async (lang: string) => {
      const r = await runCli(['--lang', lang, 'run', 'websocket-handshake', '--json', '--scenario', 'fragmentation']);
      expect(r.code, r.stderr).toBe(0);
      // Lines the wire tap copies from the request and response heads are the wire's own bytes.
      return parseNdjson<Line>(r.stdout).filter((l) => l.type === 'note' && !/^[←→]/.test(l.text ?? '')).map((l) => l.text ?? '');
    };
    const zh = await notesIn('zh-CN');
    expect(zh.length).toBeGreaterThan(3);
    expect(zh.filter((text) => !cjk.test(text))).toEqual([]);
    const en = await notesIn('en');
    expect(en.length).toBe(zh.length);
    expect(en.filter((text) => cjk.test(text))).toEqual([]);
  });
});
