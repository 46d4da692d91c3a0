/**
 * A code block on a screen of fixed width: kept verbatim (never re-flowed, never wrapped
 * mid-word), syntax-coloured when it can be (highlight.ts), behind a `│` gutter. A line wider
 * than the block is cut at the edge with a `›` marker, never silently; the screen shifts
 * every code block sideways (`<` `>`), and a line cut on the left starts with `‹`.
 */
import { highlightLines } from './highlight.js';
import { sliceColumns, textWidth } from './text.js';
import type { Theme } from './theme.js';

export interface CodeView {
  /** Columns the code blocks are scrolled to the right. */
  shift?: number;
  /**
   * Set while rendering: the most columns any code line did not fit by (how far the screen
   * can scroll sideways; 0 when every line fits).
   */
  overflow?: number;
}

/** Columns a sideways key moves the code. */
export const CODE_SHIFT_STEP = 24;

/** Columns of code visible in a block of `width` columns (the gutter takes two). */
export function codeColumns(width: number): number {
  return Math.max(4, width - 2);
}

/**
 * Where a screen's code is scrolled sideways to after a key: `>` right, `<` left, within
 * `overflow` columns. Undefined when `key` is not one of them.
 */
export function shiftCode(key: string, shift: number, overflow: number): number | undefined {
  if (key === '>' || key === '.') return Math.min(Math.max(0, overflow), shift + CODE_SHIFT_STEP);
  if (key === '<' || key === ',') return Math.max(0, Math.min(shift, overflow) - CODE_SHIFT_STEP);
  return undefined;
}

/** `code` as rows of at most `width` columns, shifted by `view.shift` columns. */
export function codeBlock(code: string, language: string, width: number, theme: Theme, view: CodeView = {}): string[] {
  const source = code.replace(/\t/g, '  ').replace(/\n$/, '');
  const plain = source.split('\n');
  const lines = highlightLines(source, language.trim().split(/\s/)[0]!.toLowerCase(), theme) ?? plain.map((l) => (theme.colour && l ? theme.code(l) : l));
  const columns = codeColumns(width);
  const shift = Math.max(0, view.shift ?? 0);
  const gutter = theme.dim('│ ');
  const rows: string[] = [];
  if (language) rows.push(theme.dim(`┌ ${language}`));
  lines.forEach((line, i) => {
    const w = textWidth(plain[i]!);
    view.overflow = Math.max(view.overflow ?? 0, w - columns);
    if (shift === 0 && w <= columns) {
      rows.push(gutter + line);
      return;
    }
    const cutLeft = shift > 0 && w > 0;
    const cutRight = w > shift + columns;
    const from = shift + (cutLeft ? 1 : 0);
    const visible = sliceColumns(line, from, columns - (cutLeft ? 1 : 0) - (cutRight ? 1 : 0));
    rows.push(gutter + (cutLeft ? theme.dim('‹') : '') + visible + (cutRight ? theme.dim('›') : ''));
  });
  return rows;
}
