/**
 * `netlab grade [lab...] [--dir] [--reporter] [--output] [--timeout]`: grade the learner's
 * workspace. Exit 0 when every graded lab passed, 1 when any check failed or a lab is not
 * started, 2 for a usage error (unknown lab, bad option, a missing or unreadable workspace).
 */
import { accessSync, appendFileSync, constants, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { findLab, loadLabs } from '../../src/lab/registry.js';
import type { Lab } from '../../src/lab/types.js';
import { NetlabError } from '../../src/errors.js';
import { workspaceDir } from '../../src/workspace/workspace.js';
import { recordGrade } from '../../src/session/course.js';
import { onInterrupt } from '../../src/runtime/cleanup.js';
import type { GradeReport, LabReport } from '../../src/grade/types.js';
import { Chalk, type ChalkInstance } from 'chalk';
import { colourFor } from '../io.js';
import { t } from '../../src/i18n/messages.js';

export const REPORTERS = ['pretty', 'json', 'junit', 'github'] as const;
export type ReporterName = (typeof REPORTERS)[number];

export interface GradeOptions {
  dir?: string;
  reporter?: string;
  output?: string;
  timeout?: string;
  /** Put the packets of each failing check on its trace. */
  packets?: boolean;
}

/** Parse `--timeout`: a positive number of milliseconds. */
export function parseTimeout(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = Number(value);
  if (!Number.isFinite(ms) || ms <= 0 || !/^\d+(\.\d+)?$/.test(value.trim())) {
    throw new NetlabError('NETLAB_ERR_USAGE', t('cli.grade.badTimeout', { got: value }));
  }
  return Math.round(ms);
}

/** The labs named on the command line (in course order, no duplicates), or all of them. */
export async function selectLabs(ids: string[]): Promise<Lab[]> {
  if (ids.length === 0) return loadLabs();
  const chosen = new Set<string>();
  for (const id of ids) chosen.add((await findLab(id)).id);
  return (await loadLabs()).filter((l) => chosen.has(l.id));
}

/**
 * The workspace folder, or one clear line and exit 2 when it is missing, not a folder, or
 * unreadable: a broken set-up, which CI must tell apart from a failing student (exit 1).
 */
export function existingWorkspace(dir: string | undefined): string {
  const ws = workspaceDir(dir);
  const broken = (message: string) => new NetlabError('NETLAB_ERR_NO_WORKSPACE', message, 2);
  if (!existsSync(ws)) {
    const shown = dir ?? './netlab-exercises';
    throw broken(dir ? t('cli.grade.noWorkspace', { dir: shown, arg: ` ${dir}` }) : t('cli.grade.noWorkspaceDefault', { dir: shown }));
  }
  if (!statSync(ws).isDirectory()) throw broken(t('cli.grade.notAFolder', { dir: ws }));
  try {
    accessSync(ws, constants.R_OK | constants.X_OK);
  } catch {
    throw broken(t('cli.grade.unreadable', { dir: ws }));
  }
  return ws;
}

/** Remember each lab's grade in the workspace (see {@link recordGrade}). */
export function recordProgress(dir: string, labs: LabReport[]): void {
  const now = new Date();
  for (const lab of labs) {
    try {
      recordGrade(dir, lab.id, lab, now);
    } catch {
      /* a read-only workspace (CI checkout): grading still reports */
    }
  }
}

export async function gradeCommand(ids: string[], options: GradeOptions): Promise<void> {
  const reporter = (options.reporter ?? 'pretty') as ReporterName;
  if (!REPORTERS.includes(reporter)) {
    throw new NetlabError('NETLAB_ERR_USAGE', t('cli.grade.badReporter', { choices: REPORTERS.join(', '), got: String(options.reporter) }));
  }
  const { DEFAULT_LAB_TIMEOUT_MS, gradeLabs } = await import('../../src/grade/runner.js');
  // Without --timeout the runner's default applies, scaled to how busy the machine is.
  const timeoutMs = options.timeout === undefined ? undefined : parseTimeout(options.timeout, DEFAULT_LAB_TIMEOUT_MS);
  const labs = await selectLabs(ids);
  const dir = existingWorkspace(options.dir);
  const output = options.output === undefined ? undefined : resolve(options.output);

  const toFile = output !== undefined;
  const live = reporter === 'pretty' && !toFile;
  const chalk = colourFor(process.stdout);
  const { renderLab } = await import('../../src/grade/report/pretty.js');
  if (process.stderr.isTTY && !live) process.stderr.write(`${t('cli.grade.grading', { labs: labs.map((l) => l.id).join(', ') })}\n`);

  // Pretty output streams lab by lab, in course order, as soon as each lab is graded.
  const finished = new Map<string, LabReport>();
  let printed = 0;
  const onProgress = live
    ? (p: { type: string; lab: unknown }) => {
        if (p.type !== 'lab') return;
        const lab = p.lab as LabReport;
        finished.set(lab.id, lab);
        while (printed < labs.length && finished.has(labs[printed]!.id)) {
          process.stdout.write(`${printed ? '\n' : ''}${renderLab(finished.get(labs[printed]!.id)!, chalk)}\n`);
          printed++;
        }
      }
    : undefined;

  // Said before any lab, on stderr: stdout may be a JSON or JUnit report.
  const onPacketsUnavailable = (reason: string) => process.stderr.write(`${colourFor(process.stderr).yellow(t('grade.packetsUnavailable'))} ${reason}\n`);

  const controller = new AbortController();
  // First Ctrl-C: stop grading, report what ran. A second one: leave at once.
  const off = onInterrupt(() => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  });
  let report: GradeReport;
  try {
    report = await gradeLabs({ labs, dir, ...(timeoutMs !== undefined ? { timeoutMs } : {}), onProgress, signal: controller.signal, packets: options.packets === true, onPacketsUnavailable });
  } finally {
    off();
  }
  recordProgress(dir, report.labs);

  const { renderSummaryLines } = await import('../../src/grade/report/pretty.js');
  if (live) {
    for (; printed < report.labs.length; printed++) process.stdout.write(`${printed ? '\n' : ''}${renderLab(report.labs[printed]!, chalk)}\n`);
    process.stdout.write(`\n${renderSummaryLines(report, chalk)}\n`);
  } else if (reporter === 'github') {
    // Annotations must be on stdout; the Markdown summary goes to the job summary (and --output).
    const { renderGithub } = await import('../../src/grade/report/github.js');
    const gh = renderGithub(report);
    process.stdout.write(report.labs.map((lab) => renderLab(lab, chalk)).join('\n\n') + '\n\n' + gh.log);
    if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, gh.summary);
    if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `result=${gh.classroom}\n`);
    if (output) writeReport(output, gh.summary);
  } else {
    const text = await render(reporter, report, toFile ? new Chalk({ level: 0 }) : chalk);
    if (output) {
      writeReport(output, text);
      process.stdout.write(`${t('cli.grade.written', { reporter, file: options.output! })}\n${renderSummaryLines(report, chalk)}\n`);
    } else {
      process.stdout.write(text);
    }
  }
  // After an interrupt, what vitest left behind (its workers' handles) must not keep netlab alive.
  if (controller.signal.aborted) process.exit(130);
  process.exitCode = report.ok ? 0 : 1;
}

function writeReport(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

async function render(reporter: ReporterName, report: GradeReport, chalk: ChalkInstance): Promise<string> {
  switch (reporter) {
    case 'json':
      return (await import('../../src/grade/report/json.js')).renderJson(report);
    case 'junit':
      return (await import('../../src/grade/report/junit.js')).renderJunit(report);
    default:
      return (await import('../../src/grade/report/pretty.js')).renderPretty(report, chalk);
  }
}
