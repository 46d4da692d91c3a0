/**
 * Grades one lab in a process of its own, for the interactive lab. netlab's grading (vitest
 * from code, learner processes) runs here, in a new process group with no terminal: it can
 * never read the keys Ink is reading nor draw over Ink's screen, and killing the group stops
 * everything it started. The parent sends one request over IPC; the worker answers with each
 * check as it ends, then the report.
 */
import { findLab } from '../lab/registry.js';
import { gradeLabs } from '../grade/runner.js';
import { cleanupNow } from '../runtime/cleanup.js';
import type { GradeWorkerMessage, GradeWorkerRequest } from './grader.js';
import { currentLanguage, setLanguage } from '../i18n/messages.js';

function send(message: GradeWorkerMessage, then?: () => void): void {
  if (!process.send || !process.connected) process.exit(1);
  process.send(message, undefined, undefined, () => then?.());
}

process.once('message', async (request: GradeWorkerRequest) => {
  try {
    // The report's words (reasons, timeouts) in the language the app speaks, which the worker
    // inherits through NETLAB_LANG.
    await setLanguage(currentLanguage());
    const lab = await findLab(request.lab);
    const report = await gradeLabs({
      labs: [lab],
      dir: request.dir,
      ...(request.timeoutMs ? { timeoutMs: request.timeoutMs } : {}),
      onProgress: (progress) => {
        if (progress.type === 'check') send({ k: 'check', check: progress.check });
      },
      packets: request.packets === true,
      // This process's group has no terminal, and stopping grading kills it whole.
      ownProcessGroups: false,
      onPacketsUnavailable: (reason) => send({ k: 'packets-unavailable', reason }),
    });
    send({ k: 'report', report }, () => process.exit(0));
  } catch (err) {
    const e = err as { code?: unknown; message?: unknown };
    send({ k: 'error', error: { code: typeof e?.code === 'string' ? e.code : 'NETLAB_ERR_GRADE', message: String(e?.message ?? err) } }, () => process.exit(0));
  }
});

// If netlab goes away, so does everything grading started (this whole process group), and
// the temp folders grading made (a SIGKILL leaves no chance to remove them later).
process.on('disconnect', () => {
  try {
    cleanupNow();
  } catch {
    /* the group kill below still ends everything */
  }
  try {
    process.kill(-process.pid, 'SIGKILL');
  } catch {
    process.exit(1);
  }
});
