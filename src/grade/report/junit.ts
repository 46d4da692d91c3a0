/**
 * The `junit` grade reporter: JUnit XML, as CI systems display it (GitLab, Jenkins, GitHub test
 * reporters). One `<testsuite>` per lab, one `<testcase>` per check; a failed check is a
 * `<failure>` whose text is the message and the trace; points are `<property>`s. A lab that is
 * not started counts its checks as failures (type `not-started`): a missing file earns nothing.
 * A file that did not load is one `load` test case with the error; its checks are failures of
 * type `not-loaded` that only say so.
 */
import type { CheckReport, GradeReport, LabReport } from '../types.js';
import { renderTrace } from './pretty.js';
import { plainPaint } from '../../trace/format.js';
import { t } from '../../i18n/messages.js';

/** Text safe in XML 1.0: escaped markup, no characters XML forbids. */
export function xml(text: string): string {
  return text
    .replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function caseOf(lab: LabReport, check: CheckReport): string {
  const open = `    <testcase classname="netlab.${xml(lab.id)}" name="${xml(`${check.id}: ${check.title}`)}" time="${seconds(check.durationMs)}"`;
  const points = t('grade.junitPoints', { points: `${check.points.earned}/${check.points.possible}` });
  if (check.status === 'passed') return `${open}/>`;
  if (check.status === 'skipped' && lab.status === 'not-started') {
    return `${open}>\n      <failure type="not-started" message="${xml(`${t('grade.status.notStarted')} (${points})`)}">${xml(`${lab.reason ?? t('grade.status.notStarted')}\n${t('grade.expectedFile', { file: lab.file })}`)}</failure>\n    </testcase>`;
  }
  // Interrupted checks are skipped too: `reason` says the user stopped grading.
  if (check.status === 'skipped') return `${open}>\n      <skipped message="${xml(check.reason ?? t('grade.skipped'))}"/>\n    </testcase>`;
  if (lab.loadError) return `${open}>\n      <failure type="not-loaded" message="${xml(`${check.message ?? t('grade.notRun')} (${points})`)}"/>\n    </testcase>`;
  const message = check.message ?? t('grade.failed');
  const body = [message];
  if (check.trace?.length) body.push('', t('grade.traceHeading'), ...renderTrace(check.trace, plainPaint, 80, check.traceOmitted));
  const out = check.output ? `\n      <system-out>${xml(check.output)}</system-out>` : '';
  return `${open}>\n      <failure type="${check.timedOut ? 'timeout' : 'failure'}" message="${xml(`${message.split('\n')[0]} (${points})`)}">${xml(body.join('\n'))}</failure>${out}\n    </testcase>`;
}

function suiteOf(lab: LabReport, timestamp: string): string {
  const failures = lab.checks.filter((c) => c.status === 'failed' || (lab.status === 'not-started' && c.status === 'skipped')).length;
  const skipped = lab.checks.filter((c) => c.status === 'skipped').length - (lab.status === 'not-started' ? lab.checks.length : 0);
  const errors = lab.error ? 1 : 0;
  const loadFailures = lab.loadError ? 1 : 0;
  const tests = lab.checks.length + errors + loadFailures;
  const props = [
    ['points', `${lab.points.earned}/${lab.points.possible}`],
    ['points.earned', String(lab.points.earned)],
    ['points.possible', String(lab.points.possible)],
    ['status', lab.status],
    ['file', lab.file],
    ...(lab.reason ? [['reason', lab.reason]] : []),
    ...(lab.solutionViewedAt ? [['solution-viewed-at', lab.solutionViewedAt]] : []),
  ]
    .map(([k, v]) => `      <property name="${xml(k!)}" value="${xml(v!)}"/>`)
    .join('\n');
  const cases = lab.checks.map((c) => caseOf(lab, c));
  if (lab.loadError) {
    const message = lab.loadError.message;
    cases.unshift(`    <testcase classname="netlab.${xml(lab.id)}" name="load" time="0.000">\n      <failure type="load-error" message="${xml(message.split('\n')[0]!)}">${xml(message)}</failure>\n    </testcase>`);
  }
  if (lab.error) cases.push(`    <testcase classname="netlab.${xml(lab.id)}" name="grader" time="0.000">\n      <error type="grader-error" message="${xml(lab.error.split('\n')[0]!)}">${xml(lab.error)}</error>\n    </testcase>`);
  return [
    `  <testsuite name="${xml(`${lab.id}: ${lab.title}`)}" tests="${tests}" failures="${failures + loadFailures}" errors="${errors}" skipped="${Math.max(0, skipped)}" time="${seconds(lab.durationMs)}" timestamp="${timestamp}">`,
    `    <properties>\n${props}\n    </properties>`,
    ...cases,
    '  </testsuite>',
  ].join('\n');
}

export function renderJunit(report: GradeReport, now = new Date()): string {
  const timestamp = now.toISOString().replace(/\.\d+Z$/, '');
  const suites = report.labs.map((lab) => suiteOf(lab, timestamp));
  const tests = report.labs.reduce((n, l) => n + l.checks.length + (l.error ? 1 : 0) + (l.loadError ? 1 : 0), 0);
  const failures = report.labs.reduce((n, l) => n + l.checks.filter((c) => c.status === 'failed' || (l.status === 'not-started' && c.status === 'skipped')).length + (l.loadError ? 1 : 0), 0);
  const errors = report.labs.filter((l) => l.error).length;
  const skipped = report.labs.reduce((n, l) => n + (l.status === 'not-started' ? 0 : l.checks.filter((c) => c.status === 'skipped').length), 0);
  const p = report.totals.points;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xml(`netlab: ${p.earned}/${p.possible} points`)}" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds(report.durationMs)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
