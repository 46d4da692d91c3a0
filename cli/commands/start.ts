import { loadLabs } from '../../src/lab/registry.js';
import { NetlabError, closest } from '../../src/errors.js';
import { workspaceDir } from '../../src/workspace/workspace.js';
import { currentLanguage, setLanguage, t } from '../../src/i18n/messages.js';
import { startLanguage } from '../../src/session/language.js';

const COMMANDS = ['start', 'list', 'run', 'init', 'grade', 'hint', 'solution', 'watch', 'reset'];

export interface StartOptions {
  dir?: string;
  /** `--lang` or `NETLAB_LANG` named the language: it beats the one remembered in the workspace. */
  languageNamed?: boolean;
}

/**
 * `netlab start [lab]`: the interactive lab (src/ui/, on Ink). Labs and grading are started
 * by the controller (src/session/), never by the UI.
 *
 * Startup order, for the first frame's budget (SPEC §7): find the labs, build the
 * controller's snapshot, draw the opening screen without Ink (src/ui/first-frame.ts), and
 * only then load Ink and React, which take most of the startup time, and hand over to them.
 */
export async function startCommand(id: string | undefined, options: StartOptions, extra: string[] = []): Promise<void> {
  // The language switched to in the app last time, unless this run names one. The lab's
  // processes inherit it.
  const language = startLanguage(options.languageNamed ?? false, workspaceDir(options.dir), currentLanguage());
  if (language !== currentLanguage()) {
    await setLanguage(language);
    process.env.NETLAB_LANG = language;
  }
  // On a terminal, the first frame's modules load while the labs do (both mostly wait on files).
  const firstFrameModules =
    process.stdin.isTTY && process.stdout.isTTY
      ? Promise.all([import('../../src/session/session.js'), import('../../src/ui/first-frame.js'), import('../../src/ui/theme.js'), import('../io.js')])
      : undefined;
  firstFrameModules?.catch(() => {});
  const labs = await loadLabs();
  // `netlab` is `netlab start`, so a mistyped command (`netlab rn tcp-echo`) arrives here as a lab.
  if (id !== undefined && !labs.some((l) => l.id === id)) {
    const guess = closest(id, [...labs.map((l) => l.id), ...COMMANDS]);
    throw new NetlabError('NETLAB_ERR_UNKNOWN_LAB', t(guess ? 'start.unknownDidYouMean' : 'start.unknown', { id, guess: guess ?? '' }));
  }
  if (extra.length) {
    throw new NetlabError('NETLAB_ERR_USAGE', t('start.oneLab', { got: [id, ...extra].join(' '), id: id ?? '' }));
  }
  if (!firstFrameModules) {
    // Nothing interactive can start: a usage error, with what works without a terminal.
    const first = id ?? labs[0]?.id ?? '<lab>';
    const { padEnd, textWidth } = await import('../../src/i18n/width.js');
    // The commands in a column after the label, the descriptions in a column after them.
    const label = `${t('cli.start.without')}  `;
    const withoutTerminal = (rows: Array<[string, string]>) =>
      rows.map(([command, what], i) => `${i === 0 ? label : ' '.repeat(textWidth(label))}${padEnd(command, 22)} ${what}\n`).join('');
    process.stderr.write(
      `netlab: ${t('cli.start.needsTerminal')}\n` +
        withoutTerminal([
          ['netlab list', t('cli.start.listWhat')],
          [`netlab run ${first}`, t('cli.start.runWhat')],
          ['netlab grade', t('cli.start.gradeWhat')],
        ]),
    );
    process.exitCode = 2;
    return;
  }

  const [{ createSession }, { paintFirstFrame }, { createTheme }, { colourFor }] = await firstFrameModules;
  const theme = createTheme(colourFor(process.stdout));
  // The work is injected once it is loaded (below); nothing runs before the UI asks.
  let runDemo: typeof import('../../src/runtime/demo.js').runDemo | undefined;
  let grader: import('../../src/session/types.js').Grader | undefined;
  let init: import('../../src/session/session.js').InitWorkspace | undefined;
  const session = createSession({
    labs,
    dir: workspaceDir(options.dir),
    runDemo: (lab, o) => runDemo!(lab, o),
    grader: (request) => grader!(request),
    init: (dir) => init!(dir),
    loadLabs: (language) => loadLabs(undefined, language),
  });
  const firstFrame = paintFirstFrame({ snapshot: session.snapshot, theme, openAt: id });

  // React's production build loads faster and renders a flood of trace lines faster; it is
  // chosen when React is first imported. Only for that import: the lab's processes inherit
  // the environment as it was.
  const nodeEnv = process.env.NODE_ENV;
  if (nodeEnv === undefined) process.env.NODE_ENV = 'production';
  let loaded;
  try {
    loaded = await Promise.all([
      import('../../src/ui/render.js'),
      import('../../src/runtime/demo.js'),
      import('../../src/session/grader.js'),
      import('../../src/session/init.js'),
      import('../../src/runtime/cleanup.js'),
    ]);
  } catch (err) {
    firstFrame.undo();
    throw err;
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
  }
  const [{ renderApp }, demo, { workerGrader }, { cliInit }, cleanup] = loaded;
  runDemo = demo.runDemo;
  grader = workerGrader();
  init = cliInit();

  // A lab scenario may leave a promise behind that rejects once its processes are killed
  // (a command to a server that is gone). In `netlab run` that ends the process; here it
  // must not take the learner's screen down with it: it becomes a notice.
  // The handler stays for the rest of the process: while quitting, the run being stopped is
  // exactly when such a promise rejects (then there is no screen left to tell).
  process.on('unhandledRejection', (reason: unknown) => session.report(reason));
  const stop = new AbortController();
  let signalled: NodeJS.Signals | undefined;
  // SIGTERM / SIGHUP (and SIGINT from outside: in raw mode Ctrl-C is a key): quit cleanly.
  const off = cleanup.onInterrupt((signal) => {
    signalled ??= signal;
    stop.abort();
  });
  // From here on the app owns the screen (and gives it back when it ends, however it ends).
  firstFrame.handOver();
  try {
    await renderApp({ session, signal: stop.signal, theme, openAt: id, afterFirstFrame: true });
  } finally {
    off();
    await session.dispose();
    cleanup.cleanupNow();
  }
  process.exitCode = signalled ? 128 + (signalled === 'SIGINT' ? 2 : signalled === 'SIGTERM' ? 15 : 1) : 0;
  // Ink resumed stdin; nothing else should keep netlab alive.
  process.stdin.unref?.();
}
