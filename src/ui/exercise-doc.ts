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
import type { LabContext } from './screen.js';
import { codeBlock } from './code-block.js';
import { textWidth, truncate, wrapText } from './text.js';
import type { Theme } from './theme.js';
import { TraceLog } from './trace-log.js';

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
  if (view.grading) return 'Grading: this takes a few seconds…';
  if (!progress.file) return 'Press i to get your starter file.';
  if (view.savedSinceGrade) return hasGrade(view, progress) ? 'Saved since the last grade: press g to grade again.' : 'Saved: press g to grade it.';
  if (passesNow(view, progress)) return 'Passed: s shows the reference solution, n opens the next lab.';
  if (view.grade?.status === 'failed') return 'Fix what the ✗ checks say, save, press g again.';
  return 'Edit your file, save, press g.';
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
  const rows = log.rows.length > TRACE_ROWS ? [...log.rows.slice(0, TRACE_ROWS), theme.dim(`… ${log.rows.length - TRACE_ROWS} more rows`)] : [...log.rows];
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

  if (!workspace.exists) {
    para(`Your exercise: write ${lab.exports.map((e) => theme.code(`${e}()`)).join(', ')} in a file of your own, ${theme.bold(fileName)}.`);
    rows.push('');
    para(`netlab keeps your exercise files in a workspace folder, ${theme.bold(displayPath(workspace.dir))}, which does not exist yet.`);
    rows.push('');
    if (view.initRunning) para(theme.warn('Creating it…'));
    else para(`Press ${theme.key('i')} to create it (it is what ${theme.code('netlab init')} does: one starter file per lab, with // TODO markers; nothing is ever overwritten).`);
  } else if (!progress.file) {
    para(`Your exercise: write ${lab.exports.map((e) => theme.code(`${e}()`)).join(', ')} in ${theme.bold(displayPath(`${workspace.dir}/${fileName}`))}.`);
    rows.push('');
    para(`The workspace ${theme.bold(displayPath(workspace.dir))} has no ${fileName} yet.`);
    if (view.initRunning) para(theme.warn('Adding it…'));
    else para(`Press ${theme.key('i')} to add the starter file (${theme.code('netlab init')} never overwrites a file).`);
  } else {
    para(`${theme.dim('Your file')}  ${theme.bold(displayPath(progress.file))}`);
    para(`${theme.dim('Exports  ')}  ${lab.exports.map((e) => theme.code(`${e}()`)).join(', ')}`);
    rows.push('');
    if (view.savedSinceGrade) {
      para(theme.accent(hasGrade(view, progress) ? `Saved since the last grade: press g to grade again.` : `Saved: press g to grade it.`));
    } else if (passesNow(view, progress)) {
      para(`Your file passes. Press ${theme.key('s')} to compare it with the reference solution, or ${theme.key('n')} for the next lab. Changed it? Save and press ${theme.key('g')} again.`);
    } else {
      para(`Open it in your editor, replace the // TODO parts, save, then press ${theme.key('g')} to grade it. netlab checks it through real sockets.`);
    }
  }

  rows.push('');
  anchors.grade = rows.length;
  if (view.grading) {
    rows.push(section('Grading', width, theme));
    para(theme.warn('Grading… each check runs your code in a fresh process, through real sockets.'));
    if (view.liveChecks.length) rows.push(theme.dim(`${view.liveChecks.length} done so far:`));
    const liveWidth = Math.min(24, Math.max(0, ...view.liveChecks.map((c) => c.id.length)));
    for (const check of view.liveChecks) rows.push(truncate(`${checkMark(check, theme)} ${check.id.padEnd(liveWidth)}  ${theme.dim(check.title)}`, width));
  } else if (view.grade) {
    const g = view.grade;
    const passed = g.checks.filter((c) => c.status === 'passed').length;
    const counted = g.checks.filter((c) => c.status !== 'skipped').length;
    const head =
      g.status === 'passed' ? theme.ok(`Passed: ${passed} of ${counted} checks`)
      : g.status === 'failed' ? theme.fail(`Not yet: ${passed} of ${counted} checks pass`)
      : g.status === 'not-started' ? theme.warn('Not started')
      : g.status === 'skipped' ? theme.warn('Skipped')
      : theme.fail('Grading could not run');
    rows.push(section('Last grade', width, theme));
    para(head + (g.points && g.points.possible > 0 && (g.status === 'passed' || g.status === 'failed') ? theme.dim(`  ·  ${g.points.earned} of ${g.points.possible} points`) : ''));
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
        rows.push('    ' + theme.dim('What your code printed:'));
        const lines = check.output.replace(/\n$/, '').split('\n');
        for (const line of lines.slice(0, OUTPUT_ROWS)) rows.push(...wrapText('    ' + theme.dim('│ ') + line, width, '    ' + theme.dim('│ ')));
        if (lines.length > OUTPUT_ROWS) rows.push('    ' + theme.dim(`… ${lines.length - OUTPUT_ROWS} more lines`));
      }
      const failedIndex = failed.indexOf(check);
      if (check.status === 'failed' && check.trace?.length && failedIndex !== shownTrace) {
        rows.push('    ' + theme.dim(`Its trace: press t${failed.length > 2 ? ' (more than once)' : ''} to show it here.`));
      }
      if (check.status === 'failed' && check.trace?.length && failedIndex === shownTrace) {
        anchors.trace = rows.length;
        rows.push('    ' + theme.dim('What your code did (its trace during this check):'));
        if (check.traceOmitted) rows.push('    ' + theme.dim(`… ${check.traceOmitted} earlier lines not kept`));
        for (const r of checkTrace(check, width - 4, theme, lab.trace)) rows.push('    ' + r);
      }
    }
    if (g.status === 'passed') {
      rows.push('');
      para(`${theme.ok('Well done.')} Press ${theme.key('s')} to compare with the reference solution, or ${theme.key('n')} for the next lab.`);
    }
  } else {
    rows.push(section('Grade', width, theme));
    if (progress.lastScore) para(`Last time: ${progress.lastScore.passed} of ${progress.lastScore.total} checks passed${progress.passed ? ' (passed)' : ''}. Press ${theme.key('g')} to grade again.`);
    else para(`Not graded yet. Press ${theme.key('g')} when you want to check your code.`);
  }

  rows.push('');
  anchors.hints = rows.length;
  const hints = lab.hints;
  const shown = Math.min(progress.hintsShown, hints.length);
  rows.push(section(hints.length ? `Hints (${shown} of ${hints.length})` : 'Hints', width, theme));
  anchors.lastHint = rows.length;
  hints.slice(0, shown).forEach((hint, n) => {
    anchors.lastHint = rows.length;
    rows.push(theme.bold(`${n + 1}. ${hint.title}`));
    for (const r of renderMarkdown(hint.body, width - 3, theme, code)) rows.push(r === '' ? '' : '   ' + r);
  });
  if (hints.length === 0) para(theme.dim('This lab has no hints.'));
  else if (shown < hints.length) para(`Stuck? Press ${theme.key('h')} for ${shown === 0 ? 'a hint' : 'the next hint'}.`);

  rows.push('');
  anchors.solution = rows.length;
  rows.push(section('Reference solution', width, theme));
  if (view.solution !== null) {
    rows.push(...codeBlock(view.solution, 'ts', width, theme, code));
  } else if (progress.passed) {
    para(`Unlocked: press ${theme.key('s')} to see it.`);
  } else {
    para(theme.dim('Locked until your exercise passes.'));
  }
  return { rows, anchors, codeOverflow: code.overflow };
}
