/**
 * The `github` grade reporter, for GitHub Actions:
 * - workflow-command annotations (`::error file=…,line=…::`) on the learner's file, at the line of
 *   their stack when a crash gives one, so failures show on the pull request / commit;
 * - a Markdown job summary (points per lab, each failing check with its message and trace),
 *   appended to `$GITHUB_STEP_SUMMARY`;
 * - a GitHub Classroom result (`result=<base64 JSON>` in `$GITHUB_OUTPUT`): the format of
 *   classroom-resources/autograding-grading-reporter, with each check's points as its score.
 */
import { relative } from 'node:path';
import type { CheckReport, GradeReport, LabReport } from '../types.js';
import { renderTrace, solutionViewedNote } from './pretty.js';
import { plainPaint } from '../../trace/format.js';
import { t } from '../../i18n/messages.js';

/** Escape the data part of a workflow command. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escape a property value of a workflow command. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** The line of the learner's file named in a message (a source-mapped stack frame), if any. */
export function lineIn(message: string, file: string): number | undefined {
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`${escaped}:(\\d+)(?::\\d+)?`).exec(message);
  return m ? Number(m[1]) : undefined;
}

/** GitHub shows at most 10 error annotations per step; the rest are in the summary. */
const MAX_ERRORS = 10;

export interface GithubOutput {
  /** Annotation commands and a short plain summary, for stdout. */
  log: string;
  /** The job summary, Markdown. */
  summary: string;
  /** The GitHub Classroom result, base64 JSON (for `result=` in `$GITHUB_OUTPUT`). */
  classroom: string;
}

function command(kind: 'error' | 'warning' | 'notice', props: Record<string, string | number | undefined>, message: string): string {
  const list = Object.entries(props)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',');
  return `::${kind}${list ? ` ${list}` : ''}::${escapeData(message)}`;
}

function checkMark(c: CheckReport): string {
  return c.status === 'passed' ? '✅' : c.interrupted ? '⏸️' : c.status === 'skipped' ? '➖' : '❌';
}

function labMark(l: LabReport): string {
  const marks = { passed: '✅', failed: '❌', 'not-started': '⚪', skipped: '➖', interrupted: '⏸️' } as const;
  const words = { passed: 'grade.verdict.passed', failed: 'grade.verdict.notYet', 'not-started': 'grade.status.notStarted', skipped: 'grade.skipped', interrupted: 'grade.verdict.interrupted' } as const;
  return `${marks[l.status]} ${t(words[l.status])}`;
}

/** A fenced block that cannot be closed by its own content. */
function fence(text: string, info = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${info}\n${text}\n${ticks}`;
}

function markdown(report: GradeReport, cwd: string): string {
  const totals = report.totals;
  const out = [
    `## netlab: ${t('grade.labPoints', { count: totals.points.possible, points: `${totals.points.earned}/${totals.points.possible}` })}`,
    '',
    t(totals.skipped ? 'grade.summary.checksSkipped' : 'grade.summary.checks', { passed: totals.passed, failed: totals.failed, skipped: totals.skipped }),
    '',
    `| ${t('grade.table.header')} |`,
    '|---|---|---|---|---|',
    ...report.labs.map((l) => {
      const counted = l.checks.filter((c) => c.status !== 'skipped');
      return `| ${l.id} | ${labMark(l)} | ${l.points.earned}/${l.points.possible} | ${counted.filter((c) => c.status === 'passed').length}/${counted.length} | \`${relative(cwd, l.file) || l.file}\` |`;
    }),
  ];
  for (const lab of report.labs) {
    const viewed = solutionViewedNote(lab);
    if (viewed) out.push('', `> ⚠️ ${lab.id}: ${viewed}.`);
    if (lab.status === 'not-started' || lab.status === 'skipped') continue;
    out.push('', `### ${lab.id}: ${lab.title}`, '');
    for (const c of lab.checks) out.push(`- ${checkMark(c)} **${c.id}** ${c.title} (${c.points.earned}/${c.points.possible})${c.status === 'skipped' ? `: ${t('grade.checkSkippedShort', { reason: c.reason ?? '' })}` : ''}`);
    if (lab.error) out.push('', `> ${t('grade.graderError')} ${t('grade.graderErrorNote')} ${lab.error}`);
    if (lab.loadError) {
      out.push('', `❌ ${t('grade.fileDidNotLoad', { file: `\`${relative(cwd, lab.file) || lab.file}\`` })}`, '', fence(lab.loadError.message, 'text'));
      continue;
    }
    for (const c of lab.checks.filter((x) => x.status === 'failed')) {
      out.push('', `<details><summary>❌ ${lab.id} › ${c.id}${c.timedOut ? ` (${t('grade.timedOut')})` : ''}</summary>`, '', fence(c.message ?? t('grade.failed'), 'text'));
      if (c.trace?.length) out.push('', t('grade.traceHeading'), '', fence(renderTrace(c.trace, plainPaint, 60, c.traceOmitted).join('\n'), 'text'));
      if (c.output) out.push('', t('grade.outputHeading'), '', fence(c.output.trimEnd(), 'text'));
      out.push('', '</details>');
    }
  }
  return out.join('\n') + '\n';
}

/** The result format of GitHub Classroom's autograding reporter: one runner for the whole grade. */
function classroom(report: GradeReport): string {
  const tests = report.labs.flatMap((lab) =>
    lab.checks
      .filter((c) => c.points.possible > 0 || c.status !== 'skipped')
      .map((c) => ({
        name: `${lab.id} › ${c.id}: ${c.title}`,
        status: c.status === 'passed' ? 'pass' : 'fail',
        message: c.status === 'passed' ? '' : (c.message ?? (lab.status === 'not-started' ? t('grade.labNotStartedShort', { lab: lab.id }) : (c.reason ?? ''))),
        test_code: `netlab grade ${lab.id}`,
        filename: lab.file,
        line_no: 0,
        duration: c.durationMs,
        score: c.points.earned,
      })),
  );
  const status = report.labs.some((l) => l.error) ? 'error' : report.ok ? 'pass' : 'fail';
  const result = { version: 1, status, max_score: report.totals.points.possible, tests };
  return Buffer.from(JSON.stringify(result)).toString('base64');
}

export function renderGithub(report: GradeReport, cwd = process.cwd()): GithubOutput {
  const lines: string[] = [];
  let errors = 0;
  for (const lab of report.labs) {
    const file = relative(cwd, lab.file) || lab.file;
    const viewed = solutionViewedNote(lab);
    if (viewed) lines.push(command('warning', { title: `${lab.id}: ${t('grade.solutionViewedTitle')}` }, viewed));
    if (lab.status === 'not-started') {
      lines.push(command('error', { title: `${lab.id}: ${t('grade.status.notStarted')}` }, `${lab.reason ?? t('grade.status.notStarted')}: ${file} (${t('grade.labPoints', { count: lab.points.possible, points: `0/${lab.points.possible}` })})`));
      continue;
    }
    if (lab.status === 'skipped') {
      lines.push(command('notice', { title: `${lab.id}: ${t('grade.skipped')}` }, lab.reason ?? t('grade.skippedHere')));
      continue;
    }
    if (lab.status === 'interrupted') lines.push(command('warning', { title: `${lab.id}: ${t('grade.verdict.interrupted')}` }, lab.reason ?? t('grade.wasInterrupted')));
    if (lab.error) lines.push(command('error', { title: `${lab.id}: ${t('grade.graderError')}` }, lab.error));
    if (lab.loadError) {
      // One annotation for the lab: every check would carry the same error.
      const line = lab.loadError.line ?? lineIn(lab.loadError.message, lab.file) ?? 1;
      if (errors++ < MAX_ERRORS) lines.push(command('error', { file, line, title: `${lab.id}: ${t('grade.fileNotLoaded', { file })} (0/${lab.points.possible})` }, lab.loadError.message));
      continue;
    }
    for (const c of lab.checks.filter((x) => x.status === 'failed')) {
      const props = { file, line: lineIn(c.message ?? '', lab.file) ?? 1, title: `${lab.id} › ${c.id} (${c.points.earned}/${c.points.possible})` };
      if (errors++ < MAX_ERRORS) lines.push(command('error', props, `${c.title}\n\n${c.message ?? t('grade.failed')}`));
    }
    if (lab.status === 'passed') lines.push(command('notice', { file, title: `${lab.id}: ${t('grade.verdict.passed')}` }, t('grade.labPoints', { count: lab.points.possible, points: `${lab.points.earned}/${lab.points.possible}` })));
  }
  if (errors > MAX_ERRORS) lines.push(command('warning', { title: t('grade.moreFailuresTitle') }, t('grade.moreFailures', { count: errors - MAX_ERRORS })));
  // The last two lines stay English in every language: CI and scripts read them.
  const totals = report.totals;
  lines.push(`netlab: ${totals.points.earned}/${totals.points.possible} points`, `${totals.passed} passed, ${totals.failed} failed`);
  return { log: lines.join('\n') + '\n', summary: markdown(report, cwd), classroom: classroom(report) };
}
