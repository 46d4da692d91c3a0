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

/** Wrap each line of `text` at spaces so that it fits `width` columns (long words stay whole). */
export function wrap(text: string, width: number): string {
  return text
    .split('\n')
    .map((line) => {
      if (line.length <= width) return line;
      const out: string[] = [];
      let current = '';
      for (const word of line.split(' ')) {
        if (current && current.length + 1 + word.length > width) {
          out.push(current);
          current = word;
        } else current = current ? `${current} ${word}` : word;
      }
      if (current) out.push(current);
      return out.join('\n');
    })
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
  if (hidden > 0) shown.unshift(paint.dim(`… ${hidden} earlier trace line${hidden === 1 ? '' : 's'} (all of them: --reporter json)`));
  return shown;
}

export function renderCheck(check: CheckReport, chalk: ChalkInstance, options: PrettyOptions & { idWidth?: number } = {}): string {
  const paint = chalkPaint(chalk);
  const pad = ' '.repeat(Math.max(0, (options.idWidth ?? 0) - check.id.length));
  const weight = chalk.dim(`${points(check.points)} pt${check.points.possible === 1 ? '' : 's'}`);
  if (check.status === 'passed') return `  ${chalk.green('✓')} ${check.id}${pad}  ${chalk.dim(check.title)}  ${weight}`;
  if (check.interrupted) return `  ${chalk.yellow('○')} ${chalk.dim(check.id)}${pad}  ${chalk.dim(`${check.title} (interrupted)`)}`;
  if (check.status === 'skipped') return `  ${chalk.dim('-')} ${chalk.dim(check.id)}${pad}  ${chalk.dim(`${check.title} (skipped: ${check.reason ?? 'skipped'})`)}`;
  const out = [`  ${chalk.red('✗')} ${chalk.bold(check.id)}${pad}  ${check.title}  ${weight}${check.timedOut ? chalk.yellow('  timed out') : ''}`];
  const width = Math.max(40, (options.width ?? Math.min(process.stdout.columns || 100, 120)) - 6);
  out.push(indent(wrap(check.message ?? 'failed', width), '      '));
  if (check.trace?.length) {
    out.push(chalk.dim('      trace of this check:'));
    for (const line of renderTrace(check.trace, paint, options.traceLines ?? 25, check.traceOmitted)) out.push(`      ${line}`);
  }
  return out.join('\n');
}

/** The line a teacher looks for: the reference solution was shown before the lab passed. */
export function solutionViewedNote(lab: LabReport): string | undefined {
  if (!lab.solutionViewedAt) return undefined;
  return `the reference solution was viewed (netlab solution --force) on ${lab.solutionViewedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}, before this lab passed`;
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
    const next = lab.untouched
      ? `${file} is still the starter: make it do what its // TODO comments ask, then grade again.`
      : `Create ${file} (\`netlab init\` writes a starter), then grade again.`;
    return `${chalk.bold(lab.id)}  ${chalk.dim(`${lab.title}: not started. ${next}`)}`;
  }
  if (lab.status === 'skipped') {
    return `${chalk.bold(lab.id)}  ${chalk.dim(`${lab.title}: skipped on this machine: ${lab.reason ?? ''}`)}`;
  }
  if (lab.status === 'interrupted' && lab.checks.every((c) => c.interrupted)) {
    const when = lab.checks.length ? 'before any of its checks finished' : 'before it was graded';
    return `${chalk.bold(lab.id)}  ${chalk.dim(`${lab.title}: interrupted ${when}.`)}`;
  }
  const out = [`${chalk.bold(lab.id)}  ${lab.title}  ${chalk.dim(file)}`];
  if (lab.loadError) {
    // Once for the lab: every check would only repeat it.
    out.push(`  ${chalk.red('✗')} ${chalk.bold('did not load')}`, indent(lab.loadError.message, '      '));
    out.push(chalk.dim(`  none of its ${lab.checks.length} checks could run: fix this first`));
  } else {
    const idWidth = Math.max(0, ...lab.checks.map((c) => c.id.length));
    for (const check of lab.checks) out.push(renderCheck(check, chalk, { ...options, idWidth }));
  }
  if (lab.error) out.push(indent(`${chalk.red('grader error')} (a problem with netlab's lab, not with your code):\n${lab.error}`, '  '));
  const passed = lab.checks.filter((c) => c.status === 'passed').length;
  const counted = lab.checks.filter((c) => c.status !== 'skipped').length;
  const verdict = lab.status === 'passed' ? chalk.green('passed') : lab.status === 'interrupted' ? chalk.yellow('interrupted') : chalk.red('not yet');
  out.push(`  ${verdict} ${chalk.dim('·')} ${passed}/${counted} checks ${chalk.dim('·')} ${points(lab.points)} points ${chalk.dim(`· ${seconds(lab.durationMs)}`)}`);
  return out.join('\n');
}

/** The closing lines: overall points, then exactly `N passed, N failed` (checks) as the last line. */
export function renderSummaryLines(report: GradeReport, chalk: ChalkInstance): string {
  const t = report.totals;
  const labs = [
    t.labs.passed ? `${t.labs.passed} passed` : '',
    t.labs.failed ? `${t.labs.failed} not passing yet` : '',
    t.labs['not-started'] ? `${t.labs['not-started']} not started` : '',
    t.labs.skipped ? `${t.labs.skipped} skipped` : '',
    t.labs.interrupted ? `${t.labs.interrupted} interrupted` : '',
  ].filter(Boolean);
  const head = `${chalk.bold('Points')} ${points(t.points)} ${chalk.dim(`· labs: ${labs.join(', ')} · ${seconds(report.durationMs)}`)}`;
  return `${head}\n${t.passed} passed, ${t.failed} failed`;
}

/** The whole report as text (what `--reporter pretty` writes). */
export function renderPretty(report: GradeReport, chalk: ChalkInstance, options: PrettyOptions = {}): string {
  const blocks = report.labs.map((lab) => renderLab(lab, chalk, options));
  return `${blocks.join('\n\n')}\n\n${renderSummaryLines(report, chalk)}\n`;
}
