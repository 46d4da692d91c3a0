/**
 * Everything that can happen to the interactive lab, as one typed union (like rustlings'
 * `WatchEvent`): a key, a resize, the quit signal, and every event of the controller (trace
 * lines, run and grade results, file saves, progress). Each screen's reducer takes this union.
 */
import type { Key as InkKey } from 'ink';
import type { SessionEvent } from '../session/types.js';

/** A key by name: `up`, `down`, `left`, `right`, `pageup`, `pagedown`, `home`, `end`, `enter`,
 * `escape`, `tab`, `backtab`, `backspace`, `ctrl-c`, `space`, or the character typed (`r`). */
export type KeyName = string;

export type Input =
  | { type: 'key'; key: KeyName }
  | { type: 'resize'; columns: number; rows: number }
  /** The command was told to stop (SIGTERM, SIGHUP): quit like `q` at home. */
  | { type: 'abort' }
  | SessionEvent;

/** Ink's (input, key) → key names (a paste of several characters is several keys). */
export function keysFromInk(input: string, key: InkKey): KeyName[] {
  if (key.ctrl && input === 'c') return ['ctrl-c'];
  if (key.upArrow) return ['up'];
  if (key.downArrow) return ['down'];
  if (key.leftArrow) return ['left'];
  if (key.rightArrow) return ['right'];
  if (key.pageUp) return ['pageup'];
  if (key.pageDown) return ['pagedown'];
  if (key.home) return ['home'];
  if (key.end) return ['end'];
  if (key.return) return ['enter'];
  if (key.tab) return [key.shift ? 'backtab' : 'tab'];
  if (key.backspace || key.delete) return ['backspace'];
  if (key.escape) return ['escape'];
  if (key.ctrl || key.meta) return [];
  // Several keys in one chunk (typed ahead while netlab was starting, or pasted).
  const names: KeyName[] = [];
  for (const ch of input) {
    const named = CONTROL_KEYS[ch];
    if (named) names.push(named);
    else if (ch >= ' ' && ch !== '\x7f') names.push(ch);
  }
  return names;
}

const CONTROL_KEYS: Record<string, KeyName> = { ' ': 'space', '\r': 'enter', '\n': 'enter', '\t': 'tab', '\x7f': 'backspace', '\x03': 'ctrl-c' };
