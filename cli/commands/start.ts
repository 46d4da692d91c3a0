import { loadLabs } from '../../src/lab/registry.js';
import { NetlabError, closest } from '../../src/errors.js';
import { workspaceDir } from '../../src/workspace/workspace.js';

const COMMANDS = ['start', 'list', 'run', 'init', 'grade', 'hint', 'solution', 'watch'];

export interface StartOptions {
  dir?: string;
}

/**
 * `netlab start [lab]`: the interactive lab (src/ui/, on Ink). Labs and grading are started
 * by the controller (src/session/), never by the UI. Ink and React are loaded here only,
 * once we know there is a terminal to draw on.
 */
export async function startCommand(id: string | undefined, options: StartOptions): Promise<void> {
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  // Start loading the UI while the labs are found: it is most of the time to the first frame.
  const ui = interactive ? import('../../src/ui/render.js') : undefined;
  ui?.catch(() => {});
  const labs = await loadLabs();
  if (id !== undefined && !labs.some((l) => l.id === id)) {
    const guess = closest(id, [...labs.map((l) => l.id), ...COMMANDS]);
    throw new NetlabError('NETLAB_ERR_UNKNOWN_LAB', `unknown lab or command "${id}".${guess ? ` Did you mean "${guess}"?` : ''} Run \`netlab --help\` or \`netlab list\`.`);
  }
  if (!ui) {
    const first = id ?? labs[0]?.id ?? '<lab>';
    process.stdout.write(
      'netlab start is interactive and needs a terminal (stdin and stdout a TTY).\n' +
        `Without one, use:  netlab list            the labs and your progress\n` +
        `                   netlab run ${first.padEnd(11)} a lab's demo and its live trace\n` +
        `                   netlab grade           grade your exercises\n`,
    );
    return;
  }

  const [{ renderApp }, { createSession }, { runDemo }, { workerGrader }, { cliInit }, { createTheme }, { colourFor }, cleanup] = await Promise.all([
    ui,
    import('../../src/session/session.js'),
    import('../../src/runtime/demo.js'),
    import('../../src/session/grader.js'),
    import('../../src/session/init.js'),
    import('../../src/ui/theme.js'),
    import('../io.js'),
    import('../../src/runtime/cleanup.js'),
  ]);

  const session = createSession({ labs, dir: workspaceDir(options.dir), runDemo, grader: workerGrader(), init: cliInit() });
  // A lab scenario may leave a promise behind that rejects once its processes are killed
  // (a command to a server that is gone). In `netlab run` that ends the process; here it
  // must not take the learner's screen down with it: it becomes a notice.
  const onRejection = (reason: unknown) => session.report(reason);
  process.on('unhandledRejection', onRejection);
  const stop = new AbortController();
  let signalled: NodeJS.Signals | undefined;
  // SIGTERM / SIGHUP (and SIGINT from outside: in raw mode Ctrl-C is a key): quit cleanly.
  const off = cleanup.onInterrupt((signal) => {
    signalled ??= signal;
    stop.abort();
  });
  try {
    await renderApp({ session, signal: stop.signal, theme: createTheme(colourFor(process.stdout)), openAt: id });
  } finally {
    off();
    process.off('unhandledRejection', onRejection);
    await session.dispose();
    cleanup.cleanupNow();
  }
  process.exitCode = signalled ? 128 + (signalled === 'SIGINT' ? 2 : signalled === 'SIGTERM' ? 15 : 1) : 0;
  // stdin was put in raw mode and resumed by Ink; nothing else should keep netlab alive.
  process.stdin.unref?.();
}
