/**
 * Measuring and wrapping terminal text that may carry ANSI colour codes (SGR). The screens
 * pre-wrap their text to the terminal's width so that scrolling counts real rows. Widths come
 * from string-width (what Ink measures with): a CJK character or an emoji takes two columns.
 */
import { createRequire } from 'node:module';

/**
 * string-width, loaded on the first text that needs it (see NARROW): its module builds Unicode
 * tables as it loads, a good part of the first frame's budget for a screen that needs none.
 * Required synchronously: Node ≥ 20.19 requires an ES module.
 */
let measureWidth: ((text: string) => number) | undefined;
function stringWidth(text: string): number {
  measureWidth ??= (createRequire(import.meta.url)('string-width') as { default: (text: string) => number }).default;
  return measureWidth(text);
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

// One column a character, no lookup needed: printable ASCII (most of what the screens show) and
// the narrow symbols the screens draw with (Latin-1, dashes and quotes, arrows, box drawing and
// shapes, ✓ ✗), each one UTF-16 unit: string-width is not even loaded for them.
// test/ui-text.test.ts checks that it agrees on every one of them.
const NARROW = /^[\x20-\x7e\u00a0-\u00ac\u00ae-\u00ff\u2010-\u2027\u2030-\u205e\u2190-\u21ff\u2500-\u25fc\u2713\u2717]*$/;

/** Whether every character of `text` is one that always takes one column (see NARROW). */
export function narrowOnly(text: string): boolean {
  return NARROW.test(text);
}

/**
 * Widths of the other texts already measured. A frame measures the same rows again on every
 * key and every trace line, and string-width looks each grapheme up in Unicode tables: a
 * Chinese lesson paged through cost seconds without this. Bounded: cleared when full.
 */
const measured = new Map<string, number>();
const MEASURED_MAX = 4096;

/** Columns `text` takes on a terminal (ANSI codes take none, CJK and emoji two). */
export function textWidth(text: string): number {
  const plain = text.includes('\x1b') ? stripAnsi(text) : text;
  if (NARROW.test(plain)) return plain.length;
  let width = measured.get(text);
  if (width === undefined) {
    if (measured.size >= MEASURED_MAX) measured.clear();
    measured.set(text, (width = stringWidth(text)));
  }
  return width;
}

// Made on first use: a segmenter loads ICU's break rules (~20 ms here), and text of NARROW
// characters only (the first frame's) is one grapheme a character without it.
let graphemes: Intl.Segmenter | undefined;

/** Columns one grapheme takes. ASCII is the common case and needs no lookup. */
function graphemeWidth(g: string): number {
  return g.length === 1 && g >= ' ' && g <= '~' ? 1 : textWidth(g);
}

/** Pad (or not) `text` to `width` columns, ignoring ANSI codes. */
export function padEnd(text: string, width: number): string {
  const w = textWidth(text);
  return w >= width ? text : text + ' '.repeat(width - w);
}

/** Cut `text` to at most `width` columns, ending with `…` when it was cut. ANSI-aware. */
export function truncate(text: string, width: number): string {
  if (textWidth(text) <= width) return text;
  const rows = hardSplit(text, Math.max(1, width - 1));
  return rows[0]! + '…';
}

type Token = { kind: 'code'; text: string } | { kind: 'char'; text: string; width: number };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const chars = (part: string) => {
    if (NARROW.test(part)) {
      for (const ch of part) tokens.push({ kind: 'char', text: ch, width: 1 });
      return;
    }
    graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    for (const { segment } of graphemes.segment(part)) tokens.push({ kind: 'char', text: segment, width: graphemeWidth(segment) });
  };
  let last = 0;
  for (const match of text.matchAll(ANSI)) {
    chars(text.slice(last, match.index));
    tokens.push({ kind: 'code', text: match[0] });
    last = match.index! + match[0].length;
  }
  chars(text.slice(last));
  return tokens;
}

/**
 * The columns `from` … `from + width` of `text` (a wide character cut in half is left out),
 * with the colours that were open at `from` reopened and closed at the end.
 */
export function sliceColumns(text: string, from: number, width: number): string {
  const sgr = new SgrState();
  let out = '';
  let column = 0;
  let started = false;
  for (const token of tokenize(text)) {
    if (token.kind === 'code') {
      sgr.apply(token.text);
      if (started) out += token.text;
      continue;
    }
    if (column >= from && column + token.width <= from + width) {
      if (!started) {
        out += sgr.reopen();
        started = true;
      }
      out += token.text;
    }
    column += token.width;
    if (column >= from + width) break;
  }
  return started ? out + sgr.close() : '';
}

/**
 * Which SGR attributes are open, so a wrapped row can close them at its end and the next
 * row can reopen them (each row is drawn on its own).
 */
class SgrState {
  private open = new Map<string, string>();
  private cached: string | undefined = '';

  apply(code: string): void {
    this.cached = undefined;
    const params = code.slice(2, -1).split(';');
    if (params.length === 1 && (params[0] === '' || params[0] === '0')) {
      this.open.clear();
      return;
    }
    const n = Number(params[0]);
    const slot = n === 39 || (n >= 30 && n <= 38) || (n >= 90 && n <= 97) ? 'fg'
      : n === 49 || (n >= 40 && n <= 48) || (n >= 100 && n <= 107) ? 'bg'
      : n === 1 || n === 2 || n === 22 ? (n === 22 ? 'weight' : `weight${n}`)
      : n === 3 || n === 23 ? 'italic'
      : n === 4 || n === 24 ? 'underline'
      : n === 7 || n === 27 ? 'inverse'
      : n === 9 || n === 29 ? 'strike'
      : `other${n}`;
    const closes = n === 39 || n === 49 || n === 22 || n === 23 || n === 24 || n === 27 || n === 29;
    if (slot === 'weight') {
      this.open.delete('weight1');
      this.open.delete('weight2');
    } else if (closes) {
      this.open.delete(slot);
    } else {
      this.open.set(slot, code);
    }
  }

  reopen(): string {
    this.cached ??= [...this.open.values()].join('');
    return this.cached;
  }

  close(): string {
    return this.open.size ? '\x1b[0m' : '';
  }
}

function hardSplit(text: string, width: number): string[] {
  return wrapTokens(tokenize(text), width, '', false);
}

/** Cut `text` into rows of exactly `width` columns (the last may be shorter), never at spaces. */
export function hardWrap(text: string, width: number): string[] {
  return hardSplit(text, Math.max(1, width));
}

/**
 * Wrap `text` to rows of at most `width` columns: at spaces and between CJK characters where
 * possible, mid-word when a word is longer than a row. Continuation rows start with `indent`.
 * Colours survive the breaks.
 */
export function wrapText(text: string, width: number, indent = ''): string[] {
  return wrapTokens(tokenize(text), Math.max(1, width), indent, true);
}

// Chinese (and Japanese, Korean) text has no spaces: a row may end between any two of its
// characters. Han, kana, hangul, CJK punctuation and the full-width forms.
const CJK = /[\u2E80-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFFEF\u{20000}-\u{3FFFF}]/u;
// The simple form of the CJK line-breaking rules (kinsoku): closing punctuation never starts a
// row and opening punctuation never ends one, so `。` stays with the word it ends.
const NO_BREAK_BEFORE = new Set([...'。，、：；！？）」』】》〉〕］｝”’…‥・·—～％,.;:!?)]}%']);
const NO_BREAK_AFTER = new Set([...'（「『【《〈〔［｛“‘([{']);

/** May a row end between `before` and `after` (two graphemes, neither a space)? */
function cjkBreak(before: string, after: string): boolean {
  if (!CJK.test(before) && !CJK.test(after)) return false;
  return !NO_BREAK_BEFORE.has(after) && !NO_BREAK_AFTER.has(before);
}

function wrapTokens(tokens: Token[], width: number, indent: string, atSpaces: boolean): string[] {
  const rows: string[] = [];
  const sgr = new SgrState();
  let row = '';
  let rowWidth = 0;
  let limit = width;
  // Where the row could break: index in `row`, width there, SGR state to reopen after it.
  let breakAt: { index: number; width: number; reopen: string; close: string } | undefined;
  const indentWidth = textWidth(indent);
  // The last grapheme placed, to find the breaks between CJK characters.
  let previous = '';

  const newRow = (rest: string, restWidth: number) => {
    rows.push(row);
    const reopen = sgr.reopen();
    row = indent + reopen + rest;
    rowWidth = indentWidth + restWidth;
    limit = width;
    breakAt = undefined;
  };

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind === 'code') {
      row += token.text;
      sgr.apply(token.text);
      continue;
    }
    if (atSpaces && token.text === ' ') {
      if (rowWidth + 1 > limit) {
        // A space at the end of a row: break here and drop it.
        row += sgr.close();
        newRow('', 0);
        continue;
      }
      row += ' ';
      rowWidth += 1;
      previous = ' ';
      // A break here leaves something before the space on the row.
      if (rowWidth > (rows.length ? indentWidth : 0) + 1) breakAt = { index: row.length, width: rowWidth, reopen: sgr.reopen(), close: sgr.close() };
      continue;
    }
    if (atSpaces && previous !== '' && previous !== ' ' && rowWidth > (rows.length ? indentWidth : 0) && cjkBreak(previous, token.text)) {
      breakAt = { index: row.length, width: rowWidth, reopen: sgr.reopen(), close: sgr.close() };
    }
    previous = token.text;
    if (rowWidth + token.width > limit && rowWidth > (rows.length ? indentWidth : 0)) {
      if (breakAt) {
        // Move the word that does not fit to the next row.
        const head = row.slice(0, breakAt.index).replace(/ $/, '');
        const tail = row.slice(breakAt.index);
        rows.push(head + breakAt.close);
        row = indent + breakAt.reopen + tail;
        rowWidth = indentWidth + textWidth(tail);
        breakAt = undefined;
      } else {
        row += sgr.close();
        newRow('', 0);
      }
      if (rowWidth + token.width > limit) {
        row += sgr.close();
        newRow('', 0);
      }
    }
    row += token.text;
    rowWidth += token.width;
  }
  rows.push(row);
  return rows;
}
