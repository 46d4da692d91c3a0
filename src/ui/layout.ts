/**
 * The frame of every screen: a header row, a rule, the body, a status row and the key bar,
 * one row short of the terminal's height (a frame as tall as the terminal makes Ink clear
 * the whole screen on every update).
 */
export interface Size {
  columns: number;
  rows: number;
}

/** The smallest terminal the screens are laid out for; smaller ones are clipped. */
export const MIN_SIZE: Size = { columns: 40, rows: 10 };

export interface Layout {
  /** Columns of the frame. */
  width: number;
  /** Rows of the whole frame. */
  height: number;
  /** Rows of the screen's body, between the header's rule and the status row. */
  body: number;
}

export function layout(size: Size): Layout {
  const width = Math.max(MIN_SIZE.columns, size.columns);
  const height = Math.max(MIN_SIZE.rows, size.rows) - 1;
  return { width, height, body: height - 4 };
}

/** Content width inside the body's one-column margins. */
export function contentWidth(size: Size): number {
  return layout(size).width - 2;
}
