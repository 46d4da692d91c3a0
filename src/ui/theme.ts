/**
 * Every style the interactive lab uses, from one chalk instance whose level the command
 * chose (none with NO_COLOR or without a TTY). The screens never use Ink's colour props, so
 * "no colour" is decided in exactly one place. Without colour, nothing depends on style: the
 * selected row has a marker, the current tab brackets, a check its ✓/✗.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import type { Paint } from '../trace/format.js';
import { chalkPaint } from '../trace/pretty.js';

/** What a code block's tokens are coloured as (highlight.ts maps the highlighter's scopes). */
export type SyntaxKind = 'keyword' | 'type' | 'literal' | 'string' | 'comment' | 'function' | 'property';

export interface Theme {
  /** True when styles produce ANSI codes. */
  readonly colour: boolean;
  readonly chalk: ChalkInstance;
  /** A fresh trace painter: one colour per actor, in order of appearance (one per run). */
  tracePaint(): Paint;
  title(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
  /** A key name in the key bar and the help (`r`, `Enter`). */
  key(text: string): string;
  accent(text: string): string;
  ok(text: string): string;
  fail(text: string): string;
  warn(text: string): string;
  /** Code in a lesson (inline spans and fenced blocks). */
  code(text: string): string;
  em(text: string): string;
  /** A token in a code block. */
  syntax(kind: SyntaxKind, text: string): string;
  heading(text: string): string;
  /** The selected row or current tab. */
  selected(text: string): string;
}

const SYNTAX: Record<SyntaxKind, (c: ChalkInstance) => (text: string) => string> = {
  keyword: (c) => c.magenta,
  type: (c) => c.cyan,
  literal: (c) => c.yellow,
  string: (c) => c.green,
  comment: (c) => c.gray,
  function: (c) => c.blue,
  property: (c) => c.cyan,
};

export function createTheme(chalk: ChalkInstance = new Chalk({ level: 0 })): Theme {
  const c = chalk;
  return {
    colour: c.level > 0,
    chalk: c,
    tracePaint: () => chalkPaint(c),
    title: (t) => c.bold.cyan(t),
    dim: (t) => c.dim(t),
    bold: (t) => c.bold(t),
    key: (t) => c.bold.cyan(t),
    accent: (t) => c.cyan(t),
    ok: (t) => c.green(t),
    fail: (t) => c.red(t),
    warn: (t) => c.yellow(t),
    code: (t) => c.yellow(t),
    em: (t) => c.italic(t),
    syntax: (kind, t) => SYNTAX[kind](c)(t),
    heading: (t) => c.bold.underline(t),
    selected: (t) => c.inverse(t),
  };
}

/** No colour at all (NO_COLOR, tests). */
export const plainTheme: Theme = createTheme(new Chalk({ level: 0 }));
