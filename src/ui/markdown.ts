/**
 * Lessons and hints are Markdown; the terminal shows them as rows of at most `width`
 * columns: headings, paragraphs wrapped at spaces, lists with hanging indents, quotes, tables
 * aligned in columns, and code blocks kept verbatim (never re-flowed) behind a gutter.
 * `code`, **strong** and *emphasis* are styled; without colour, code keeps its backticks.
 */
import type { Theme } from './theme.js';
import { hardWrap, padEnd, textWidth, wrapText } from './text.js';

const INLINE =
  /\*\*([^*]+)\*\*|__([^_]+)__|(^|[\s(["'])\*([^*\s](?:[^*]*[^*\s])?)\*(?=$|[\s).,;:!?'"\]])|(^|[\s(["'])_([^_\s](?:[^_]*[^_\s])?)_(?=$|[\s).,;:!?'"\]])|\[([^\]]+)\]\(([^)\s]+)\)/g;

/** Inline Markdown → one styled string. */
export function renderInline(text: string, theme: Theme): string {
  // Code spans first: nothing inside them is markup.
  return text
    .split(/(`+[^`]*?`+)/)
    .map((part) => {
      const code = /^(`+)([^`]*?)\1$/.exec(part);
      if (code) return theme.colour ? theme.code(code[2]!) : `\`${code[2]}\``;
      return part.replace(INLINE, (_m, b1, b2, pre1, e1, pre2, e2, linkText, url) => {
        if (b1 !== undefined || b2 !== undefined) return theme.bold(b1 ?? b2);
        if (e1 !== undefined) return pre1 + theme.em(e1);
        if (e2 !== undefined) return pre2 + theme.em(e2);
        return `${linkText} ${theme.dim(`(${url})`)}`;
      });
    })
    .join('');
}

const FENCE = /^\s*(```|~~~)/;
const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const ITEM = /^(\s*)([-*+]|\d+[.)])\s+(.*)$/;
const RULE = /^\s*([-*_])(\s*\1){2,}\s*$/;
const QUOTE = /^\s*>\s?(.*)$/;
const TABLE = /^\s*\|.*\|\s*$/;
const TABLE_SEPARATOR = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;

/** Render a Markdown document (one lesson step) to terminal rows. */
export function renderMarkdown(markdown: string, width: number, theme: Theme): string[] {
  const lines = markdown.replace(/\t/g, '  ').split('\n');
  const out: string[] = [];
  const gap = () => {
    if (out.length > 0 && out[out.length - 1] !== '') out.push('');
  };
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '') {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const lang = line.trim().slice(3).trim();
      const code: string[] = [];
      i++;
      while (i < lines.length && !lines[i]!.trim().startsWith(fence[1]!)) code.push(lines[i++]!);
      i++; // the closing fence
      gap();
      const gutter = theme.dim('│ ');
      if (lang) out.push('  ' + theme.dim(`┌ ${lang}`));
      for (const c of code) {
        // Code is never re-flowed: a long line continues on the next row after a marker.
        const rows = hardWrap(theme.code(c), Math.max(8, width - 4));
        rows.forEach((r, n) => out.push('  ' + (n === 0 ? gutter : theme.dim('│↪')) + r));
      }
      gap();
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      gap();
      const text = renderInline(heading[2]!, theme);
      const styled = heading[1]!.length <= 2 ? theme.heading(text) : theme.bold(text);
      out.push(...wrapText(styled, width));
      out.push('');
      i++;
      continue;
    }
    if (RULE.test(line)) {
      gap();
      out.push(theme.dim('─'.repeat(Math.min(width, 40))));
      out.push('');
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      const quoted: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i]!)) quoted.push(QUOTE.exec(lines[i++]!)![1]!);
      gap();
      const bar = theme.dim('│ ');
      for (const row of renderMarkdown(quoted.join('\n'), width - 2, theme)) out.push(bar + row);
      gap();
      continue;
    }
    if (TABLE.test(line)) {
      const rows: string[] = [];
      while (i < lines.length && TABLE.test(lines[i]!)) rows.push(lines[i++]!);
      gap();
      out.push(...renderTable(rows, width, theme));
      gap();
      continue;
    }
    const item = ITEM.exec(line);
    if (item) {
      // One list: items and their continuation lines.
      while (i < lines.length) {
        const it = ITEM.exec(lines[i]!);
        if (!it) break;
        const depth = Math.floor(it[1]!.length / 2);
        let text = it[3]!;
        i++;
        while (i < lines.length && lines[i]!.trim() !== '' && !ITEM.test(lines[i]!) && !FENCE.test(lines[i]!) && /^\s+/.test(lines[i]!)) {
          text += ' ' + lines[i++]!.trim();
        }
        const marker = /^\d/.test(it[2]!) ? `${it[2]} ` : '• ';
        const lead = '  '.repeat(depth) + '  ';
        const rows = wrapText(renderInline(text, theme), width - lead.length - marker.length, '');
        rows.forEach((r, n) => out.push(lead + (n === 0 ? theme.accent(marker) : ' '.repeat(marker.length)) + r));
        // A blank line between items of a loose list is not repeated.
        if (i < lines.length && lines[i]!.trim() === '' && i + 1 < lines.length && ITEM.test(lines[i + 1]!)) i++;
      }
      gap();
      continue;
    }
    // A paragraph: lines up to a blank line or another block.
    const para: string[] = [];
    while (
      i < lines.length &&
      lines[i]!.trim() !== '' &&
      !FENCE.test(lines[i]!) &&
      !HEADING.test(lines[i]!) &&
      !(para.length > 0 && (ITEM.test(lines[i]!) || QUOTE.test(lines[i]!) || TABLE.test(lines[i]!)))
    ) {
      para.push(lines[i++]!.trim());
    }
    out.push(...wrapText(renderInline(para.join(' '), theme), width));
    gap();
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

function renderTable(rows: string[], width: number, theme: Theme): string[] {
  const cells = rows
    .filter((r) => !TABLE_SEPARATOR.test(r))
    .map((r) =>
      r
        .trim()
        .replace(/^\|/, '')
        .replace(/\|$/, '')
        .split('|')
        .map((c) => renderInline(c.trim(), theme)),
    );
  const hasHeader = rows.length > 1 && TABLE_SEPARATOR.test(rows[1]!);
  const columns = Math.max(...cells.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, c) => Math.max(...cells.map((r) => textWidth(r[c] ?? ''))));
  const out: string[] = [];
  cells.forEach((r, n) => {
    const text = widths.map((w, c) => padEnd(r[c] ?? '', w)).join('  ').trimEnd();
    const row = n === 0 && hasHeader ? theme.bold(text) : text;
    out.push(...wrapText('  ' + row, width, '    '));
    if (n === 0 && hasHeader) out.push('  ' + theme.dim('─'.repeat(Math.min(width - 2, widths.reduce((a, b) => a + b, 0) + 2 * (columns - 1)))));
  });
  return out;
}
