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
  return { passed: '✅ passed', failed: '❌ not yet', 'not-started': '⚪ not started', skipped: '➖ skipped', interrupted: '⏸️ interrupted' }[l.status];
}

/** A fenced block that cannot be closed by its own content. */
function fence(text: string, info = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${info}\n${text}\n${ticks}`;
}

function markdown(report: GradeReport, cwd: string): string {
  const t = report.totals;
  const out = [
    `## netlab: ${t.points.earned}/${t.points.possible} points`,
    '',
    `${t.passed} checks passed, ${t.failed} failed${t.skipped ? `, ${t.skipped} skipped` : ''}.`,
    '',
    '| lab | status | points | checks | file |',
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
    for (const c of lab.checks) out.push(`- ${checkMark(c)} **${c.id}** ${c.title} (${c.points.earned}/${c.points.possible})${c.status === 'skipped' ? `: skipped, ${c.reason}` : ''}`);
    if (lab.error) out.push('', `> grader error (a problem with the lab, not with the submission): ${lab.error}`);
    if (lab.loadError) {
      out.push('', `❌ \`${relative(cwd, lab.file) || lab.file}\` did not load, so none of its checks could run:`, '', fence(lab.loadError.message, 'text'));
      continue;
    }
    for (const c of lab.checks.filter((x) => x.status === 'failed')) {
      out.push('', `<details><summary>❌ ${lab.id} › ${c.id}${c.timedOut ? ' (timed out)' : ''}</summary>`, '', fence(c.message ?? 'failed', 'text'));
      if (c.trace?.length) out.push('', 'Trace of this check:', '', fence(renderTrace(c.trace, plainPaint, 60, c.traceOmitted).join('\n'), 'text'));
      if (c.output) out.push('', 'Output of the code:', '', fence(c.output.trimEnd(), 'text'));
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
        message: c.status === 'passed' ? '' : (c.message ?? (lab.status === 'not-started' ? `${lab.id} is not started` : (c.reason ?? ''))),
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
    if (viewed) lines.push(command('warning', { title: `${lab.id}: solution viewed` }, viewed));
    if (lab.status === 'not-started') {
      lines.push(command('error', { title: `${lab.id}: not started` }, `${lab.reason ?? 'not started'}: ${file} (0/${lab.points.possible} points)`));
      continue;
    }
    if (lab.status === 'skipped') {
      lines.push(command('notice', { title: `${lab.id}: skipped` }, lab.reason ?? 'skipped on this machine'));
      continue;
    }
    if (lab.status === 'interrupted') lines.push(command('warning', { title: `${lab.id}: interrupted` }, lab.reason ?? 'grading was interrupted'));
    if (lab.error) lines.push(command('error', { title: `${lab.id}: grader error` }, lab.error));
    if (lab.loadError) {
      // One annotation for the lab: every check would carry the same error.
      const line = lab.loadError.line ?? lineIn(lab.loadError.message, lab.file) ?? 1;
      if (errors++ < MAX_ERRORS) lines.push(command('error', { file, line, title: `${lab.id}: ${file} did not load (0/${lab.points.possible})` }, lab.loadError.message));
      continue;
    }
    for (const c of lab.checks.filter((x) => x.status === 'failed')) {
      const props = { file, line: lineIn(c.message ?? '', lab.file) ?? 1, title: `${lab.id} › ${c.id} (${c.points.earned}/${c.points.possible})` };
      if (errors++ < MAX_ERRORS) lines.push(command('error', props, `${c.title}\n\n${c.message ?? 'failed'}`));
    }
    if (lab.status === 'passed') lines.push(command('notice', { file, title: `${lab.id}: passed` }, `${lab.points.earned}/${lab.points.possible} points`));
  }
  if (errors > MAX_ERRORS) lines.push(command('warning', { title: 'more failures' }, `${errors - MAX_ERRORS} more failing checks: see the job summary`));
  const t = report.totals;
  lines.push(`netlab: ${t.points.earned}/${t.points.possible} points`, `${t.passed} passed, ${t.failed} failed`);
  return { log: lines.join('\n') + '\n', summary: markdown(report, cwd), classroom: classroom(report) };
}
