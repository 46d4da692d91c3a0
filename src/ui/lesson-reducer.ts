/**
 * The lesson screen: one step at a time (←/→, Enter for the next), scrolled with ↑/↓ when a
 * step is taller than the screen, its code blocks shifted sideways with `<` `>` when a line
 * is wider than the screen.
 */
import type { Input } from './input.js';
import { shiftCode } from './code-block.js';
import { highlighterReady } from './highlight.js';
import { contentWidth, layout, type Size } from './layout.js';
import { renderMarkdown } from './markdown.js';
import { clampOffset, scrollBy } from './scroll.js';
import type { LabContext, Step } from './reducer.js';
import { padEnd, textWidth, wrapText } from './text.js';
import type { Theme } from './theme.js';
import type { LabView } from '../session/types.js';
import { t } from '../i18n/index.js';

export interface LessonState {
  /** The step shown, from 0. */
  step: number;
  /** Top row of the step's text in the window. */
  offset: number;
  /** Columns the step's code blocks are scrolled to the right. */
  codeShift: number;
}

export const initialLesson: LessonState = { step: 0, offset: 0, codeShift: 0 };

/**
 * The rows above a step's text: the step count and its title (wrapped, never cut), with how
 * many steps remain and the dots on the right when they fit beside it, then a blank row.
 */
export function lessonHeader(lab: LabView, step: number, width: number, theme: Theme): string[] {
  const section = lab.steps[step];
  if (!section) return [];
  const left = lab.steps.length - step - 1;
  const count = t('ui.lesson.stepOf', { n: step + 1, count: lab.steps.length });
  const title = `${theme.dim(count)}${theme.heading(section.title)}`;
  const dots = lab.steps.map((_, i) => (i < step ? theme.accent('●') : i === step ? theme.bold('◉') : theme.dim('○'))).join('');
  const togo = theme.dim(left === 0 ? t('ui.lesson.lastStep') : t('ui.lesson.toGo', { count: left }));
  for (const right of [`${togo} ${dots}`, dots]) {
    const room = width - textWidth(right) - 1;
    if (textWidth(title) <= room) return [padEnd(title, room) + ' ' + right, ''];
  }
  return [...wrapText(title, width, ' '.repeat(textWidth(count))), ''];
}

export function lessonWindow(size: Size, lab?: LabView, step = 0, theme?: Theme): number {
  const header = lab && theme ? lessonHeader(lab, step, contentWidth(size), theme).length : 2;
  return Math.max(1, layout(size).body - header);
}

export interface LessonDoc {
  rows: string[];
  /** Columns the widest code line does not fit by (0: no sideways scrolling). */
  codeOverflow: number;
}

const cache = new Map<string, LessonDoc>();

/** The step's text as rows of the content width (memoized: reducers and views both ask). */
export function lessonDoc(lab: LabView, step: number, size: Size, theme: Theme, codeShift = 0): LessonDoc {
  const section = lab.steps[step];
  if (!section) return { rows: [], codeOverflow: 0 };
  const width = contentWidth(size);
  const key = `${lab.id}\0${step}\0${width}\0${theme.colour}\0${highlighterReady()}\0${codeShift}\0${section.body.length}`;
  let doc = cache.get(key);
  if (!doc) {
    const view = { shift: codeShift, overflow: 0 };
    doc = { rows: renderMarkdown(section.body, width, theme, view), codeOverflow: view.overflow };
    if (cache.size > 64) cache.clear();
    cache.set(key, doc);
  }
  return doc;
}

export function lessonReducer(state: LessonState, input: Input, ctx: LabContext): Step<LessonState> {
  const window = () => lessonWindow(ctx.size, ctx.lab, state.step, ctx.theme);
  if (input.type === 'resize') {
    const doc = lessonDoc(ctx.lab, state.step, ctx.size, ctx.theme, state.codeShift);
    return { state: { ...state, offset: clampOffset(state.offset, doc.rows.length, window()), codeShift: Math.min(state.codeShift, doc.codeOverflow) } };
  }
  if (input.type !== 'key') return { state };
  const steps = ctx.lab.steps.length;
  const key = input.key;
  if (key === 'right' || key === 'enter') {
    if (state.step + 1 < steps) return { state: { step: state.step + 1, offset: 0, codeShift: 0 } };
    return {
      state,
      notice: { level: 'info', text: steps ? t('ui.lesson.noticeLast') : t('ui.lesson.noticeNone') },
    };
  }
  if (key === 'left' || key === 'backspace') {
    if (state.step > 0) return { state: { step: state.step - 1, offset: 0, codeShift: 0 } };
    return { state };
  }
  const doc = lessonDoc(ctx.lab, state.step, ctx.size, ctx.theme, state.codeShift);
  const codeShift = shiftCode(key, state.codeShift, doc.codeOverflow);
  if (codeShift !== undefined) return { state: { ...state, codeShift } };
  const offset = scrollBy(key, state.offset, doc.rows.length, window());
  if (offset !== undefined) return { state: { ...state, offset } };
  return { state };
}
