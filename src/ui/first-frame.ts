/**
 * The first frame, before Ink and React are loaded. Loading them takes most of the time to
 * the first frame (SPEC §7: 300 ms), so `netlab start` draws the opening screen itself from
 * the same state and views the app uses (no Ink, no React), then Ink redraws it as soon as
 * it is ready. Keys typed in between are not lost: stdin is put in raw mode here, so the
 * terminal neither echoes nor line-buffers them, and Ink reads them when it starts.
 */
import type { SessionSnapshot } from '../session/types.js';
import { initialState } from './app-reducer.js';
import { layout, type Size } from './layout.js';
import { ENTER_ALT_SCREEN, ERASE_TO_END_OF_LINE, HIDE_CURSOR, LEAVE_ALT_SCREEN } from './terminal.js';
import type { Theme } from './theme.js';
import { frame } from './views.js';

export interface FirstFrameOptions {
  snapshot: SessionSnapshot;
  theme: Theme;
  openAt?: string;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
}

/** The rows of the opening screen, exactly as the app lays them out. */
export function firstFrameRows(snapshot: SessionSnapshot, size: Size, theme: Theme, openAt?: string): string[] {
  const { state } = initialState(snapshot, size, openAt);
  const f = frame(state, theme);
  const { width, body } = layout(size);
  const status = f.status.split('\n');
  const bodyRows = Array.from({ length: body - (status.length - 1) }, (_, i) => (f.body[i] === undefined ? '' : ' ' + f.body[i]));
  return [f.header, theme.dim('─'.repeat(width)), ...bodyRows, ...status, f.keys];
}

export interface FirstFrame {
  /** Leave the alternate screen again (the app could not start after all). */
  undo(): void;
  /** The app took over the screen: nothing left to undo here. */
  handOver(): void;
}

/** Enter the alternate screen and draw the opening frame. */
export function paintFirstFrame(options: FirstFrameOptions): FirstFrame {
  const stdout = options.stdout ?? process.stdout;
  const stdin = options.stdin ?? process.stdin;
  const size = { columns: stdout.columns || 80, rows: stdout.rows || 24 };
  const rows = firstFrameRows(options.snapshot, size, options.theme, options.openAt);
  if (stdin.isTTY) stdin.setRawMode(true);
  stdout.write(ENTER_ALT_SCREEN + HIDE_CURSOR + rows.map((r) => r + ERASE_TO_END_OF_LINE).join('\r\n'));
  let done = false;
  const undo = () => {
    if (done) return;
    done = true;
    if (stdin.isTTY) stdin.setRawMode(false);
    stdout.write(LEAVE_ALT_SCREEN);
  };
  process.once('exit', undo);
  return {
    undo() {
      process.removeListener('exit', undo);
      undo();
    },
    handOver() {
      done = true;
      process.removeListener('exit', undo);
    },
  };
}
