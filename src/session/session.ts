/**
 * The interactive lab's controller. It does the work the UI asks for, outside React: it runs
 * demos with `runDemo`, grades through an injected {@link Grader}, creates the workspace,
 * reveals hints, watches the learner's file, and reports everything as {@link SessionEvent}s.
 * The UI (src/ui/) gets a {@link SessionPort} and an AbortSignal, nothing else.
 */
import { readFileSync, existsSync } from 'node:fs';
import type { Lab } from '../lab/types.js';
import { readSections } from '../lab/lesson.js';
import type { ResultLine, TraceLine } from '../trace/event.js';
import type { DemoOptions } from '../runtime/demo.js';
import { EXTENSIONS, findSubmission, labStatus, readProgress } from '../workspace/workspace.js';
import { currentLanguage, setLanguage, t } from '../i18n/messages.js';
import type { Language } from '../i18n/language.js';
import { nextLanguage, saveLanguage } from './language.js';
import { openSolution, recordGrade, revealHint, watchSubmissions, type SubmissionWatch } from './course.js';
import type {
  Grader,
  LabGrade,
  LabProgressView,
  LabView,
  SessionCommand,
  SessionEvent,
  SessionPort,
  SessionSnapshot,
  WorkspaceView,
} from './types.js';

export type RunDemo = (lab: Lab, options: DemoOptions) => Promise<ResultLine>;

/** Creates the workspace; resolves with what to tell the learner. */
export type InitWorkspace = (dir: string) => Promise<{ ok: boolean; message: string }>;

export interface SessionOptions {
  labs: Lab[];
  /** The workspace folder (absolute). */
  dir: string;
  runDemo: RunDemo;
  grader: Grader;
  init: InitWorkspace;
  /** Hard limit for grading one lab, ms (default: the grading runner's). */
  gradeTimeoutMs?: number;
  /** Hard limit for a demo run, ms (default 30 000, as `netlab run`). */
  runTimeoutMs?: number;
  /** How often the open lab's file is checked for saves, ms (default 500). */
  pollMs?: number;
  /** Trace lines are delivered in batches at most this often, ms (default 30). */
  batchMs?: number;
  /** The labs again, with their titles in `language` (the language key); else `labs` as they are. */
  loadLabs?: (language: Language) => Promise<Lab[]>;
}

interface ActiveRun {
  id: number;
  controller: AbortController;
  done: Promise<void>;
}

export function labView(lab: Lab): LabView {
  return {
    id: lab.id,
    title: lab.title,
    summary: lab.summary,
    scenarios: Object.entries(lab.scenarios).map(([name, s]) => ({ name, title: s.title })),
    steps: readSections(lab.lessonPath),
    hints: readSections(lab.hintsPath),
    exports: [...lab.exports],
    unsupported: safeUnsupported(lab),
    trace: { show: lab.trace?.show, quiet: lab.trace?.quiet },
    ...(lab.summaryLabels ? { summaryLabels: lab.summaryLabels } : {}),
  };
}

function safeUnsupported(lab: Lab): string | null {
  try {
    return lab.unsupported?.() ?? null;
  } catch (err) {
    return `cannot tell whether this machine can run it: ${(err as Error).message}`;
  }
}

export class Session implements SessionPort {
  readonly snapshot: SessionSnapshot;
  private readonly listeners = new Set<(event: SessionEvent) => void>();
  private readonly pending: SessionEvent[] = [];
  private readonly labs = new Map<string, Lab>();
  private run: ActiveRun | undefined;
  private nextRunId = 1;
  private grading = new Map<string, AbortController>();
  private tasks = new Set<Promise<unknown>>();
  private watched: { lab: string; watch: SubmissionWatch } | undefined;
  /** Hints revealed while there is no workspace to remember them in. */
  private readonly memoryHints = new Map<string, number>();
  private disposed = false;

  constructor(private readonly options: SessionOptions) {
    for (const lab of options.labs) this.labs.set(lab.id, lab);
    this.snapshot = {
      labs: options.labs.map(labView),
      workspace: this.workspace(),
      progress: this.progress(),
    };
  }

  subscribe(listener: (event: SessionEvent) => void): () => void {
    this.listeners.add(listener);
    if (this.pending.length) {
      const queued = this.pending.splice(0);
      for (const event of queued) listener(event);
    }
    return () => this.listeners.delete(listener);
  }

  send(command: SessionCommand): void {
    if (this.disposed) return;
    // Never act inside the UI's dispatch: commands run on a later tick.
    queueMicrotask(() => this.track(this.handle(command)));
  }

  /**
   * Tell the learner about a failure that belongs to no command (say, a lab scenario's
   * promise that rejected after its run ended), instead of letting it end the session.
   */
  report(err: unknown): void {
    const e = err as { message?: string } | undefined;
    this.emit({ type: 'notice', level: 'error', text: `netlab: ${(e?.message ?? String(err)).split('\n')[0]}` });
  }

  /** Stop everything: the demo, grading, the file watch. Resolves when all of it ended. */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.unwatch();
    this.run?.controller.abort();
    for (const c of this.grading.values()) c.abort();
    await Promise.allSettled([...this.tasks]);
  }

  private emit(event: SessionEvent): void {
    if (this.listeners.size === 0) {
      this.pending.push(event);
      return;
    }
    for (const listener of [...this.listeners]) listener(event);
  }

  private track(task: Promise<unknown>): void {
    const guarded = task.catch((err: unknown) => {
      this.emit({ type: 'notice', level: 'error', text: `netlab: ${(err as Error)?.message ?? String(err)}` });
    });
    this.tasks.add(guarded);
    void guarded.finally(() => this.tasks.delete(guarded));
  }

  private async handle(command: SessionCommand): Promise<void> {
    switch (command.type) {
      case 'open':
        this.watch(command.lab);
        return;
      case 'close':
        if (this.watched?.lab === command.lab) this.unwatch();
        await this.stop();
        this.emitProgress();
        return;
      case 'run':
        return this.startRun(command.lab, command.scenario, command.learnerCode, command.packets === true);
      case 'stop':
        return this.stop();
      case 'grade':
        return this.grade(command.lab, command.packets === true);
      case 'hint':
        return this.hint(command.lab);
      case 'solution':
        return this.solution(command.lab);
      case 'init':
        return this.initWorkspace();
      case 'refresh':
        this.emitProgress();
        return;
      case 'language':
        return this.switchLanguage();
    }
  }

  private async switchLanguage(): Promise<void> {
    const language = nextLanguage(currentLanguage());
    await setLanguage(language);
    // The demos and graders started from now on speak it too.
    process.env.NETLAB_LANG = language;
    // Titles and summaries come from the lab's files in that language; lessons and hints are
    // read again by `labView`.
    const labs = this.options.loadLabs ? await this.options.loadLabs(language) : [...this.labs.values()];
    for (const lab of labs) this.labs.set(lab.id, lab);
    let saved = false;
    try {
      saved = saveLanguage(this.options.dir, language);
    } catch {
      // Not remembered (a read-only workspace): this session still speaks it.
    }
    this.emit({ type: 'language', language, labs: labs.map(labView) });
    this.emit({ type: 'notice', level: 'info', text: t(saved ? 'ui.language.saved' : 'ui.language.switched') });
  }

  // ── Workspace and progress ──────────────────────────────────────────────

  private workspace(): WorkspaceView {
    return { dir: this.options.dir, exists: existsSync(this.options.dir) };
  }

  private progress(): Record<string, LabProgressView> {
    const dir = this.options.dir;
    const saved = readProgress(dir);
    const out: Record<string, LabProgressView> = {};
    for (const lab of this.labs.values()) {
      const starter = existsSync(lab.starterPath) ? readFileSync(lab.starterPath, 'utf8') : undefined;
      const p = saved.labs[lab.id] ?? {};
      out[lab.id] = {
        status: labStatus(dir, lab.id, starter, saved),
        file: findSubmission(dir, lab.id) ?? null,
        hintsShown: Math.max(p.hintsShown ?? 0, this.memoryHints.get(lab.id) ?? 0),
        passed: Boolean(p.passedAt),
        lastScore: p.lastScore ?? null,
      };
    }
    return out;
  }

  private emitProgress(): void {
    this.emit({ type: 'progress', workspace: this.workspace(), progress: this.progress() });
  }

  private lab(id: string): Lab {
    const lab = this.labs.get(id);
    if (!lab) throw new Error(`unknown lab "${id}"`);
    return lab;
  }

  // ── Demo runs ──────────────────────────────────────────────────────────

  private async stop(): Promise<void> {
    const run = this.run;
    if (!run) return;
    run.controller.abort();
    await run.done;
  }

  private async startRun(labId: string, scenario: string, learnerCode: boolean, packets: boolean): Promise<void> {
    const lab = this.lab(labId);
    await this.stop();
    if (this.disposed) return;
    let use: string | undefined;
    if (learnerCode) {
      use = findSubmission(this.options.dir, lab.id);
      if (!use) {
        this.emit({ type: 'notice', level: 'warn', text: t('ui.session.noFileToRun', { lab: lab.id }) });
        return;
      }
    }
    const id = this.nextRunId++;
    const controller = new AbortController();
    let batch: TraceLine[] = [];
    let timer: NodeJS.Timeout | undefined;
    const flush = () => {
      clearTimeout(timer);
      timer = undefined;
      if (batch.length === 0) return;
      const lines = batch;
      batch = [];
      this.emit({ type: 'trace', runId: id, lab: lab.id, lines });
    };
    const onLine = (line: TraceLine) => {
      batch.push(line);
      timer ??= setTimeout(flush, this.options.batchMs ?? 30);
    };
    this.emit({ type: 'run-started', runId: id, lab: lab.id, scenario, learnerCode, packets });
    const done = (async () => {
      let result: ResultLine;
      try {
        result = await this.options.runDemo(lab, {
          scenario,
          use,
          onLine,
          signal: controller.signal,
          timeoutMs: this.options.runTimeoutMs ?? 30_000,
          packets,
          onPacketsUnavailable: (reason) => {
            flush();
            this.emit({ type: 'packets-unavailable', runId: id, lab: lab.id, reason });
          },
        });
      } catch (err) {
        const e = err as { code?: string; message?: string };
        result = { type: 'result', ok: false, lab: lab.id, scenario, summary: {}, error: { code: e.code ?? 'NETLAB_ERR_DEMO_FAILED', message: e.message ?? String(err) } };
      }
      flush();
      this.emit({ type: 'run-ended', runId: id, lab: lab.id, result, stopped: controller.signal.aborted });
      if (this.run?.id === id) this.run = undefined;
    })();
    this.run = { id, controller, done };
    await done;
  }

  // ── Grading, hints, solution ───────────────────────────────────────────

  private async grade(labId: string, packets = false): Promise<void> {
    const lab = this.lab(labId);
    if (this.grading.has(lab.id)) return;
    const dir = this.options.dir;
    const file = findSubmission(dir, lab.id);
    if (!file) {
      const where = existsSync(dir) ? `${dir}/${lab.id}${EXTENSIONS[0]}` : dir;
      const grade: LabGrade = {
        lab: lab.id,
        status: 'not-started',
        message: existsSync(dir) ? t('ui.session.noStarter', { file: where }) : t('ui.session.noWorkspace', { dir: where }),
        checks: [],
      };
      this.emit({ type: 'graded', lab: lab.id, grade });
      return;
    }
    const controller = new AbortController();
    this.grading.set(lab.id, controller);
    this.emit({ type: 'grade-started', lab: lab.id });
    let grade: LabGrade;
    try {
      grade = await this.options.grader({
        lab: lab.id,
        dir,
        timeoutMs: this.options.gradeTimeoutMs,
        signal: controller.signal,
        onCheck: (check) => {
          if (!this.disposed) this.emit({ type: 'grade-progress', lab: lab.id, check });
        },
        ...(packets
          ? { packets, onPacketsUnavailable: (reason: string) => !this.disposed && this.emit({ type: 'notice', level: 'warn', text: `${t('grade.packetsUnavailable')} ${reason}` }) }
          : {}),
      });
      grade.file ??= file;
    } catch (err) {
      grade = { lab: lab.id, status: 'error', message: (err as Error)?.message ?? String(err), file, checks: [] };
    } finally {
      this.grading.delete(lab.id);
    }
    if (this.disposed) return;
    try {
      recordGrade(dir, lab.id, grade);
    } catch (err) {
      this.emit({ type: 'notice', level: 'warn', text: t('ui.session.notSaved', { dir, message: (err as Error).message }) });
    }
    this.emit({ type: 'graded', lab: lab.id, grade });
    this.emitProgress();
  }

  private async hint(labId: string): Promise<void> {
    const lab = this.lab(labId);
    // Without a workspace (or a writable one), hints are remembered for this session only.
    const reveal = revealHint(this.options.dir, lab, this.memoryHints.get(lab.id) ?? 0);
    if (!reveal) {
      this.emit({ type: 'notice', level: 'info', text: t('ui.ex.noHints', { lab: lab.id }) });
      return;
    }
    if (reveal.again) {
      this.emit({ type: 'notice', level: 'info', text: t('ui.ex.lastHint', { count: reveal.total }) });
      return;
    }
    this.memoryHints.set(lab.id, reveal.number);
    this.emitProgress();
  }

  private async solution(labId: string): Promise<void> {
    const lab = this.lab(labId);
    const access = openSolution(this.options.dir, lab);
    if (!access.open) {
      this.emit({ type: 'notice', level: 'warn', text: t('ui.ex.solutionLocked') });
      return;
    }
    this.emit({ type: 'solution', lab: lab.id, source: access.source });
  }

  private async initWorkspace(): Promise<void> {
    let outcome: { ok: boolean; message: string };
    try {
      outcome = await this.options.init(this.options.dir);
    } catch (err) {
      outcome = { ok: false, message: (err as Error)?.message ?? String(err) };
    }
    // The starter that init just wrote is not a save of the learner's.
    this.watched?.watch.rebase();
    this.emit({ type: 'init-done', ...outcome });
    this.emitProgress();
  }

  // ── Watching the learner's file ────────────────────────────────────────

  private watch(labId: string): void {
    this.unwatch();
    const lab = this.lab(labId);
    const watch = watchSubmissions({
      dir: this.options.dir,
      labs: [lab],
      poll: true,
      intervalMs: this.options.pollMs ?? 500,
      // The interactive lab lives as long as its screen, not as long as a watch.
      persistent: false,
      onChange: () => {
        this.emit({ type: 'file-changed', lab: lab.id, file: findSubmission(this.options.dir, lab.id) ?? null });
        this.emitProgress();
      },
    });
    this.watched = { lab: labId, watch };
  }

  private unwatch(): void {
    this.watched?.watch.close();
    this.watched = undefined;
  }
}

export function createSession(options: SessionOptions): Session {
  return new Session(options);
}
