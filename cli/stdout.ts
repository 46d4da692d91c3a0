/**
 * Writing to stdout without making the stdout stream. For a pipe or a file, Node's stream loads
 * net and stream, a good part of the startup budget of `netlab list` and `netlab --help`
 * (SPEC §7); those write to the descriptor itself. A terminal gets the stream as usual.
 */
import { fstatSync, writeSync } from 'node:fs';

/**
 * Whether stdout may be a terminal (a character device: a terminal, or /dev/null), told without
 * node:tty, which loads net: only then is the stdout stream made, and it says for sure.
 */
export function maybeTerminal(): boolean {
  try {
    return fstatSync(1).isCharacterDevice();
  } catch {
    return false;
  }
}

/**
 * Write `text` to stdout. A reader that went away (`netlab list | head -1`) is not an error; a
 * descriptor that would block hands the rest to the stream, which waits.
 */
export function writeOut(text: string): void {
  if (maybeTerminal()) {
    process.stdout.write(text);
    return;
  }
  let rest = Buffer.from(text);
  try {
    while (rest.length > 0) rest = rest.subarray(writeSync(1, rest));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EPIPE') process.exit(0);
    if (code !== 'EAGAIN') throw err;
    process.stdout.write(rest);
  }
}
