/**
 * `netlab watch [lab] [--dir] [--poll]`: grade again every time the learner saves. File events
 * (fs.watch on the workspace folder, which survives editors that save by renaming) with a
 * polling fallback (`--poll`, `NETLAB_WATCH_POLL=1`, or when file events are unavailable).
 * A save during grading queues one more run. `q` or Ctrl-C quits cleanly (exit 0).
 */
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { findLab, loadLabs } from '../../src/lab/registry.js';
import type { Lab } from '../../src/lab/types.js';
import { findSubmission } from '../../src/workspace/workspace.js';
import { watchSubmissions } from '../../src/session/course.js';
import { onInterrupt } from '../../src/runtime/cleanup.js';
import { colourFor } from '../io.js';
import { currentLanguage, t } from '../../src/i18n/messages.js';
import { existingWorkspace, parseTimeout, recordProgress } from './grade.js';

export interface WatchOptions {
  dir?: string;
  poll?: boolean;
  timeout?: string;
}

/** The time of day, as the reader's language writes it (English: as the system does). */
function clock(): string {
  const language = currentLanguage();
  return language === 'en' ? new Date().toLocaleTimeString() : new Date().toLocaleTimeString(language);
}

export async function watchCommand(id: string | undefined, options: WatchOptions): Promise<void> {
  const { DEFAULT_LAB_TIMEOUT_MS, gradeLabs } = await import('../../src/grade/runner.js');
  const { renderPretty } = await import('../../src/grade/report/pretty.js');
  // Without --timeout the runner's default applies, scaled to how busy the machine is.
  const timeoutMs = options.timeout === undefined ? undefined : parseTimeout(options.timeout, DEFAULT_LAB_TIMEOUT_MS);
  const all = id ? [await findLab(id)] : await loadLabs();
  const dir = existingWorkspace(options.dir);
  const out = process.stdout;
  const chalk = colourFor(out);
  const interactive = Boolean(process.stdin.isTTY && out.isTTY);
  const shown = relative(process.cwd(), dir) || '.';

  let controller = new AbortController();
  let running: Promise<void> | undefined;
  let queued = new Set<string>();
  let quitting = false;

  const banner = () =>
    chalk.dim(
      t('cli.watch.banner', {
        where: id ? t('cli.watch.labIn', { lab: id, dir: shown }) : `${shown}/`,
        mode: t(watching.mode === 'polling' ? 'cli.watch.polling' : 'cli.watch.fileEvents'),
        quit: t(interactive ? 'cli.watch.quitKey' : 'cli.watch.quitCtrlC'),
      }),
    );

  const grade = async (labs: Lab[]): Promise<void> => {
    const started = labs.filter((l) => findSubmission(dir, l.id));
    if (interactive) out.write('\x1b[2J\x1b[H');
    out.write(`${banner()}\n`);
    if (started.length === 0) {
      out.write(`\n${t('cli.watch.noFileOf', { files: all.map((l) => `${l.id}.ts`).join(', ') })}\n`);
      return;
    }
    out.write(chalk.dim(`${t('cli.watch.grading', { labs: started.map((l) => l.id).join(', '), time: clock() })}\n\n`));
    controller = new AbortController();
    const report = await gradeLabs({ labs: started, dir, ...(timeoutMs !== undefined ? { timeoutMs } : {}), signal: controller.signal });
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
        out.write(`${chalk.red(t('cli.watch.failed'))} ${err.message}\n`);
      })
      .finally(() => {
        running = undefined;
        if (queued.size && !quitting) schedule([]);
      });
  };

  const watching = watchSubmissions({
    dir,
    labs: all,
    poll: options.poll || process.env.NETLAB_WATCH_POLL === '1',
    onChange: (labs) => schedule(labs),
  });

  const done = new Promise<void>((resolveDone) => {
    const quit = () => {
      if (quitting) return;
      quitting = true;
      watching.close();
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
    out.write(`${banner()}\n\n${t('cli.watch.noFileIn', { dir: shown })}\n`);
  } else {
    schedule(initial);
  }
  await done;
  out.write(chalk.dim(`${t('cli.watch.bye')}\n`));
  process.exit(0);
}
