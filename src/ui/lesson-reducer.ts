/**
 * The lesson screen: one step at a time (←/→, Enter for the next), scrolled with ↑/↓ when a
 * step is taller than the screen.
 */
import type { Input } from './input.js';
import { contentWidth, layout, type Size } from './layout.js';
import { renderMarkdown } from './markdown.js';
import { clampOffset, scrollBy } from './scroll.js';
import type { LabContext, Step } from './screen.js';
import type { Theme } from './theme.js';
import type { LabView } from '../session/types.js';

export interface LessonState {
  /** The step shown, from 0. */
  step: number;
  /** Top row of the step's text in the window. */
  offset: number;
}

export const initialLesson: LessonState = { step: 0, offset: 0 };

/** Rows above the step's text: its title row and a blank row. */
export const LESSON_HEADER_ROWS = 2;

export function lessonWindow(size: Size): number {
  return Math.max(1, layout(size).body - LESSON_HEADER_ROWS);
}

const cache = new Map<string, string[]>();

/** The step's text as rows of the content width (memoized: reducers and views both ask). */
export function lessonRows(lab: LabView, step: number, size: Size, theme: Theme): string[] {
  const section = lab.steps[step];
  if (!section) return [];
  const width = contentWidth(size);
  const key = `${lab.id}\0${step}\0${width}\0${theme.colour}\0${section.body.length}`;
  let rows = cache.get(key);
  if (!rows) {
    rows = renderMarkdown(section.body, width, theme);
    if (cache.size > 64) cache.clear();
    cache.set(key, rows);
  }
  return rows;
}

export function lessonReducer(state: LessonState, input: Input, ctx: LabContext): Step<LessonState> {
  if (input.type === 'resize') {
    const total = lessonRows(ctx.lab, state.step, ctx.size, ctx.theme).length;
    return { state: { ...state, offset: clampOffset(state.offset, total, lessonWindow(ctx.size)) } };
  }
  if (input.type !== 'key') return { state };
  const steps = ctx.lab.steps.length;
  const key = input.key;
  if (key === 'right' || key === 'enter') {
    if (state.step + 1 < steps) return { state: { step: state.step + 1, offset: 0 } };
    return {
      state,
      notice: { level: 'info', text: steps ? 'That was the last step. Press r to watch the demo run, or 3 for the exercise.' : 'This lab has no lesson yet: press r to run its demo.' },
    };
  }
  if (key === 'left' || key === 'backspace') {
    if (state.step > 0) return { state: { step: state.step - 1, offset: 0 } };
    return { state };
  }
  const total = lessonRows(ctx.lab, state.step, ctx.size, ctx.theme).length;
  const offset = scrollBy(key, state.offset, total, lessonWindow(ctx.size));
  if (offset !== undefined) return { state: { ...state, offset } };
  return { state };
}
