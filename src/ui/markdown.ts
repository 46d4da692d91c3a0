/**
 * Lessons and hints are Markdown; the terminal shows them as rows of at most `width`
 * columns. marked's lexer parses them (CommonMark and GFM tables, so `**` around inline code
 * and every other nesting is read as a Markdown reader reads it); the tokens are laid out
 * here: headings, paragraphs wrapped at spaces, lists with hanging indents, quotes, tables
 * fitted to the width, and code blocks (code-block.ts) kept verbatim. `code`, **strong** and
 * *emphasis* are styled; without colour, code keeps its backticks.
 */
import { createRequire } from 'node:module';
import type { Lexer as MarkedLexer, Token, Tokens } from 'marked';
import { codeBlock, type CodeView } from './code-block.js';
import type { Theme } from './theme.js';
import { padEnd, textWidth, wrapText } from './text.js';

/**
 * marked's lexer, loaded on the first text rendered: marked builds its rules as it loads, and
 * the first frame (the home screen) renders no Markdown. Required synchronously (Node ≥ 20.19
 * requires an ES module).
 */
let lexer: typeof MarkedLexer | undefined;
function markedLexer(): typeof MarkedLexer {
  return (lexer ??= (createRequire(import.meta.url)('marked') as { Lexer: typeof MarkedLexer }).Lexer);
}

/** A character of CJK text: Han, kana, Hangul, or CJK and full-width punctuation. */
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff00-\uffef]/u;

/**
 * Chinese lessons write `一个 **双工流** 的`: CommonMark only sees `**` as emphasis next to
 * punctuation or spaces, so the author puts spaces around it, but Chinese text has no spaces
 * between words. A single space between CJK text and bold or italic CJK text is dropped here;
 * a space next to Latin text, code or a number stays (`一个 **Duplex** 流`).
 */
function tightenCjkEmphasis(tokens: readonly Token[]): Token[] {
  const out = tokens.map((token) => ({ ...token })) as Token[];
  const emphasis = (token: Token | undefined) => token?.type === 'strong' || token?.type === 'em';
  const plain = (token: Token | undefined): token is Tokens.Text => token?.type === 'text' && !('tokens' in token && token.tokens?.length);
  for (let i = 0; i < out.length; i++) {
    const token = out[i]!;
    const next = out[i + 1];
    if (plain(token) && emphasis(next) && / $/.test(token.text) && CJK.test(token.text.at(-2) ?? '') && CJK.test((next as Tokens.Strong).text[0] ?? '')) {
      token.text = token.text.slice(0, -1);
    }
    if (emphasis(token) && plain(next) && /^ /.test(next.text) && CJK.test((token as Tokens.Strong).text.at(-1) ?? '') && CJK.test(next.text[1] ?? '')) {
      next.text = next.text.slice(1);
    }
  }
  return out;
}

/** Inline tokens → one styled string. */
function inline(tokens: readonly Token[] | undefined, theme: Theme): string {
  let out = '';
  for (const token of tightenCjkEmphasis(tokens ?? [])) {
    switch (token.type) {
      case 'codespan': {
        // No-break spaces: a short command (`netlab run tcp-echo`) stays on one row, as a
        // reader copies it whole; one longer than a row is still cut where it must be.
        const code = token.text.length <= 40 ? token.text.replace(/ /g, '\u00a0') : token.text;
        out += theme.colour ? theme.code(code) : `\`${code}\``;
        break;
      }
      case 'strong':
        out += theme.bold(inline(token.tokens, theme));
        break;
      case 'em':
        out += theme.em(inline(token.tokens, theme));
        break;
      case 'del':
        out += theme.chalk.strikethrough(inline(token.tokens, theme));
        break;
      case 'link': {
        const text = inline(token.tokens, theme);
        out += token.href === token.text || token.href === `mailto:${token.text}` ? text : `${text} ${theme.dim(`(${token.href})`)}`;
        break;
      }
      case 'image':
        out += theme.dim(`[${token.text}](${token.href})`);
        break;
      case 'br':
        out += ' ';
        break;
      case 'text':
        out += 'tokens' in token && token.tokens ? inline(token.tokens, theme) : token.text.replace(/\n/g, ' ');
        break;
      default:
        // escape, html and anything newer: its text as written.
        out += 'text' in token && typeof token.text === 'string' ? token.text.replace(/\n/g, ' ') : token.raw;
    }
  }
  return out;
}

/** Inline Markdown (one line of it) → one styled string. */
export function renderInline(text: string, theme: Theme): string {
  return inline(markedLexer().lexInline(text), theme);
}

/** Render a Markdown document (one lesson step, one hint) to terminal rows. */
export function renderMarkdown(markdown: string, width: number, theme: Theme, code: CodeView = {}): string[] {
  const out = blocks(markedLexer().lex(markdown.replace(/\t/g, '  ')), Math.max(8, width), theme, code);
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

/** Block tokens → rows, with one blank row between blocks. */
function blocks(tokens: readonly Token[], width: number, theme: Theme, code: CodeView): string[] {
  const out: string[] = [];
  const gap = () => {
    if (out.length > 0 && out[out.length - 1] !== '') out.push('');
  };
  for (const token of tokens) {
    switch (token.type) {
      case 'space':
        break;
      case 'heading': {
        gap();
        const text = inline(token.tokens, theme);
        out.push(...wrapText(token.depth <= 2 ? theme.heading(text) : theme.bold(text), width));
        out.push('');
        break;
      }
      case 'paragraph':
        gap();
        out.push(...wrapText(inline(token.tokens, theme), width));
        out.push('');
        break;
      case 'text':
        // Inside a tight list item: a paragraph without the blank row after it.
        out.push(...wrapText(inline('tokens' in token && token.tokens ? token.tokens : [token], theme), width));
        break;
      case 'code':
        gap();
        out.push(...codeBlock(token.text, token.lang ?? '', width, theme, code));
        out.push('');
        break;
      case 'list':
        gap();
        out.push(...list(token as Tokens.List, width, theme, code));
        out.push('');
        break;
      case 'blockquote': {
        gap();
        const bar = theme.dim('│ ');
        for (const row of trimBlank(blocks(token.tokens ?? [], width - 2, theme, code))) out.push(row === '' ? theme.dim('│') : bar + row);
        out.push('');
        break;
      }
      case 'table':
        gap();
        out.push(...table(token as Tokens.Table, width, theme));
        out.push('');
        break;
      case 'hr':
        gap();
        out.push(theme.dim('─'.repeat(Math.min(width, 40))));
        out.push('');
        break;
      default:
        // html blocks and anything newer: the text as written.
        gap();
        out.push(...wrapText(token.raw.trim(), width));
        out.push('');
    }
  }
  return out;
}

function trimBlank(rows: string[]): string[] {
  while (rows.length > 0 && rows[rows.length - 1] === '') rows.pop();
  return rows;
}

function list(token: Tokens.List, width: number, theme: Theme, code: CodeView): string[] {
  const out: string[] = [];
  const start = typeof token.start === 'number' ? token.start : 1;
  const markers = token.items.map((item, i) => (item.task ? (item.checked ? '☑ ' : '☐ ') : token.ordered ? `${start + i}. ` : '• '));
  const markerWidth = Math.max(...markers.map((m) => textWidth(m)));
  token.items.forEach((item, i) => {
    const lead = '  ';
    const inner = width - lead.length - markerWidth;
    const tokens = item.task ? item.tokens.filter((t) => t.type !== 'checkbox') : item.tokens;
    const rows = trimBlank(blocks(tokens, inner, theme, code));
    rows.forEach((r, n) => out.push(r === '' ? '' : lead + (n === 0 ? theme.accent(padEnd(markers[i]!, markerWidth)) : ' '.repeat(markerWidth)) + r));
    if (token.loose && i + 1 < token.items.length) out.push('');
  });
  return out;
}

/**
 * A table in columns two spaces apart. When the natural widths do not fit, the widest column
 * gives up room first and its cells wrap inside it, so no cell is cut.
 */
function table(token: Tokens.Table, width: number, theme: Theme): string[] {
  const header = token.header.map((c) => inline(c.tokens, theme));
  const body = token.rows.map((r) => r.map((c) => inline(c.tokens, theme)));
  const all = [header, ...body];
  const columns = header.length;
  const indent = 2;
  const gaps = 2 * (columns - 1);
  const widths = Array.from({ length: columns }, (_, c) => Math.max(1, ...all.map((r) => textWidth(r[c] ?? ''))));
  const room = width - indent - gaps;
  while (widths.reduce((a, b) => a + b, 0) > room) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest]! <= 6) break;
    widths[widest]!--;
  }
  const out: string[] = [];
  const line = (cells: string[], style: (t: string) => string) => {
    const wrapped = widths.map((w, c) => wrapText(cells[c] ?? '', w));
    const height = Math.max(...wrapped.map((w) => w.length));
    for (let n = 0; n < height; n++) {
      const text = widths.map((w, c) => padEnd(wrapped[c]![n] ?? '', w)).join('  ').trimEnd();
      out.push(' '.repeat(indent) + style(text));
    }
  };
  line(header, (t) => theme.bold(t));
  out.push(' '.repeat(indent) + theme.dim('─'.repeat(Math.min(width - indent, widths.reduce((a, b) => a + b, 0) + gaps))));
  for (const row of body) line(row, (t) => t);
  return out;
}
