/**
 * `netlab watch [lab] [--dir] [--poll]`: grade again every time the learner saves. File events
 * (fs.watch on the workspace folder, which survives editors that save by renaming) with a
 * polling fallback (`--poll`, `NETLAB_WATCH_POLL=1`, or when file events are unavailable).
 * A save during grading queues one more run. `q` or Ctrl-C quits cleanly (exit 0).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join, relative } from 'node:path';
import { findLab, loadLabs } from '../../src/lab/registry.js';
import type { Lab } from '../../src/lab/types.js';
import { EXTENSIONS, findSubmission } from '../../src/workspace/workspace.js';
import { onInterrupt } from '../../src/runtime/cleanup.js';
import { colourFor } from '../io.js';
import { existingWorkspace, parseTimeout, recordProgress } from './grade.js';

export interface WatchOptions {
  dir?: string;
  poll?: boolean;
  timeout?: string;
}

const DEBOUNCE_MS = 150;
const POLL_MS = 400;

/** The lab whose exercise file `name` is (`tcp-echo.ts` → tcp-echo), if any. */
function labOfFile(name: string, labs: Lab[]): Lab | undefined {
  return labs.find((lab) => EXTENSIONS.some((ext) => name === lab.id + ext));
}

function isCode(name: string): boolean {
  return /\.(?:ts|mts|cts|js|mjs|cjs)$/.test(name) && !name.startsWith('.');
}

export async function watchCommand(id: string | undefined, options: WatchOptions): Promise<void> {
  const { DEFAULT_LAB_TIMEOUT_MS, gradeLabs } = await import('../../src/grade/runner.js');
  const { renderPretty } = await import('../../src/grade/report/pretty.js');
  const timeoutMs = parseTimeout(options.timeout, DEFAULT_LAB_TIMEOUT_MS);
  const all = id ? [await findLab(id)] : await loadLabs();
  const dir = existingWorkspace(options.dir);
  const out = process.stdout;
  const chalk = colourFor(out);
  const interactive = Boolean(process.stdin.isTTY && out.isTTY);
  const shown = relative(process.cwd(), dir) || '.';

  /** Labs to grade after a change of `name` (a lab's file, or a helper module: every watched lab with a file). */
  const affected = (name: string): Lab[] => {
    const lab = labOfFile(name, all);
    if (lab) return [lab];
    return all.filter((l) => findSubmission(dir, l.id));
  };

  // What the files held when last graded: saves that change nothing do not grade again.
  const fingerprints = new Map<string, string>();
  const fingerprint = (name: string): string => {
    try {
      return createHash('sha1').update(readFileSync(join(dir, name))).digest('hex');
    } catch {
      return 'missing';
    }
  };

  let controller = new AbortController();
  let running: Promise<void> | undefined;
  let queued = new Set<string>();
  let quitting = false;

  const banner = () =>
    chalk.dim(
      `netlab watch · ${id ? `${id} in ${shown}/` : `${shown}/`} · ${options.poll || process.env.NETLAB_WATCH_POLL === '1' ? 'polling' : 'file events'} · save to grade again${interactive ? ' · q to quit' : ' · Ctrl-C to quit'}`,
    );

  const grade = async (labs: Lab[]): Promise<void> => {
    const started = labs.filter((l) => findSubmission(dir, l.id));
    if (interactive) out.write('\x1b[2J\x1b[H');
    out.write(`${banner()}\n`);
    if (started.length === 0) {
      out.write(`\nNo exercise file yet (${all.map((l) => `${l.id}.ts`).join(', ')}): create one, or run \`netlab init\`. Waiting for it…\n`);
      return;
    }
    out.write(chalk.dim(`grading ${started.map((l) => l.id).join(', ')} (${new Date().toLocaleTimeString()})…\n\n`));
    controller = new AbortController();
    const report = await gradeLabs({ labs: started, dir, timeoutMs, signal: controller.signal });
    if (quitting) return;
    recordProgress(dir, report.labs);
    out.write(renderPretty(report, chalk));
  };

  const schedule = (labs: Lab[]) => {
    for (const lab of labs) queued.add(lab.id);
    if (running || quitting) return;
    const next = all.filter((l) => queued.has(l.id));
    queued = new Set();
    if (next.length === 0) return;
    running = grade(next)
      .catch((err: Error) => {
        out.write(`${chalk.red('netlab: grading failed:')} ${err.message}\n`);
      })
      .finally(() => {
        running = undefined;
        if (queued.size && !quitting) schedule([]);
      });
  };

  // Debounce bursts of events (editors write, rename and touch in one save).
  const changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const onChange = (name: string | null) => {
    if (!name || !isCode(name)) return;
    changed.add(name);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const names = [...changed].filter((n) => {
        const now = fingerprint(n);
        const before = fingerprints.get(n);
        fingerprints.set(n, now);
        return now !== before;
      });
      changed.clear();
      const labs = new Map<string, Lab>();
      for (const n of names) for (const lab of affected(n)) labs.set(lab.id, lab);
      if (labs.size) schedule([...labs.values()]);
    }, DEBOUNCE_MS);
  };

  const codeFiles = () => {
    try {
      return readdirSync(dir).filter(isCode);
    } catch {
      return [];
    }
  };
  for (const name of codeFiles()) fingerprints.set(name, fingerprint(name));

  let watcher: FSWatcher | undefined;
  let poller: NodeJS.Timeout | undefined;
  const startPolling = () => {
    const stamps = new Map<string, string>();
    const stamp = (n: string) => {
      try {
        const s = statSync(join(dir, n));
        return `${s.mtimeMs}:${s.size}`;
      } catch {
        return 'missing';
      }
    };
    for (const n of codeFiles()) stamps.set(n, stamp(n));
    poller = setInterval(() => {
      const names = new Set([...codeFiles(), ...stamps.keys()]);
      for (const n of names) {
        const now = stamp(n);
        if (stamps.get(n) !== now) {
          stamps.set(n, now);
          onChange(n);
        }
      }
    }, POLL_MS);
  };
  if (options.poll || process.env.NETLAB_WATCH_POLL === '1') {
    options.poll = true;
    startPolling();
  } else {
    try {
      watcher = watch(dir, { persistent: true }, (_event, name) => onChange(name ? String(name) : null));
      watcher.on('error', () => {
        watcher?.close();
        watcher = undefined;
        options.poll = true;
        startPolling();
      });
    } catch {
      options.poll = true;
      startPolling();
    }
  }

  const done = new Promise<void>((resolveDone) => {
    const quit = () => {
      if (quitting) return;
      quitting = true;
      clearTimeout(timer);
      clearInterval(poller);
      watcher?.close();
      controller.abort();
      if (interactive) {
        process.stdin.setRawMode(false);
        process.stdin.pause();
      }
      // Grading stops at once: its learner processes are killed with it.
      const stopped = running ? Promise.race([running, new Promise((r) => setTimeout(r, 3000))]) : Promise.resolve();
      void stopped.then(() => resolveDone());
    };
    onInterrupt(quit);
    if (interactive) {
      process.stdin.setRawMode(true);
      process.stdin.setEncoding('utf8');
      process.stdin.on('data', (key: string) => {
        if (key === 'q' || key === 'Q' || key === '\u0003' || key === '\u0004') quit();
        else if (key === '\r' || key === ' ') schedule(all.filter((l) => findSubmission(dir, l.id)));
      });
      process.stdin.resume();
    }
  });

  const initial = id ? all : all.filter((l) => findSubmission(dir, l.id));
  if (!existsSync(dir) || initial.length === 0) {
    if (interactive) out.write('\x1b[2J\x1b[H');
    out.write(`${banner()}\n\nNo exercise file yet in ${shown}/: create one (\`netlab init\` writes starters). Waiting for it…\n`);
  } else {
    schedule(initial);
  }
  await done;
  out.write(chalk.dim('netlab watch: bye\n'));
  process.exit(0);
}
