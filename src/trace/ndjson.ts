import type { Writable } from 'node:stream';

/**
 * `--json` output: one JSON object per line on stdout and nothing else. Writes are queued in
 * the stream (never dropped); `end()` resolves once everything is flushed.
 */
export class NdjsonWriter {
  constructor(private readonly out: Writable = process.stdout) {}

  write<T extends { type: string }>(value: T): void {
    this.out.write(JSON.stringify(value) + '\n');
  }

  /** Resolves when everything written so far has been handed to the OS. */
  flush(): Promise<void> {
    return new Promise((resolve) => {
      if (this.out.writableLength === 0) resolve();
      else this.out.write('', () => resolve());
    });
  }
}

/** Parse NDJSON text into objects (tests, tools). Throws on a line that is not JSON. */
export function parseNdjson<T = Record<string, unknown>>(text: string): T[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      try {
        return JSON.parse(line) as T;
      } catch {
        throw new Error(`line ${i + 1} is not JSON: ${line.slice(0, 120)}`);
      }
    });
}
