/**
 * The firehose's stream: byte i is i % 256. Readers (the demo's clients, the grader) check what
 * they receive against it chunk by chunk, without ever holding the whole stream.
 */

/** 64 KiB of the pattern plus one period, so any chunk of up to 64 KiB starting anywhere is a slice of it. */
const TABLE = Buffer.from(Array.from({ length: 64 * 1024 + 256 }, (_, i) => i & 0xff));

/** Index (within `chunk`) of the first byte that differs from the pattern at stream offset `offset`, or -1. */
export function patternMismatch(chunk: Uint8Array, offset: number): number {
  for (let at = 0; at < chunk.length; at += 64 * 1024) {
    const piece = chunk.subarray(at, at + 64 * 1024);
    const start = (offset + at) & 0xff;
    const want = TABLE.subarray(start, start + piece.length);
    if (!want.equals(piece)) {
      for (let i = 0; i < piece.length; i++) if (piece[i] !== want[i]) return at + i;
    }
  }
  return -1;
}

/** `size` bytes of the stream starting at byte `offset`, made fresh (a writer hands it to write() and forgets it). */
export function patternChunk(offset: number, size: number): Buffer {
  const chunk = Buffer.allocUnsafe(size);
  // Copied from the table a period at most 64 KiB at a time: a writer that makes its chunks fast
  // stays ahead of any reader, even on a busy machine.
  for (let at = 0; at < size; at += 64 * 1024) {
    const start = (offset + at) & 0xff;
    TABLE.copy(chunk, at, start, start + Math.min(64 * 1024, size - at));
  }
  return chunk;
}

/** What byte `index` of the stream should be. */
export const expectedByte = (index: number): number => index & 0xff;
