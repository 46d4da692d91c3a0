/**
 * The learner's workspace (SPEC §4): one exercise file per lab, plus `.netlab/progress.json`
 * where netlab remembers passes and revealed hints. netlab never overwrites or deletes a
 * learner's file.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const DEFAULT_WORKSPACE = 'netlab-exercises';
export const EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'] as const;

/**
 * The workspace folder: `dir` if given, else `$NETLAB_WORKSPACE`, else `./netlab-exercises`, or
 * the current folder itself when it is a workspace (the learner ran netlab inside it).
 */
export function workspaceDir(dir?: string): string {
  const chosen = dir ?? process.env.NETLAB_WORKSPACE;
  if (chosen !== undefined) return resolve(chosen);
  const fallback = resolve(DEFAULT_WORKSPACE);
  if (!existsSync(fallback) && isWorkspace(process.cwd())) return process.cwd();
  return fallback;
}

/** True for a folder `netlab init` created (its package.json) or netlab already recorded progress in. */
export function isWorkspace(dir: string): boolean {
  if (existsSync(join(dir, '.netlab', 'progress.json'))) return true;
  try {
    return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown }).name === WORKSPACE_PACKAGE_NAME;
  } catch {
    return false;
  }
}

/** The package name `netlab init` gives the workspace's package.json (how netlab recognises it). */
export const WORKSPACE_PACKAGE_NAME = 'netlab-exercises';

/** The learner's file for a lab (`tcp-echo.ts`, `.mts`, `.js`, `.mjs`), or undefined if not started. */
export function findSubmission(dir: string, labId: string): string | undefined {
  return EXTENSIONS.map((ext) => join(dir, labId + ext)).find((p) => existsSync(p));
}

export interface LabProgress {
  /** ISO time of the first passing grade. */
  passedAt?: string;
  /** ISO time of the last grade. */
  gradedAt?: string;
  /** Checks passed / total at the last grade. */
  lastScore?: { passed: number; total: number };
  /** How many hints the learner has revealed. */
  hintsShown?: number;
  /** Set when the solution was shown before a pass (`--force`); the committed record has when. */
  solutionForced?: boolean;
}

export interface Progress {
  version: 1;
  labs: Record<string, LabProgress>;
}

function progressPath(dir: string): string {
  return join(dir, '.netlab', 'progress.json');
}

/** A `{ version: 1, labs }` file of the workspace; missing or unreadable reads as empty. */
function readLabsFile<T>(path: string): { version: 1; labs: Record<string, T> } {
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as { version: 1; labs: Record<string, T> };
    if (data && data.version === 1 && typeof data.labs === 'object') return data;
  } catch {
    /* nothing yet, or unreadable: start fresh (the file is rewritten on the next save) */
  }
  return { version: 1, labs: {} };
}

/** Change one lab's entry of such a file atomically (write to a temp file, then rename). */
function updateLabsFile<T>(path: string, labId: string, change: (entry: T) => T): { version: 1; labs: Record<string, T> } {
  const data = readLabsFile<T>(path);
  data.labs[labId] = change({ ...data.labs[labId] } as T);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(data, null, 2) + '\n');
  renameSync(tmp, path);
  return data;
}

export function readProgress(dir: string): Progress {
  return readLabsFile<LabProgress>(progressPath(dir));
}

/** Update one lab's progress atomically. */
export function updateProgress(dir: string, labId: string, change: (p: LabProgress) => LabProgress): Progress {
  return updateLabsFile(progressPath(dir), labId, change);
}

/**
 * The course record: what a teacher should see of the learner's way through the labs, in a
 * file the learner commits with their work (`.netlab/`, where progress lives, is ignored by
 * git). Grade reports show it.
 */
export const RECORD_FILE = 'netlab-record.json';

export interface LabRecord {
  /** ISO time the reference solution was first shown before the lab passed (`netlab solution --force`). */
  solutionViewedAt?: string;
}

export interface CourseRecord {
  version: 1;
  labs: Record<string, LabRecord>;
}

export function readRecord(dir: string): CourseRecord {
  return readLabsFile<LabRecord>(join(dir, RECORD_FILE));
}

export function updateRecord(dir: string, labId: string, change: (r: LabRecord) => LabRecord): CourseRecord {
  return updateLabsFile(join(dir, RECORD_FILE), labId, change);
}

/** Where the learner stands in a lab (what `netlab list` and the home screen show); a grade's verdict is `LabStatus` in src/grade/types.ts. */
export type LabStanding = 'new' | 'started' | 'passed';

export function labStatus(dir: string, labId: string, starter: string | undefined, progress = readProgress(dir)): LabStanding {
  if (progress.labs[labId]?.passedAt) return 'passed';
  const file = findSubmission(dir, labId);
  if (!file) return 'new';
  if (starter !== undefined && isUntouchedStarter(file, starter)) return 'new';
  return 'started';
}

/**
 * True when the learner's `file` still holds the lab's `starter` as `netlab init` wrote it
 * (line endings and trailing blank lines aside: a git checkout on Windows may convert them).
 * Such a file is not started: grading it would only list failures the learner has not yet
 * had a chance to avoid.
 */
export function isUntouchedStarter(file: string, starter: string): boolean {
  const normal = (text: string) => text.replace(/\r\n/g, '\n').trimEnd();
  try {
    return normal(readFileSync(file, 'utf8')) === normal(starter);
  } catch {
    return false;
  }
}
