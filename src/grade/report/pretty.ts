/**
 * The `pretty` grade reporter: one line per check (✓ passed, ✗ failed, - skipped), the
 * actionable message and the trace of each failing check, points per lab and overall, and as
 * the very last line `N passed, N failed` (checks). Pure text rendering: the caller picks the
 * colours (chalk) and the stream.
 */
import type { ChalkInstance } from 'chalk';
import { relative } from 'node:path';
import type { CheckReport, GradeReport, LabReport, Points } from '../types.js';
import { Coalescer, formatLine, isQuiet, type Paint } from '../../trace/format.js';
import { chalkPaint } from '../../trace/pretty.js';
import type { TraceLine } from '../../trace/event.js';
import { t } from '../../i18n/messages.js';
import { wrapText } from '../../i18n/width.js';

export interface PrettyOptions {
  /** Paths are shown relative to this folder (default: the current directory). */
  cwd?: string;
  /** Messages are wrapped to this width (default: the terminal's, else 100). */
  width?: number;
  /** How many trace lines of a failing check to show (the last ones; default 25). */
  traceLines?: number;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function points(p: Points): string {
  return `${p.earned}/${p.possible}`;
}

function indent(text: string, by: string): string {
  return text
    .split('\n')
    .map((l) => (l ? by + l : l))
    .join('\n');
}

/**
 * Wrap each line of `text` so that it fits `width` columns, measured in terminal columns (a
 * CJK character takes two): at spaces, or between CJK characters, long words stay whole.
 */
export function wrap(text: string, width: number): string {
  return text
    .split('\n')
    .map((line) => wrapText(line, width).join('\n'))
    .join('\n');
}

function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('../../') ? rel : file;
}

/** The trace of a failing check, as the live printer shows it: quiet events hidden, floods folded. */
export function renderTrace(trace: TraceLine[], paint: Paint, max: number, omitted = 0): string[] {
  const coalescer = new Coalescer();
  const lines: string[] = [];
  for (const line of trace) {
    if (isQuiet(line)) continue;
    for (const item of coalescer.push(line)) lines.push(typeof item === 'string' ? paint.dim(item) : formatLine(item, paint));
  }
  for (const text of coalescer.flush()) lines.push(paint.dim(text));
  const shown = lines.slice(-max);
  const hidden = lines.length - shown.length + omitted;
  if (hidden > 0) shown.unshift(paint.dim(t('grade.traceHidden', { count: hidden })));
  return shown;
}

export function renderCheck(check: CheckReport, chalk: ChalkInstance, options: PrettyOptions & { idWidth?: number } = {}): string {
  const paint = chalkPaint(chalk);
  const pad = ' '.repeat(Math.max(0, (options.idWidth ?? 0) - check.id.length));
  const weight = chalk.dim(t('grade.checkPoints', { count: check.points.possible, points: points(check.points) }));
  if (check.status === 'passed') return `  ${chalk.green('✓')} ${check.id}${pad}  ${chalk.dim(check.title)}  ${weight}`;
  if (check.interrupted) return `  ${chalk.yellow('○')} ${chalk.dim(check.id)}${pad}  ${chalk.dim(t('grade.checkInterrupted', { title: check.title }))}`;
  if (check.status === 'skipped') {
    const reason = check.reason ?? t('grade.skipped');
    return `  ${chalk.dim('-')} ${chalk.dim(check.id)}${pad}  ${chalk.dim(t('grade.checkSkipped', { title: check.title, reason }))}`;
  }
  const out = [`  ${chalk.red('✗')} ${chalk.bold(check.id)}${pad}  ${check.title}  ${weight}${check.timedOut ? chalk.yellow(`  ${t('grade.timedOut')}`) : ''}`];
  const width = Math.max(40, (options.width ?? Math.min(process.stdout.columns || 100, 120)) - 6);
  out.push(indent(wrap(check.message ?? t('grade.failed'), width), '      '));
  if (check.trace?.length) {
    out.push(chalk.dim(`      ${t('grade.traceHeading')}`));
    for (const line of renderTrace(check.trace, paint, options.traceLines ?? 25, check.traceOmitted)) out.push(`      ${line}`);
  }
  return out.join('\n');
}

/** The line a teacher looks for: the reference solution was shown before the lab passed. */
export function solutionViewedNote(lab: LabReport): string | undefined {
  if (!lab.solutionViewedAt) return undefined;
  return t('grade.solutionViewed', { when: lab.solutionViewedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC') });
}

/** One lab's block: a heading, its checks, and its points. */
export function renderLab(lab: LabReport, chalk: ChalkInstance, options: PrettyOptions = {}): string {
  const block = renderLabBlock(lab, chalk, options);
  const viewed = solutionViewedNote(lab);
  return viewed ? `${block}\n  ${chalk.yellow('!')} ${viewed}` : block;
}

function renderLabBlock(lab: LabReport, chalk: ChalkInstance, options: PrettyOptions): string {
  const cwd = options.cwd ?? process.cwd();
  const file = displayPath(lab.file, cwd);
  if (lab.status === 'not-started') {
    const next = lab.untouched ? t('grade.stillStarter', { file }) : t('grade.createFile', { file });
    return `${chalk.bold(lab.id)}  ${chalk.dim(t('grade.labNotStarted', { title: lab.title, next }))}`;
  }
  if (lab.status === 'skipped') {
    return `${chalk.bold(lab.id)}  ${chalk.dim(t('grade.labSkipped', { title: lab.title, reason: lab.reason ?? '' }))}`;
  }
  if (lab.status === 'interrupted' && lab.checks.every((c) => c.interrupted)) {
    const key = lab.checks.length ? 'grade.labInterruptedChecks' : 'grade.labInterrupted';
    return `${chalk.bold(lab.id)}  ${chalk.dim(t(key, { title: lab.title }))}`;
  }
  const out = [`${chalk.bold(lab.id)}  ${lab.title}  ${chalk.dim(file)}`];
  if (lab.loadError) {
    // Once for the lab: every check would only repeat it.
    out.push(`  ${chalk.red('✗')} ${chalk.bold(t('grade.didNotLoad'))}`, indent(lab.loadError.message, '      '));
    out.push(chalk.dim(`  ${t('grade.noCheckRan', { count: lab.checks.length })}`));
  } else {
    const idWidth = Math.max(0, ...lab.checks.map((c) => c.id.length));
    for (const check of lab.checks) out.push(renderCheck(check, chalk, { ...options, idWidth }));
  }
  if (lab.error) out.push(indent(`${chalk.red(t('grade.graderError'))} ${t('grade.graderErrorNote')}\n${lab.error}`, '  '));
  const passed = lab.checks.filter((c) => c.status === 'passed').length;
  const counted = lab.checks.filter((c) => c.status !== 'skipped').length;
  const verdict =
    lab.status === 'passed' ? chalk.green(t('grade.verdict.passed')) : lab.status === 'interrupted' ? chalk.yellow(t('grade.verdict.interrupted')) : chalk.red(t('grade.verdict.notYet'));
  const checks = t('grade.labChecks', { count: counted, passed });
  const labPoints = t('grade.labPoints', { count: lab.points.possible, points: points(lab.points) });
  out.push(`  ${verdict} ${chalk.dim('·')} ${checks} ${chalk.dim('·')} ${labPoints} ${chalk.dim(`· ${seconds(lab.durationMs)}`)}`);
  return out.join('\n');
}

/** The closing lines: overall points, then exactly `N passed, N failed` (checks) as the last line. */
export function renderSummaryLines(report: GradeReport, chalk: ChalkInstance): string {
  const totals = report.totals;
  const labs = [
    totals.labs.passed ? t('grade.labs.passed', { count: totals.labs.passed }) : '',
    totals.labs.failed ? t('grade.labs.failed', { count: totals.labs.failed }) : '',
    totals.labs['not-started'] ? t('grade.labs.notStarted', { count: totals.labs['not-started'] }) : '',
    totals.labs.skipped ? t('grade.labs.skipped', { count: totals.labs.skipped }) : '',
    totals.labs.interrupted ? t('grade.labs.interrupted', { count: totals.labs.interrupted }) : '',
  ].filter(Boolean);
  const head = `${chalk.bold(t('grade.pointsHeading'))} ${points(totals.points)} ${chalk.dim(`· ${t('grade.labsSummary', { labs: labs.join(t('grade.listSeparator')) })} · ${seconds(report.durationMs)}`)}`;
  // The last line stays in English whatever the language: CI and scripts read it.
  return `${head}\n${totals.passed} passed, ${totals.failed} failed`;
}

/** The whole report as text (what `--reporter pretty` writes). */
export function renderPretty(report: GradeReport, chalk: ChalkInstance, options: PrettyOptions = {}): string {
  const blocks = report.labs.map((lab) => renderLab(lab, chalk, options));
  return `${blocks.join('\n\n')}\n\n${renderSummaryLines(report, chalk)}\n`;
}
