/**
 * RFC 6455 on the wire, written out by hand because it is the lesson: the accept key and the
 * frame format (encode, incremental decode, a description for the trace). The demo's wire tap,
 * the demo clients and the grader all read and write bytes through this file. The learner's
 * exercise does not use it: writing this is the exercise.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { JsonObject } from '../../src/trace/event.js';
import { previewBytes } from '../../src/trace/detail.js';

/** The constant every server appends to the client's key (RFC 6455 §1.3). */
export const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** The opcodes of RFC 6455 §5.2. 0x3–0x7 and 0xB–0xF are reserved. */
export const Opcode = {
  continuation: 0x0,
  text: 0x1,
  binary: 0x2,
  close: 0x8,
  ping: 0x9,
  pong: 0xa,
} as const;
export type OpcodeName = keyof typeof Opcode;

const NAMES = new Map<number, string>(Object.entries(Opcode).map(([name, op]) => [op, name]));

/** `text`, `pong`, or `reserved(0x3)`. */
export function opcodeName(opcode: number): string {
  return NAMES.get(opcode) ?? `reserved(0x${opcode.toString(16)})`;
}

/** Close, ping and pong (opcodes with the high bit set) are control frames. */
export function isControl(opcode: number): boolean {
  return (opcode & 0x8) !== 0;
}

/** A `Sec-WebSocket-Key` is 16 random bytes in base64: 22 characters and `==`. */
export function isValidKey(key: string | undefined): boolean {
  return typeof key === 'string' && /^[A-Za-z0-9+/]{21}[AQgw]==$/.test(key) && Buffer.from(key, 'base64').length === 16;
}

/** A fresh `Sec-WebSocket-Key`, as a client makes one. */
export function randomKey(): string {
  return randomBytes(16).toString('base64');
}

/** The `Sec-WebSocket-Accept` computation, one step at a time (the trace shows each). */
export interface AcceptSteps {
  /** The client's `Sec-WebSocket-Key`, as sent (never decoded). */
  key: string;
  /** key + GUID: the string that is hashed. */
  input: string;
  /** SHA-1 of `input`: 20 bytes, shown as hex. */
  sha1Hex: string;
  /** Those 20 bytes in base64: the `Sec-WebSocket-Accept` value. */
  accept: string;
}

export function acceptSteps(key: string): AcceptSteps {
  const input = key + WEBSOCKET_GUID;
  const digest = createHash('sha1').update(input).digest();
  return { key, input, sha1Hex: digest.toString('hex'), accept: digest.toString('base64') };
}

/** base64(SHA-1(key + GUID)). */
export function acceptFor(key: string): string {
  return acceptSteps(key).accept;
}

export type LengthEncoding = '7-bit' | '16-bit' | '64-bit';

/** One decoded frame. */
export interface Frame {
  fin: boolean;
  /** The three RSV bits as a number 0–7 (must be 0 unless an extension says otherwise). */
  rsv: number;
  opcode: number;
  masked: boolean;
  /** Payload length in bytes. */
  length: number;
  /** How the length was written: in the 7-bit field, or 126 + 16 bits, or 127 + 64 bits. */
  lengthEncoding: LengthEncoding;
  maskingKey: Buffer | null;
  /** The payload, already unmasked. */
  payload: Buffer;
  /** Bytes before the payload: 2, plus 2 or 8 for the extended length, plus 4 for the key. */
  headerLength: number;
}

export interface EncodeOptions {
  /** Last frame of its message (default true). */
  fin?: boolean;
  /** RSV bits 0–7 (default 0). */
  rsv?: number;
  /** Mask the payload: true for a random key, or the 4-byte key to use. Clients must, servers must not. */
  mask?: boolean | Uint8Array;
}

/** The smallest length encoding for `length` bytes, as RFC 6455 §5.2 requires. */
export function lengthEncodingFor(length: number): LengthEncoding {
  return length < 126 ? '7-bit' : length < 0x10000 ? '16-bit' : '64-bit';
}

/** XOR `data` with the 4-byte `key`, in place (masking and unmasking are the same operation). */
export function applyMask(data: Buffer, key: Uint8Array): Buffer {
  for (let i = 0; i < data.length; i++) data[i]! ^= key[i & 3]!;
  return data;
}

/** One frame's bytes. */
export function encodeFrame(opcode: number, payload: Uint8Array | string = Buffer.alloc(0), options: EncodeOptions = {}): Buffer {
  const body = Buffer.from(typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload);
  const encoding = lengthEncodingFor(body.length);
  const extra = encoding === '7-bit' ? 0 : encoding === '16-bit' ? 2 : 8;
  const key = options.mask === true ? randomBytes(4) : options.mask instanceof Uint8Array ? options.mask : null;
  const header = Buffer.alloc(2 + extra + (key ? 4 : 0));
  header[0] = ((options.fin ?? true) ? 0x80 : 0) | (((options.rsv ?? 0) & 7) << 4) | (opcode & 0x0f);
  const maskBit = key ? 0x80 : 0;
  if (encoding === '7-bit') header[1] = maskBit | body.length;
  else if (encoding === '16-bit') {
    header[1] = maskBit | 126;
    header.writeUInt16BE(body.length, 2);
  } else {
    header[1] = maskBit | 127;
    header.writeBigUInt64BE(BigInt(body.length), 2);
  }
  if (key) {
    header.set(key.subarray(0, 4), 2 + extra);
    applyMask(body, key);
  }
  return Buffer.concat([header, body]);
}

/** The payload of a close frame: a 2-byte status code, then a UTF-8 reason. */
export function closePayload(code?: number, reason = ''): Buffer {
  if (code === undefined) return Buffer.alloc(0);
  const out = Buffer.alloc(2 + Buffer.byteLength(reason));
  out.writeUInt16BE(code, 0);
  out.write(reason, 2);
  return out;
}

export function parseClosePayload(payload: Buffer): { code: number | null; reason: string } {
  if (payload.length < 2) return { code: null, reason: '' };
  return { code: payload.readUInt16BE(0), reason: payload.subarray(2).toString('utf8') };
}

/** The well-known close codes (RFC 6455 §7.4.1), for the trace. */
export const CLOSE_CODES: Readonly<Record<number, string>> = {
  1000: 'normal closure',
  1001: 'going away',
  1002: 'protocol error',
  1003: 'unsupported data',
  1005: 'no status received',
  1006: 'abnormal closure',
  1007: 'invalid payload data',
  1008: 'policy violation',
  1009: 'message too big',
  1010: 'mandatory extension',
  1011: 'internal error',
};

/** A byte sequence that cannot be a frame we are willing to wait for. */
export class FrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FrameError';
  }
}

/**
 * An incremental frame decoder: push bytes as they arrive (TCP gives any split), get back the
 * frames that are complete. It decodes whatever it is given, masked or not, reserved opcodes
 * included (judging is the caller's business), and only refuses a 64-bit length beyond
 * `maxPayload`, which it would otherwise wait for forever.
 */
export class FrameParser {
  private buffer: Buffer = Buffer.alloc(0);

  constructor(private readonly maxPayload = 256 * 1024 * 1024) {}

  /** Bytes received that do not make a whole frame yet. */
  get pending(): number {
    return this.buffer.length;
  }

  /** The bytes not yet decoded (for error messages). */
  get pendingBytes(): Buffer {
    return this.buffer;
  }

  push(chunk: Uint8Array): Frame[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : Buffer.from(chunk);
    const frames: Frame[] = [];
    for (;;) {
      const frame = this.next();
      if (!frame) return frames;
      frames.push(frame);
    }
  }

  /** What the header in the buffer announces so far (for "waiting for N more bytes" messages). */
  peekHeader(): { opcode: number; masked: boolean; length: number; lengthEncoding: LengthEncoding } | null {
    const b = this.buffer;
    if (b.length < 2) return null;
    const code = b[1]! & 0x7f;
    const lengthEncoding: LengthEncoding = code < 126 ? '7-bit' : code === 126 ? '16-bit' : '64-bit';
    let length = code;
    if (code === 126) {
      if (b.length < 4) return null;
      length = b.readUInt16BE(2);
    } else if (code === 127) {
      if (b.length < 10) return null;
      length = Number(b.readBigUInt64BE(2));
    }
    return { opcode: b[0]! & 0x0f, masked: (b[1]! & 0x80) !== 0, length, lengthEncoding };
  }

  private next(): Frame | null {
    const b = this.buffer;
    if (b.length < 2) return null;
    const fin = (b[0]! & 0x80) !== 0;
    const rsv = (b[0]! >> 4) & 7;
    const opcode = b[0]! & 0x0f;
    const masked = (b[1]! & 0x80) !== 0;
    const code = b[1]! & 0x7f;
    let offset = 2;
    let length = code;
    let lengthEncoding: LengthEncoding = '7-bit';
    if (code === 126) {
      if (b.length < 4) return null;
      length = b.readUInt16BE(2);
      lengthEncoding = '16-bit';
      offset = 4;
    } else if (code === 127) {
      if (b.length < 10) return null;
      const big = b.readBigUInt64BE(2);
      if (big > BigInt(this.maxPayload)) {
        throw new FrameError(`a frame announces a 64-bit length of ${big} bytes (more than ${this.maxPayload}): the length field is probably wrong`);
      }
      length = Number(big);
      lengthEncoding = '64-bit';
      offset = 10;
    }
    const keyLength = masked ? 4 : 0;
    if (b.length < offset + keyLength + length) return null;
    const maskingKey = masked ? Buffer.from(b.subarray(offset, offset + 4)) : null;
    const payload = Buffer.from(b.subarray(offset + keyLength, offset + keyLength + length));
    if (maskingKey) applyMask(payload, maskingKey);
    this.buffer = b.subarray(offset + keyLength + length);
    return { fin, rsv, opcode, masked, length, lengthEncoding, maskingKey, payload, headerLength: offset + keyLength };
  }
}

/** Decode bytes that hold whole frames only (a test helper). */
export function decodeFrames(bytes: Uint8Array): Frame[] {
  const parser = new FrameParser();
  const frames = parser.push(bytes);
  if (parser.pending) throw new FrameError(`${parser.pending} bytes left over after ${frames.length} frame(s)`);
  return frames;
}

/**
 * What the trace shows for one frame: FIN, opcode (named), MASK, the payload length and which
 * encoding carried it, the masking key, and a preview of the (unmasked) payload.
 */
export function describeFrame(frame: Frame): JsonObject {
  const detail: JsonObject = {
    fin: frame.fin,
    opcode: `${opcodeName(frame.opcode)} (0x${frame.opcode.toString(16)})`,
    mask: frame.masked,
    length: frame.length,
    lengthEncoding: frame.lengthEncoding,
  };
  if (frame.rsv) detail.rsv = frame.rsv;
  if (frame.maskingKey) detail.maskingKey = frame.maskingKey.toString('hex');
  if (frame.opcode === Opcode.close) {
    const { code, reason } = parseClosePayload(frame.payload);
    detail.code = code;
    if (code !== null && CLOSE_CODES[code]) detail.meaning = CLOSE_CODES[code]!;
    if (reason) detail.reason = reason;
  } else {
    detail.bytes = frame.payload.length;
    detail.preview = previewBytes(frame.payload, 32);
  }
  return detail;
}

/** A frame header in one line for error messages: `FIN text MASK len=5 (7-bit)`. */
export function frameSummary(frame: Frame): string {
  const parts = [frame.fin ? 'FIN' : 'no-FIN', opcodeName(frame.opcode)];
  if (frame.rsv) parts.push(`RSV=${frame.rsv}`);
  parts.push(frame.masked ? 'MASKED' : 'unmasked', `len=${frame.length} (${frame.lengthEncoding})`);
  if (frame.opcode === Opcode.close) {
    const { code, reason } = parseClosePayload(frame.payload);
    parts.push(`code=${code ?? 'none'}${reason ? ` reason="${reason}"` : ''}`);
  }
  return parts.join(' ');
}
