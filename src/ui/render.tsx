/**
 * Mounts the interactive lab on the terminal, on the alternate screen (what was on the
 * terminal before comes back on quit), and resolves when the learner has quit and Ink has
 * restored the terminal (raw mode off, cursor shown). Loaded only by `netlab start`.
 */
import { render } from 'ink';
import type { SessionPort } from '../session/types.js';
import { App } from './App.js';
import type { Theme } from './theme.js';
import { CLEAR_SCREEN, ENTER_ALT_SCREEN, LEAVE_ALT_SCREEN } from './terminal.js';

export interface RenderOptions {
  session: SessionPort;
  signal: AbortSignal;
  theme: Theme;
  openAt?: string;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  /** Called after the first frame was written (startup timing). */
  onFirstFrame?: () => void;
  /** The alternate screen was entered already, with a first frame on it (first-frame.ts). */
  afterFirstFrame?: boolean;
}


export async function renderApp(options: RenderOptions): Promise<void> {
  const stdout = options.stdout ?? process.stdout;
  const stdin = options.stdin ?? process.stdin;
  let onScreen = false;
  const leave = () => {
    if (!onScreen) return;
    onScreen = false;
    stdout.write(LEAVE_ALT_SCREEN);
  };
  if (stdout.isTTY) {
    // Ink draws from the top left of an empty screen: clear the first frame (in the same
    // tick as Ink's first render, so it does not flicker).
    stdout.write(options.afterFirstFrame ? CLEAR_SCREEN : ENTER_ALT_SCREEN);
    onScreen = true;
    // Whatever happens (a crash, process.exit), do not leave the learner on the alternate screen.
    process.once('exit', leave);
  }
  let first = true;
  const instance = render(<App session={options.session} signal={options.signal} theme={options.theme} openAt={options.openAt} />, {
    stdout,
    stdin,
    exitOnCtrlC: false,
    patchConsole: true,
    onRender: () => {
      if (first) {
        first = false;
        options.onFirstFrame?.();
      }
    },
  });
  try {
    await instance.waitUntilExit();
  } finally {
    instance.cleanup();
    leave();
    process.removeListener('exit', leave);
  }
}
