/** The bytes the demo's clients upload, and what a correct answer to them is. */
import { createHash } from 'node:crypto';

/** `size` bytes of every value 0x00–0xff in turn: binary, not valid UTF-8. */
export function payload(size: number, seed = 0): Buffer {
  const buf = Buffer.alloc(size);
  for (let i = 0; i < size; i++) buf[i] = (i * 7 + seed) & 0xff;
  return buf;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
