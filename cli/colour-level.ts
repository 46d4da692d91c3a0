/**
 * Whether and how much to colour a stream: only on a TTY or with FORCE_COLOR, never with
 * NO_COLOR or TERM=dumb. Kept apart from chalk so a command that prints no colour need not
 * load it (`netlab list` has a startup budget).
 */
export function colourLevel(stream: { isTTY?: boolean; hasColors?: (count?: number) => boolean }): 0 | 1 | 2 | 3 {
  const force = process.env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') {
    return Math.min(3, Math.max(1, Number(force) || 1)) as 1 | 2 | 3;
  }
  if (process.env.NO_COLOR || !stream.isTTY || process.env.TERM === 'dumb') return 0;
  return stream.hasColors?.(256) ? 2 : 1;
}
