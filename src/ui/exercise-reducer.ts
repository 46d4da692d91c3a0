/**
 * The exercise screen: `i` offers to create the workspace (and asks first), `g` grades,
 * `h` reveals the next hint, `s` shows the solution once the exercise passed; saves of the
 * learner's file are noticed. The screen is one scrollable document (exercise-doc.ts); `<` `>`
 * move its code (hints, the solution) sideways when a line is wider than the screen.
 */
import { join } from 'node:path';
import { shiftCode } from './code-block.js';
import { displayPath, exerciseDoc, failedChecks, type ExerciseView } from './exercise-doc.js';
import type { Input } from './input.js';
import { layout, type Size } from './layout.js';
import { clampOffset, scrollBy } from './scroll.js';
import type { LabContext, Step } from './reducer.js';
import { t } from '../i18n/index.js';

export interface ExerciseState extends ExerciseView {
  /** Waiting for y/n: create the workspace? */
  confirmInit: boolean;
  /** Top row of the window. */
  offset: number;
}

export const initialExercise: ExerciseState = {
  traceOf: 0,
  grading: false,
  liveChecks: [],
  grade: null,
  initRunning: false,
  solution: null,
  savedSinceGrade: false,
  codeShift: 0,
  confirmInit: false,
  offset: 0,
};

export function exerciseWindow(size: Size): number {
  return Math.max(1, layout(size).body);
}

type Anchor = 'grade' | 'lastHint' | 'solution';

/**
 * Bring a section into view with as little scrolling as possible: the whole section if it
 * fits (keeping the rows above it), else its start at the top.
 */
function scrollTo(state: ExerciseState, anchor: Anchor, ctx: LabContext): ExerciseState {
  const doc = exerciseDoc(state, ctx);
  const start = doc.anchors[anchor];
  const end = anchor === 'grade' ? doc.anchors.hints - 1 : anchor === 'lastHint' ? doc.anchors.solution - 1 : doc.rows.length;
  const height = exerciseWindow(ctx.size);
  return { ...state, offset: clampOffset(Math.max(0, Math.min(start - 1, end - height)), doc.rows.length, height) };
}

export function exerciseReducer(state: ExerciseState, input: Input, ctx: LabContext): Step<ExerciseState> {
  const { lab, workspace, progress } = ctx;
  switch (input.type) {
    case 'resize':
      return { state: { ...state, offset: clampOffset(state.offset, exerciseDoc(state, ctx).rows.length, exerciseWindow(ctx.size)) } };
    case 'grade-started':
      if (input.lab !== lab.id) return { state };
      return { state: scrollTo({ ...state, grading: true, liveChecks: [] }, 'grade', ctx) };
    case 'grade-progress':
      if (input.lab !== lab.id || !state.grading) return { state };
      return { state: scrollTo({ ...state, liveChecks: [...state.liveChecks, input.check] }, 'grade', ctx) };
    case 'graded': {
      if (input.lab !== lab.id) return { state };
      const next = { ...state, grading: false, liveChecks: [], grade: input.grade, savedSinceGrade: false, traceOf: 0 };
      const g = input.grade;
      const passed = g.checks.filter((c) => c.status === 'passed').length;
      const counted = g.checks.filter((c) => c.status !== 'skipped').length;
      const notice =
        g.status === 'passed' ? { level: 'ok' as const, text: t('ui.ex.passedNotice', { lab: lab.id, passed, count: counted }) }
        : g.status === 'failed' ? { level: 'warn' as const, text: t('ui.ex.failedNotice', { passed, count: counted }) }
        : g.status === 'not-started' ? { level: 'warn' as const, text: g.message ?? t('ui.ex.notStarted') }
        : { level: 'error' as const, text: (g.message ?? t('ui.ex.couldNotRun')).split('\n')[0]! };
      return { state: scrollTo(next, 'grade', ctx), notice };
    }
    case 'solution':
      if (input.lab !== lab.id) return { state };
      {
        const next = { ...state, solution: input.source };
        return { state: scrollTo(next, 'solution', ctx) };
      }
    case 'init-done': {
      const next = { ...state, initRunning: false };
      const file = displayPath(join(workspace.dir, `${lab.id}.ts`));
      return {
        state: next,
        notice: input.ok
          ? { level: 'ok', text: t('ui.ex.ready', { file }) }
          : { level: 'error', text: t('ui.ex.initFailed', { message: input.message.split('\n')[0]! }) },
      };
    }
    case 'file-changed':
      if (input.lab !== lab.id) return { state };
      return {
        state: { ...state, savedSinceGrade: input.file !== null },
        notice: input.file ? { level: 'info', text: t('ui.ex.changed', { file: displayPath(input.file) }) } : undefined,
      };
    case 'progress': {
      // A hint was revealed: bring it into view.
      const before = progress.hintsShown;
      const after = input.progress[lab.id]?.hintsShown ?? before;
      if (after <= before) return { state };
      const next = { ...ctx, progress: input.progress[lab.id]!, workspace: input.workspace };
      return { state: scrollTo(state, 'lastHint', next) };
    }
    case 'key':
      break;
    default:
      return { state };
  }

  const key = input.key;
  if (state.confirmInit) {
    if (key === 'y' || key === 'Y' || key === 'enter') {
      return { state: { ...state, confirmInit: false, initRunning: true }, commands: [{ type: 'init' }], notice: { level: 'info', text: `Creating ${displayPath(workspace.dir)}…` } };
    }
    if (key === 'n' || key === 'N' || key === 'escape' || key === 'q') {
      return { state: { ...state, confirmInit: false }, notice: { level: 'info', text: t('ui.ex.nothingCreated') } };
    }
    return { state };
  }
  switch (key) {
    case 'g':
      if (state.grading) return { state, notice: { level: 'info', text: t('ui.ex.alreadyGrading') } };
      return { state: { ...state, grading: Boolean(progress.file) }, commands: [{ type: 'grade', lab: lab.id }] };
    case 'h':
      if (lab.hints.length === 0) return { state, notice: { level: 'info', text: t('ui.ex.noHints', { lab: lab.id }) } };
      if (progress.hintsShown >= lab.hints.length) {
        return { state: scrollTo(state, 'lastHint', ctx), notice: { level: 'info', text: t('ui.ex.lastHint', { count: lab.hints.length }) } };
      }
      return { state, commands: [{ type: 'hint', lab: lab.id }] };
    case 's':
      if (!progress.passed) return { state, notice: { level: 'warn', text: t('ui.ex.solutionLocked') } };
      if (state.solution !== null) return { state: scrollTo(state, 'solution', ctx) };
      return { state, commands: [{ type: 'solution', lab: lab.id }] };
    case 't': {
      const failed = state.grade ? failedChecks(state.grade) : [];
      if (failed.length === 0) return { state, notice: { level: 'info', text: t('ui.ex.noFailingTrace') } };
      const traceOf = (state.traceOf + 1) % failed.length;
      const next = { ...state, traceOf };
      const doc = exerciseDoc(next, ctx);
      return { state: { ...next, offset: clampOffset(doc.anchors.trace - 1, doc.rows.length, exerciseWindow(ctx.size)) } };
    }
    case 'i':
      if (state.initRunning) return { state };
      if (workspace.exists && progress.file) return { state, notice: { level: 'info', text: t('ui.ex.alreadyHave', { file: displayPath(progress.file) }) } };
      return { state: { ...state, confirmInit: true } };
  }
  const doc = exerciseDoc(state, ctx);
  const codeShift = shiftCode(key, state.codeShift, doc.codeOverflow);
  if (codeShift !== undefined) return { state: { ...state, codeShift } };
  const offset = scrollBy(key, state.offset, doc.rows.length, exerciseWindow(ctx.size));
  if (offset !== undefined) return { state: { ...state, offset } };
  return { state };
}
