import type { Json, JsonObject } from './event.js';

/** How many bytes of a payload a preview shows before it says how many more there were. */
export const PREVIEW_BYTES = 48;

/**
 * An escaped, printable preview of bytes: printable ASCII as is, `\n` `\r` `\t` escaped,
 * everything else as `\xNN`. UTF-8 text shows escaped too, so a split character is visible.
 */
export function previewBytes(bytes: Uint8Array, max = PREVIEW_BYTES): string {
  let out = '';
  const n = Math.min(bytes.length, max);
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b === 0x09) out += '\\t';
    else if (b === 0x5c) out += '\\\\';
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += '\\x' + b.toString(16).padStart(2, '0');
  }
  if (bytes.length > max) out += `… (+${bytes.length - max} bytes)`;
  return out;
}

export function bytesDetail(bytes: Uint8Array | string): JsonObject {
  const buf = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  return { bytes: buf.length, preview: previewBytes(buf) };
}

export function errorDetail(err: unknown): JsonObject {
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; message?: unknown; name?: unknown };
    const out: JsonObject = { message: String(e.message ?? err) };
    if (typeof e.code === 'string' || typeof e.code === 'number') out.code = e.code;
    else if (typeof e.name === 'string') out.code = e.name;
    return out;
  }
  return { message: String(err) };
}

/** `127.0.0.1:4000`, `[::1]:4000`, or a Unix socket path, from what `address()` returns. */
export function formatAddress(addr: unknown): string | null {
  if (addr == null) return null;
  if (typeof addr === 'string') return addr;
  if (typeof addr === 'object' && 'port' in addr) {
    const a = addr as { address: string; port: number; family?: string | number };
    const host = a.family === 'IPv6' || a.family === 6 ? `[${a.address}]` : a.address;
    return `${host}:${a.port}`;
  }
  return null;
}

export function endpoint(address: string | undefined, port: number | undefined): string | null {
  if (address === undefined || port === undefined) return null;
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/**
 * Any value made JSON-safe and small: Buffers become byte counts with previews, errors
 * `{ code, message }`, objects a shallow copy of their primitive fields. Never throws.
 */
export function toJson(value: unknown, depth = 0): Json {
  try {
    if (value === null || value === undefined) return null;
    if (typeof value === 'string') return value.length > 200 ? value.slice(0, 200) + '…' : value;
    if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
    if (typeof value === 'boolean') return value;
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'function' || typeof value === 'symbol') return null;
    if (value instanceof Uint8Array) return bytesDetail(value);
    if (value instanceof Error) return errorDetail(value);
    if (Array.isArray(value)) {
      return depth > 1 ? `[${value.length} items]` : value.slice(0, 16).map((v) => toJson(v, depth + 1));
    }
    if (depth > 1) return `[${(value as object).constructor?.name ?? 'object'}]`;
    const out: JsonObject = {};
    let n = 0;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (k.startsWith('_') || typeof v === 'function') continue;
      if (++n > 16) break;
      out[k] = toJson(v, depth + 1);
    }
    return out;
  } catch {
    return null;
  }
}
