import type { KeyName } from './input.js';

/** The largest top row for `total` rows in a window of `height`. */
export function maxOffset(total: number, height: number): number {
  return Math.max(0, total - height);
}

export function clampOffset(offset: number, total: number, height: number): number {
  return Math.min(Math.max(0, offset), maxOffset(total, height));
}

/**
 * The new top row after a scrolling key (↑↓ j k, PgUp PgDn, Home End), or undefined when
 * `key` does not scroll.
 */
export function scrollBy(key: KeyName, offset: number, total: number, height: number): number | undefined {
  const page = Math.max(1, height - 1);
  let next: number;
  switch (key) {
    case 'up':
    case 'k':
      next = offset - 1;
      break;
    case 'down':
    case 'j':
      next = offset + 1;
      break;
    case 'pageup':
      next = offset - page;
      break;
    case 'pagedown':
    case 'space':
      next = offset + page;
      break;
    case 'home':
      next = 0;
      break;
    case 'end':
      next = total;
      break;
    default:
      return undefined;
  }
  return clampOffset(next, total, height);
}
