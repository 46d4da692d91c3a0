/**
 * Grades one lab in a process of its own, for the interactive lab. netlab's grading (vitest
 * from code, learner processes) runs here, in a new process group with no terminal: it can
 * never read the keys Ink is reading nor draw over Ink's screen, and killing the group stops
 * everything it started. The parent sends one request over IPC and gets one answer.
 */
import type { GradeWorkerReply, GradeWorkerRequest } from './grader.js';

/** The grading runner (src/grade/runner.ts), loaded only here. */
const RUNNER_URL = new URL('../grade/runner.js', import.meta.url).href;

function reply(message: GradeWorkerReply): void {
  if (!process.send || !process.connected) process.exit(1);
  process.send(message, undefined, undefined, () => process.exit(0));
}

process.once('message', async (request: GradeWorkerRequest) => {
  try {
    const runner = (await import(RUNNER_URL)) as { gradeLabs?: (options: Record<string, unknown>) => Promise<unknown> };
    if (typeof runner.gradeLabs !== 'function') throw new Error('this netlab has no grading runner (src/grade/runner gradeLabs)');
    const report = await runner.gradeLabs({ labs: [request.lab], dir: request.dir, timeoutMs: request.timeoutMs });
    reply({ ok: true, report: JSON.parse(JSON.stringify(report ?? null)) });
  } catch (err) {
    const e = err as { code?: unknown; message?: unknown; stack?: unknown };
    const notBuilt = e?.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('grade/runner');
    reply({
      ok: false,
      error: {
        code: typeof e?.code === 'string' ? e.code : 'NETLAB_ERR_GRADE',
        message: notBuilt ? 'grading is not available in this build of netlab yet' : String(e?.message ?? err),
      },
    });
  }
});

// If netlab goes away, so does everything grading started (this whole process group).
process.on('disconnect', () => {
  try {
    process.kill(-process.pid, 'SIGKILL');
  } catch {
    process.exit(1);
  }
});
