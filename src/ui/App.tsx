/**
 * The interactive lab. It receives a {@link SessionPort} (data and a way to ask for work) and
 * an AbortSignal; it starts nothing itself. Keys, resizes and the controller's events are all
 * {@link Input}s for one reducer (app-reducer.ts), whose commands go back to the controller.
 */
import { useCallback, useEffect, useReducer, useRef } from 'react';
import { useApp, useInput, useStdout } from 'ink';
import type { SessionCommand, SessionPort } from '../session/types.js';
import { appReducer, initialState, type AppState } from './app-reducer.js';
import { keysFromInk, type Input } from './input.js';
import { layout, type Size } from './layout.js';
import { Screen } from './Screen.js';
import { plainTheme, type Theme } from './theme.js';
import { frame } from './views.js';
import { loadHighlighter } from './highlight.js';

export interface AppProps {
  session: SessionPort;
  /** Aborted when the command must stop (SIGTERM): the app quits. */
  signal?: AbortSignal;
  theme?: Theme;
  /** A fixed terminal size (tests); otherwise the terminal's, following resizes. */
  size?: Size;
  /** Open this lab directly (`netlab start <lab>`). */
  openAt?: string;
}

export function App({ session, signal, theme = plainTheme, size, openAt }: AppProps) {
  const { exit } = useApp();
  const { stdout } = useStdout();
  const state = useRef<AppState | null>(null);
  const startup = useRef<SessionCommand[]>([]);
  const [, rerender] = useReducer((n: number) => n + 1, 0);

  if (state.current === null) {
    const first = initialState(session.snapshot, size ?? { columns: stdout.columns || 80, rows: stdout.rows || 24 }, openAt);
    state.current = first.state;
    startup.current = first.commands;
  }

  const dispatch = useCallback(
    (input: Input) => {
      const step = appReducer(state.current!, input, theme);
      if (step.state !== state.current) {
        state.current = step.state;
        rerender();
      }
      for (const command of step.commands) session.send(command);
    },
    [session, theme],
  );

  useEffect(() => session.subscribe(dispatch), [session, dispatch]);

  useEffect(() => {
    // Syntax colour arrives a moment after the first frames (highlight.js loads meanwhile);
    // then the screen is drawn again with coloured code. Without colour there is nothing to load.
    if (!theme.colour) return;
    let live = true;
    loadHighlighter().then(
      () => live && rerender(),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [theme]);

  useEffect(() => {
    // `netlab start <lab>`: the lab was open from the first frame; tell the controller once.
    for (const command of startup.current.splice(0)) session.send(command);
  }, [session]);

  useEffect(() => {
    if (!signal) return;
    const onAbort = () => dispatch({ type: 'abort' });
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    return () => signal.removeEventListener('abort', onAbort);
  }, [signal, dispatch]);

  useEffect(() => {
    if (size) return;
    const onResize = () => dispatch({ type: 'resize', columns: stdout.columns || 80, rows: stdout.rows || 24 });
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [size, stdout, dispatch]);

  useInput((input, key) => {
    for (const name of keysFromInk(input, key)) dispatch({ type: 'key', key: name });
  });

  const quitting = state.current.quitting;
  useEffect(() => {
    if (quitting) exit();
  }, [quitting, exit]);

  return <Screen frame={frame(state.current, theme)} layout={layout(state.current.size)} theme={theme} />;
}
