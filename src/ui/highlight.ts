/**
 * Syntax colour for code blocks, from highlight.js (its core and only the languages the
 * lessons use). It is loaded by the app only (App.tsx calls {@link loadHighlighter}), never
 * by `netlab list` or the first frame: until it is loaded, and without colour, code is plain.
 * highlight.js returns HTML; its `<span class="hljs-…">` nesting is read back here and each
 * scope mapped to one of the theme's syntax styles.
 */
import type { SyntaxKind, Theme } from './theme.js';

interface Highlighter {
  highlight(code: string, options: { language: string; ignoreIllegals: boolean }): { value: string };
  getLanguage(name: string): unknown;
}

let highlighter: Highlighter | null = null;
let loading: Promise<void> | undefined;

/** Load highlight.js and its languages once; resolves when code can be coloured. */
export function loadHighlighter(): Promise<void> {
  loading ??= (async () => {
    const [core, typescript, javascript, bash, json, yaml] = await Promise.all([
      import('highlight.js/lib/core'),
      import('highlight.js/lib/languages/typescript'),
      import('highlight.js/lib/languages/javascript'),
      import('highlight.js/lib/languages/bash'),
      import('highlight.js/lib/languages/json'),
      import('highlight.js/lib/languages/yaml'),
    ]);
    const hljs = core.default;
    hljs.registerLanguage('typescript', typescript.default);
    hljs.registerLanguage('javascript', javascript.default);
    hljs.registerLanguage('bash', bash.default);
    hljs.registerLanguage('json', json.default);
    hljs.registerLanguage('yaml', yaml.default);
    highlighter = hljs;
  })();
  return loading;
}

/** True once {@link loadHighlighter} finished (part of the key of cached, rendered rows). */
export function highlighterReady(): boolean {
  return highlighter !== null;
}

/** highlight.js scopes → the theme's syntax styles; scopes not listed stay plain. */
const SCOPES: Record<string, SyntaxKind> = {
  keyword: 'keyword',
  'variable.language': 'keyword',
  built_in: 'type',
  type: 'type',
  'title.class': 'type',
  literal: 'literal',
  number: 'literal',
  string: 'string',
  regexp: 'string',
  'template-tag': 'string',
  comment: 'comment',
  doc: 'comment',
  meta: 'comment',
  'title.function': 'function',
  attr: 'property',
  property: 'property',
  symbol: 'literal',
};

/** `hljs-title function_` → `title.function`. */
function scopeOf(classes: string): SyntaxKind | undefined {
  const parts = classes.split(' ').map((c) => c.replace(/^hljs-/, '').replace(/_+$/, ''));
  return SCOPES[parts.join('.')] ?? SCOPES[parts[0]!];
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#x27;': "'", '&#39;': "'" };

/**
 * `code` in `language`, coloured, as one string per line; null when it cannot be coloured
 * (no colour, the highlighter not loaded yet, a language it does not know).
 */
export function highlightLines(code: string, language: string, theme: Theme): string[] | null {
  if (!theme.colour || !highlighter || !language || !highlighter.getLanguage(language)) return null;
  let html: string;
  try {
    html = highlighter.highlight(code, { language, ignoreIllegals: true }).value;
  } catch {
    return null;
  }
  const lines: string[] = [''];
  const stack: Array<SyntaxKind | undefined> = [];
  for (const m of html.matchAll(/<span class="([^"]+)">|<\/span>|([^<]+)/g)) {
    if (m[1] !== undefined) {
      // A scope without a style of its own takes its parent's.
      stack.push(scopeOf(m[1]) ?? stack[stack.length - 1]);
      continue;
    }
    if (m[2] === undefined) {
      stack.pop();
      continue;
    }
    const kind = stack[stack.length - 1];
    const text = m[2].replace(/&(?:amp|lt|gt|quot|#x27|#39);/g, (e) => ENTITIES[e]!);
    // Styles never span a line break: each line is drawn (and cut) on its own.
    text.split('\n').forEach((piece, i) => {
      if (i > 0) lines.push('');
      if (piece) lines[lines.length - 1] += kind ? theme.syntax(kind, piece) : piece;
    });
  }
  return lines;
}
