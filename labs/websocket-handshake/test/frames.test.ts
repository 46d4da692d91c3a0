/**
 * The websocket-handshake lab's own codec (labs/websocket-handshake/frames.ts), checked against
 * the worked examples of RFC 6455 (§1.3 and §5.7), so the demo's trace and the grader read
 * bytes the way the RFC does.
 */
import { describe, expect, test } from 'vitest';
import {
  acceptFor,
  acceptSteps,
  closePayload,
  decodeFrames,
  describeFrame,
  encodeFrame,
  FrameError,
  FrameParser,
  isValidKey,
  lengthEncodingFor,
  Opcode,
  parseClosePayload,
} from '../frames.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('Sec-WebSocket-Accept', () => {
  test('the RFC 6455 §1.3 example: key + GUID, SHA-1, base64', () => {
    const steps = acceptSteps('dGhlIHNhbXBsZSBub25jZQ==');
    expect(steps.input).toBe('dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11');
    expect(steps.sha1Hex).toBe('b37a4f2cc0624f1690f64606cf385945b2bec4ea');
    expect(steps.accept).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    expect(acceptFor('dGhlIHNhbXBsZSBub25jZQ==')).toBe(steps.accept);
  });

  test.each([
    ['dGhlIHNhbXBsZSBub25jZQ==', true],
    ['not-a-key', false],
    ['dGhlIHNhbXBsZSBub25jZQ', false],
    ['dGhlIHNhbXBsZSBub25jZXg=', false], // 17 bytes
    ['dGhlIHNhbXBsZSBub25jZR==', false], // not canonical base64
    [undefined, false],
  ])('isValidKey(%j) is %s', (key, valid) => {
    expect(isValidKey(key)).toBe(valid);
  });
});

describe('frames: the RFC 6455 §5.7 examples', () => {
  test('a single-frame unmasked text message', () => {
    const bytes = hex('81 05 48 65 6c 6c 6f');
    const [frame] = decodeFrames(bytes);
    expect(frame).toMatchObject({ fin: true, opcode: Opcode.text, masked: false, length: 5, lengthEncoding: '7-bit', maskingKey: null });
    expect(frame!.payload.toString()).toBe('Hello');
    expect(encodeFrame(Opcode.text, 'Hello')).toEqual(bytes);
  });

  test('a single-frame masked text message', () => {
    const bytes = hex('81 85 37 fa 21 3d 7f 9f 4d 51 58');
    const [frame] = decodeFrames(bytes);
    expect(frame).toMatchObject({ masked: true, length: 5 });
    expect(frame!.maskingKey).toEqual(hex('37fa213d'));
    expect(frame!.payload.toString()).toBe('Hello');
    expect(encodeFrame(Opcode.text, 'Hello', { mask: hex('37fa213d') })).toEqual(bytes);
  });

  test('a fragmented unmasked text message', () => {
    const frames = decodeFrames(hex('01 03 48 65 6c  80 02 6c 6f'));
    expect(frames.map((f) => [f.fin, f.opcode, f.payload.toString()])).toEqual([
      [false, Opcode.text, 'Hel'],
      [true, Opcode.continuation, 'lo'],
    ]);
  });

  test('ping and its masked pong', () => {
    const [ping] = decodeFrames(hex('89 05 48 65 6c 6c 6f'));
    const [pong] = decodeFrames(hex('8a 85 37 fa 21 3d 7f 9f 4d 51 58'));
    expect(ping).toMatchObject({ opcode: 0x9 });
    expect(pong).toMatchObject({ opcode: 0xa, masked: true });
    expect(pong!.payload).toEqual(ping!.payload);
  });

  test('256 bytes take a 16-bit length, 64 KiB a 64-bit one', () => {
    expect(encodeFrame(Opcode.binary, Buffer.alloc(256)).subarray(0, 4)).toEqual(hex('82 7e 01 00'));
    expect(encodeFrame(Opcode.binary, Buffer.alloc(65536)).subarray(0, 10)).toEqual(hex('82 7f 00 00 00 00 00 01 00 00'));
  });
});

describe('FrameParser', () => {
  test('boundaries: the smallest encoding, at 125/126 and 65535/65536', () => {
    expect([0, 125, 126, 65535, 65536, 100_000].map(lengthEncodingFor)).toEqual(['7-bit', '7-bit', '16-bit', '16-bit', '64-bit', '64-bit']);
    for (const size of [0, 125, 126, 65535, 65536, 100_000]) {
      const payload = Buffer.from(Array.from({ length: size }, (_, i) => (i * 7) & 0xff));
      const [frame] = decodeFrames(encodeFrame(Opcode.binary, payload, { mask: true }));
      expect(frame!.length).toBe(size);
      expect(frame!.lengthEncoding).toBe(lengthEncodingFor(size));
      expect(frame!.headerLength).toBe(2 + (size < 126 ? 0 : size < 65536 ? 2 : 8) + 4);
      expect(frame!.payload.equals(payload)).toBe(true);
    }
  });

  test('bytes pushed one at a time give the same frames as all at once', () => {
    const bytes = Buffer.concat([
      encodeFrame(Opcode.text, 'first', { mask: true }),
      encodeFrame(Opcode.binary, Buffer.alloc(300, 7), { mask: true }),
      encodeFrame(Opcode.close, closePayload(1000, 'bye'), { mask: true }),
    ]);
    const parser = new FrameParser();
    const frames = [];
    for (const byte of bytes) frames.push(...parser.push(Buffer.from([byte])));
    expect(parser.pending).toBe(0);
    expect(frames.map((f) => f.opcode)).toEqual([Opcode.text, Opcode.binary, Opcode.close]);
    expect(frames[1]!.payload.equals(Buffer.alloc(300, 7))).toBe(true);
    expect(parseClosePayload(frames[2]!.payload)).toEqual({ code: 1000, reason: 'bye' });
  });

  test('a part of a frame stays pending', () => {
    const parser = new FrameParser();
    const bytes = encodeFrame(Opcode.text, 'hello');
    expect(parser.push(bytes.subarray(0, 4))).toEqual([]);
    expect(parser.pending).toBe(4);
    expect(parser.peekHeader()).toMatchObject({ opcode: Opcode.text, length: 5 });
  });

  test('an absurd 64-bit length is an error, not an endless wait', () => {
    expect(() => new FrameParser(1024).push(hex('82 7f 00 00 01 00 00 00 00 00'))).toThrow(FrameError);
  });

  test('describeFrame names the opcode and the length encoding, previews the unmasked payload', () => {
    const [frame] = decodeFrames(encodeFrame(Opcode.text, 'hello', { mask: hex('01020304') }));
    expect(describeFrame(frame!)).toEqual({
      fin: true,
      opcode: 'text (0x1)',
      mask: true,
      length: 5,
      lengthEncoding: '7-bit',
      maskingKey: '01020304',
      bytes: 5,
      preview: 'hello',
    });
    const [close] = decodeFrames(encodeFrame(Opcode.close, closePayload(1002, 'no mask')));
    expect(describeFrame(close!)).toMatchObject({ opcode: 'close (0x8)', code: 1002, meaning: 'protocol error', reason: 'no mask' });
  });
});
