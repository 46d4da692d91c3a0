/**
 * The course: what netlab remembers of a learner's work and the rules that go with it, in one
 * place. Recording a grade, revealing the next hint, opening the reference solution and
 * noticing that the learner saved a file all happen here; `netlab grade|watch|hint|solution`
 * and the interactive session only present the results, each in its own words.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from '../lab/types.js';
import { readSections, type Section } from '../lab/lesson.js';
import type { CheckStatus } from '../grade/types.js';
import { EXTENSIONS, findSubmission, readProgress, updateProgress, updateRecord } from '../workspace/workspace.js';

// ── Grades ─────────────────────────────────────────────────────────────────

/** What grading one lab found, as far as the course cares (a grade report's lab, or the session's). */
export interface GradedLab {
  status: string;
  checks: ReadonlyArray<{ status: CheckStatus }>;
}

/**
 * Remember a grade: when, the last score, and the first pass (what `netlab list` shows and
 * what opens the solution). Only a verdict is remembered: a lab that was not started, skipped
 * or interrupted leaves the progress as it was. Returns whether anything was written; throws
 * when the workspace cannot be written (the caller decides whether that matters).
 */
export function recordGrade(dir: string, labId: string, graded: GradedLab, now = new Date()): boolean {
  if (graded.status !== 'passed' && graded.status !== 'failed') return false;
  const at = now.toISOString();
  const passed = graded.checks.filter((c) => c.status === 'passed').length;
  const total = graded.checks.filter((c) => c.status !== 'skipped').length;
  updateProgress(dir, labId, (p) => ({
    ...p,
    gradedAt: at,
    lastScore: { passed, total },
    ...(graded.status === 'passed' && !p.passedAt ? { passedAt: at } : {}),
  }));
  return true;
}

// ── Hints ──────────────────────────────────────────────────────────────────

export interface HintReveal {
  /** The hint shown, 1-based. */
  number: number;
  total: number;
  hint: Section;
  /** Every hint had been revealed already: this is the last one again, and nothing changed. */
  again: boolean;
  /** The reveal is remembered in the workspace (false: there is none, or it cannot be written). */
  remembered: boolean;
  /** Why the workspace could not be written, when it exists but that failed. */
  unsaved?: Error;
}

/**
 * Reveal the next hint of `lab` and remember it in the workspace (never creating one: without
 * it, the caller may remember for as long as it lives, and passes that as `seen`). Once all
 * were revealed, the last one is shown again. Undefined when the lab has no hints.
 */
export function revealHint(dir: string, lab: Lab, seen = 0): HintReveal | undefined {
  const hints = readSections(lab.hintsPath);
  if (hints.length === 0) return undefined;
  const workspace = existsSync(dir);
  const shown = Math.max(seen, workspace ? (readProgress(dir).labs[lab.id]?.hintsShown ?? 0) : 0);
  const again = shown >= hints.length;
  const number = again ? hints.length : shown + 1;
  let unsaved: Error | undefined;
  if (workspace && !again) {
    try {
      updateProgress(dir, lab.id, (p) => ({ ...p, hintsShown: number }));
    } catch (err) {
      unsaved = err as Error;
    }
  }
  return { number, total: hints.length, hint: hints[number - 1]!, again, remembered: workspace && !unsaved, ...(unsaved ? { unsaved } : {}) };
}

/** How many hints of `lab` the learner has revealed, as remembered in the workspace. */
export function hintsShown(dir: string, labId: string): number {
  return readProgress(dir).labs[labId]?.hintsShown ?? 0;
}

// ── The solution ───────────────────────────────────────────────────────────

export type SolutionAccess =
  /** `forced`: opened before a pass, and remembered as such. */
  | { open: true; source: string; forced: boolean }
  /** The lab has not passed yet. */
  | { open: false };

/**
 * The reference solution opens once the lab passed. `force` opens it before, and the course
 * records that it did, in the workspace's committed record, where the grade reports (and so a
 * teacher) see it.
 */
export function openSolution(dir: string, lab: Lab, options: { force?: boolean } = {}, now = new Date()): SolutionAccess {
  const passed = existsSync(dir) && Boolean(readProgress(dir).labs[lab.id]?.passedAt);
  if (!passed && !options.force) return { open: false };
  if (!passed && existsSync(dir)) {
    updateProgress(dir, lab.id, (p) => ({ ...p, solutionForced: true }));
    updateRecord(dir, lab.id, (r) => ({ ...r, solutionViewedAt: r.solutionViewedAt ?? now.toISOString() }));
  }
  return { open: true, source: readFileSync(lab.solutionPath, 'utf8'), forced: !passed };
}

// ── Watching the learner's files ───────────────────────────────────────────

export interface WatchOptions {
  /** The workspace folder (it may not exist yet). */
  dir: string;
  /** The labs whose files are watched. */
  labs: Lab[];
  /** Poll instead of using file events (also the fallback when file events are unavailable). */
  poll?: boolean;
  /** How often to poll, ms (default 400). */
  intervalMs?: number;
  /** Keep the process alive while watching (default true, like `fs.watch`). */
  persistent?: boolean;
  /** Saves closer together than this are one change, ms (default 150): editors write, rename and touch in one save. */
  debounceMs?: number;
  /** The labs whose submission changed in content: a lab's own file, or for a helper module every watched lab with a file. */
  onChange: (labs: Lab[]) => void;
}

export interface SubmissionWatch {
  /** How changes are noticed. */
  readonly mode: 'file events' | 'polling';
  /** Take the files as they are now as unchanged (say, after netlab itself wrote them). */
  rebase(): void;
  close(): void;
}

function isCode(name: string): boolean {
  return /\.(?:ts|mts|cts|js|mjs|cjs)$/.test(name) && !name.startsWith('.');
}

/**
 * Watch the workspace for saves of the learner's code. File events on the folder (which
 * survive editors that save by renaming), or polling; a save that changes nothing (same
 * content) is not a change.
 */
export function watchSubmissions(options: WatchOptions): SubmissionWatch {
  const { dir, labs } = options;
  const labOfFile = (name: string) => labs.find((lab) => EXTENSIONS.some((ext) => name === lab.id + ext));
  const codeFiles = () => {
    try {
      return readdirSync(dir).filter(isCode);
    } catch {
      return [];
    }
  };
  const fingerprint = (name: string): string => {
    try {
      return createHash('sha1').update(readFileSync(join(dir, name))).digest('hex');
    } catch {
      return 'missing';
    }
  };
  const fingerprints = new Map<string, string>();
  const rebase = () => {
    fingerprints.clear();
    for (const name of codeFiles()) fingerprints.set(name, fingerprint(name));
  };
  rebase();

  let closed = false;
  const changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const onName = (name: string | null) => {
    if (closed || !name || !isCode(name)) return;
    changed.add(name);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const names = [...changed].filter((n) => {
        const now = fingerprint(n);
        const before = fingerprints.get(n) ?? 'missing';
        fingerprints.set(n, now);
        return now !== before;
      });
      changed.clear();
      const affected = new Map<string, Lab>();
      for (const n of names) {
        const lab = labOfFile(n);
        for (const l of lab ? [lab] : labs.filter((x) => findSubmission(dir, x.id))) affected.set(l.id, l);
      }
      if (affected.size && !closed) options.onChange([...affected.values()]);
    }, options.debounceMs ?? 150);
  };

  let watcher: FSWatcher | undefined;
  let poller: NodeJS.Timeout | undefined;
  let mode: SubmissionWatch['mode'] = 'file events';
  const startPolling = () => {
    mode = 'polling';
    const stamp = (n: string) => {
      try {
        const s = statSync(join(dir, n));
        return `${s.mtimeMs}:${s.size}`;
      } catch {
        return 'missing';
      }
    };
    const stamps = new Map(codeFiles().map((n) => [n, stamp(n)]));
    poller = setInterval(() => {
      for (const n of new Set([...codeFiles(), ...stamps.keys()])) {
        const now = stamp(n);
        if (stamps.get(n) === now) continue;
        stamps.set(n, now);
        onName(n);
      }
    }, options.intervalMs ?? 400);
    if (options.persistent === false) poller.unref();
  };
  if (options.poll) startPolling();
  else {
    try {
      watcher = watch(dir, { persistent: options.persistent !== false }, (_event, name) => onName(name ? String(name) : null));
      watcher.on('error', () => {
        watcher?.close();
        watcher = undefined;
        if (!closed) startPolling();
      });
    } catch {
      startPolling();
    }
  }

  return {
    get mode() {
      return mode;
    },
    rebase,
    close() {
      closed = true;
      clearTimeout(timer);
      clearInterval(poller);
      watcher?.close();
    },
  };
}
