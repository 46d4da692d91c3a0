/**
 * Measuring and wrapping terminal text that may carry ANSI colour codes (SGR). The screens
 * pre-wrap their text to the terminal's width so that scrolling counts real rows.
 */

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** Columns a character takes: 2 for wide East Asian characters and emoji, else 1. */
function charWidth(cp: number): number {
  if (cp < 0x1100) return 1;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

export function textWidth(text: string): number {
  let w = 0;
  for (const ch of stripAnsi(text)) w += charWidth(ch.codePointAt(0)!);
  return w;
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
  let last = 0;
  for (const match of text.matchAll(ANSI)) {
    for (const ch of text.slice(last, match.index)) tokens.push({ kind: 'char', text: ch, width: charWidth(ch.codePointAt(0)!) });
    tokens.push({ kind: 'code', text: match[0] });
    last = match.index! + match[0].length;
  }
  for (const ch of text.slice(last)) tokens.push({ kind: 'char', text: ch, width: charWidth(ch.codePointAt(0)!) });
  return tokens;
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
 * Wrap `text` to rows of at most `width` columns: at spaces where possible, mid-word when a
 * word is longer than a row. Continuation rows start with `indent`. Colours survive the breaks.
 */
export function wrapText(text: string, width: number, indent = ''): string[] {
  return wrapTokens(tokenize(text), Math.max(1, width), indent, true);
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
      breakAt = { index: row.length, width: rowWidth, reopen: sgr.reopen(), close: sgr.close() };
      continue;
    }
    if (rowWidth + token.width > limit && rowWidth > (rows.length ? indentWidth : 0)) {
      if (breakAt && breakAt.width > (rows.length ? indentWidth : 0) + 1) {
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
