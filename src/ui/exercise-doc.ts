/**
 * The exercise screen's text, as rows: where the learner's file is (or how to create the
 * workspace), the last grade with one row per check (✓ passed, ✗ failed, – skipped), each
 * failed check's message and trace, the hints revealed so far, and the solution once passed.
 * Anchors name the rows the screen scrolls to after an action.
 */
import { relative, isAbsolute } from 'node:path';
import type { CheckGrade, LabGrade, LabProgressView, LabView } from '../session/types.js';
import { contentWidth } from './layout.js';
import { renderMarkdown } from './markdown.js';
import type { LabContext } from './reducer.js';
import { codeBlock } from './code-block.js';
import { padEnd, textWidth, truncate, wrapText } from './text.js';
import type { Theme } from './theme.js';
import { TraceLog } from './trace-log.js';
import { t } from '../i18n/index.js';

export interface ExerciseView {
  /** Which failed check's trace is shown (index among the failed checks; `t` cycles). */
  traceOf: number;
  grading: boolean;
  /** Checks finished so far while grading. */
  liveChecks: CheckGrade[];
  grade: LabGrade | null;
  initRunning: boolean;
  solution: string | null;
  /** The file was saved after the last grade. */
  savedSinceGrade: boolean;
  /** Columns the hints' and the solution's code is scrolled to the right. */
  codeShift: number;
}

export interface ExerciseDoc {
  rows: string[];
  anchors: { grade: number; trace: number; hints: number; lastHint: number; solution: number };
  /** Columns the widest code line does not fit by (0: no sideways scrolling). */
  codeOverflow: number;
}

/** The learner's file was graded, in this session or an earlier one. */
export function hasGrade(view: ExerciseView, progress: LabProgressView): boolean {
  return view.grade ? view.grade.status === 'passed' || view.grade.status === 'failed' : progress.lastScore !== null;
}

/** The file as it was last graded passes (this session's grade wins over an earlier pass). */
export function passesNow(view: ExerciseView, progress: LabProgressView): boolean {
  return view.grade ? view.grade.status === 'passed' : progress.passed;
}

/**
 * The exercise screen's status row when nothing else is said: what to do next, given the
 * learner's file, the last grade and whether the file was saved since.
 */
export function exerciseTip(view: ExerciseView, progress: LabProgressView): string {
  if (view.grading) return t('ui.ex.tipGrading');
  if (!progress.file) return t('ui.ex.tipNoFile');
  if (view.savedSinceGrade) return hasGrade(view, progress) ? t('ui.ex.savedAgain') : t('ui.ex.saved');
  if (passesNow(view, progress)) return t('ui.ex.tipPassed');
  if (view.grade?.status === 'failed') return t('ui.ex.tipFailed');
  return t('ui.ex.tipEdit');
}

/** The failed checks of a grade, in report order. */
export function failedChecks(grade: LabGrade): CheckGrade[] {
  return grade.checks.filter((c) => c.status === 'failed');
}

/** A path as the learner would type it from here: relative when inside the current folder. */
export function displayPath(path: string, cwd = process.cwd()): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** At most this many rows of a failed check's trace. */
const TRACE_ROWS = 40;
/** At most this many lines of what a failed check's code printed. */
const OUTPUT_ROWS = 12;

function checkMark(check: CheckGrade, theme: Theme): string {
  return check.status === 'passed' ? theme.ok('✓') : check.status === 'failed' ? theme.fail('✗') : theme.warn('–');
}

const traceCache = new WeakMap<CheckGrade, { key: string; rows: string[] }>();

function checkTrace(check: CheckGrade, width: number, theme: Theme, policy: LabView['trace']): string[] {
  if (!check.trace?.length) return [];
  const key = `${width}\0${theme.colour}`;
  const hit = traceCache.get(check);
  if (hit?.key === key) return hit.rows;
  const log = TraceLog.of(check.trace, theme, width, undefined, policy);
  const rows = log.rows.length > TRACE_ROWS ? [...log.rows.slice(0, TRACE_ROWS), theme.dim(t('ui.ex.moreRows', { count: log.rows.length - TRACE_ROWS }))] : [...log.rows];
  traceCache.set(check, { key, rows });
  return rows;
}

function section(title: string, width: number, theme: Theme): string {
  return theme.bold(title) + ' ' + theme.dim('─'.repeat(Math.max(0, width - textWidth(title) - 1)));
}

export function exerciseDoc(view: ExerciseView, ctx: LabContext): ExerciseDoc {
  const { lab, progress, workspace, theme } = ctx;
  const width = contentWidth(ctx.size);
  const rows: string[] = [];
  const para = (text: string, indent = '') => rows.push(...wrapText(indent + text, width, indent));
  const anchors = { grade: 0, trace: 0, hints: 0, lastHint: 0, solution: 0 };
  const code = { shift: view.codeShift, overflow: 0 };
  const fileName = `${lab.id}.ts`;
  const exports = lab.exports.map((e) => theme.code(`${e}()`)).join(', ');
  const keys = { i: theme.key('i'), g: theme.key('g'), s: theme.key('s'), n: theme.key('n'), h: theme.key('h'), init: theme.code('netlab init') };

  if (!workspace.exists) {
    para(t('ui.ex.writeOwn', { exports, file: theme.bold(fileName) }));
    rows.push('');
    para(t('ui.ex.noWorkspace', { dir: theme.bold(displayPath(workspace.dir)) }));
    rows.push('');
    if (view.initRunning) para(theme.warn(t('ui.ex.creating')));
    else para(t('ui.ex.pressCreate', keys));
  } else if (!progress.file) {
    para(t('ui.ex.writeIn', { exports, file: theme.bold(displayPath(`${workspace.dir}/${fileName}`)) }));
    rows.push('');
    para(t('ui.ex.noFileYet', { dir: theme.bold(displayPath(workspace.dir)), file: fileName }));
    if (view.initRunning) para(theme.warn(t('ui.ex.adding')));
    else para(t('ui.ex.pressAdd', keys));
  } else {
    para(`${theme.dim(t('ui.ex.yourFile'))}  ${theme.bold(displayPath(progress.file))}`);
    para(`${theme.dim(padEnd(t('ui.ex.exports'), textWidth(t('ui.ex.yourFile'))))}  ${lab.exports.map((e) => theme.code(`${e}()`)).join(', ')}`);
    rows.push('');
    if (view.savedSinceGrade) {
      para(theme.accent(hasGrade(view, progress) ? t('ui.ex.savedAgain') : t('ui.ex.saved')));
    } else if (passesNow(view, progress)) {
      para(t('ui.ex.filePasses', keys));
    } else {
      para(t('ui.ex.openEdit', keys));
    }
  }

  rows.push('');
  anchors.grade = rows.length;
  if (view.grading) {
    rows.push(section(t('ui.ex.sectionGrading'), width, theme));
    para(theme.warn(t('ui.ex.gradingNow')));
    if (view.liveChecks.length) rows.push(theme.dim(t('ui.ex.doneSoFar', { count: view.liveChecks.length })));
    const liveWidth = Math.min(24, Math.max(0, ...view.liveChecks.map((c) => c.id.length)));
    for (const check of view.liveChecks) rows.push(truncate(`${checkMark(check, theme)} ${check.id.padEnd(liveWidth)}  ${theme.dim(check.title)}`, width));
  } else if (view.grade) {
    const g = view.grade;
    const passed = g.checks.filter((c) => c.status === 'passed').length;
    const counted = g.checks.filter((c) => c.status !== 'skipped').length;
    const head =
      g.status === 'passed' ? theme.ok(t('ui.ex.passedTitle', { passed, count: counted }))
      : g.status === 'failed' ? theme.fail(t('ui.ex.notYet', { passed, count: counted }))
      : g.status === 'not-started' ? theme.warn(t('ui.ex.notStartedTitle'))
      : g.status === 'skipped' ? theme.warn(t('ui.ex.skippedTitle'))
      : theme.fail(t('ui.ex.couldNotRunTitle'));
    rows.push(section(t('ui.ex.sectionLastGrade'), width, theme));
    para(head + (g.points && g.points.possible > 0 && (g.status === 'passed' || g.status === 'failed') ? theme.dim(t('ui.ex.pointsOf', { earned: g.points.earned, possible: g.points.possible })) : ''));
    if (g.message) for (const line of g.message.split('\n')) para(line, '  ');
    const idWidth = Math.min(24, Math.max(0, ...g.checks.map((c) => c.id.length)));
    // One failing check shows its trace at a time (`t` moves on): the first by default.
    const failed = failedChecks(g);
    const shownTrace = failed.length ? view.traceOf % failed.length : -1;
    for (const check of g.checks) {
      const mark = checkMark(check, theme);
      const id = check.id.padEnd(idWidth);
      rows.push(...wrapText(`${mark} ${check.status === 'failed' ? theme.bold(id) : id}  ${check.title}`, width, ' '.repeat(idWidth + 4)));
      // A file still the starter: the grade's message says so once, not once per check.
      if (check.status !== 'passed' && check.message && g.status !== 'not-started') {
        for (const line of check.message.split('\n')) {
          rows.push(...wrapText('    ' + (check.status === 'failed' ? line : theme.dim(line)), width, '    '));
        }
      }
      if (check.status === 'failed' && check.output) {
        rows.push('    ' + theme.dim(t('ui.ex.printed')));
        const lines = check.output.replace(/\n$/, '').split('\n');
        for (const line of lines.slice(0, OUTPUT_ROWS)) rows.push(...wrapText('    ' + theme.dim('│ ') + line, width, '    ' + theme.dim('│ ')));
        if (lines.length > OUTPUT_ROWS) rows.push('    ' + theme.dim(t('ui.ex.moreLines', { count: lines.length - OUTPUT_ROWS })));
      }
      const failedIndex = failed.indexOf(check);
      if (check.status === 'failed' && check.trace?.length && failedIndex !== shownTrace) {
        rows.push('    ' + theme.dim(t(failed.length > 2 ? 'ui.ex.itsTraceMore' : 'ui.ex.itsTrace')));
      }
      if (check.status === 'failed' && check.trace?.length && failedIndex === shownTrace) {
        anchors.trace = rows.length;
        rows.push('    ' + theme.dim(t('ui.ex.did')));
        if (check.traceOmitted) rows.push('    ' + theme.dim(t('ui.ex.earlierLines', { count: check.traceOmitted })));
        for (const r of checkTrace(check, width - 4, theme, lab.trace)) rows.push('    ' + r);
      }
    }
    if (g.status === 'passed') {
      rows.push('');
      para(t('ui.ex.wellDone', { ...keys, done: theme.ok(t('ui.ex.wellDoneMark')) }));
    }
  } else {
    rows.push(section(t('ui.ex.sectionGrade'), width, theme));
    if (progress.lastScore) para(t(progress.passed ? 'ui.ex.lastTimePassed' : 'ui.ex.lastTime', { ...keys, passed: progress.lastScore.passed, count: progress.lastScore.total }));
    else para(t('ui.ex.notGraded', keys));
  }

  rows.push('');
  anchors.hints = rows.length;
  const hints = lab.hints;
  const shown = Math.min(progress.hintsShown, hints.length);
  rows.push(section(hints.length ? t('ui.ex.sectionHintsOf', { shown, count: hints.length }) : t('ui.ex.sectionHints'), width, theme));
  anchors.lastHint = rows.length;
  hints.slice(0, shown).forEach((hint, n) => {
    anchors.lastHint = rows.length;
    rows.push(theme.bold(`${n + 1}. ${hint.title}`));
    for (const r of renderMarkdown(hint.body, width - 3, theme, code)) rows.push(r === '' ? '' : '   ' + r);
  });
  if (hints.length === 0) para(theme.dim(t('ui.ex.noHintsHere')));
  else if (shown < hints.length) para(t(shown === 0 ? 'ui.ex.stuck' : 'ui.ex.stuckNext', keys));

  rows.push('');
  anchors.solution = rows.length;
  rows.push(section(t('ui.ex.sectionSolution'), width, theme));
  if (view.solution !== null) {
    rows.push(...codeBlock(view.solution, 'ts', width, theme, code));
  } else if (progress.passed) {
    para(t('ui.ex.unlocked', keys));
  } else {
    para(theme.dim(t('ui.ex.locked')));
  }
  return { rows, anchors, codeOverflow: code.overflow };
}
