/**
 * The summary's pictures, as plain text that fits 80 columns: bytes buffered in each writer's
 * socket over time, every writer on the same scale, and a table of the peaks.
 */
import { formatBytes } from '../../src/trace/format.js';

export interface ChartSeries {
  label: string;
  /** [ms, bytes] samples, in time order. */
  samples: ReadonlyArray<readonly [number, number]>;
}

const BLOCKS = ' ▁▂▃▄▅▆▇█';
const LABEL = 10;
const AXIS = 10;
/** The interactive lab's trace view is 78 columns wide (80 minus its margins). */
const COLUMNS = 78;

/** The largest value of each of `columns` equal time slices of [0, spanMs]. */
function bucketPeaks(samples: ChartSeries['samples'], columns: number, spanMs: number): number[] {
  const peaks = new Array<number>(columns).fill(-1);
  for (const [t, v] of samples) {
    const col = Math.min(columns - 1, Math.max(0, Math.floor((t / spanMs) * columns)));
    peaks[col] = Math.max(peaks[col]!, v);
  }
  // A slice without a sample continues the previous value (the buffer did not change).
  let last = 0;
  for (let i = 0; i < columns; i++) {
    if (peaks[i]! < 0) peaks[i] = last;
    else last = peaks[i]!;
  }
  // After the last sample nothing is known: leave it empty.
  const end = samples.length ? Math.min(columns, Math.floor((samples[samples.length - 1]![0] / spanMs) * columns) + 1) : 0;
  for (let i = end; i < columns; i++) peaks[i] = -1;
  return peaks;
}

/**
 * One block of `rows` text rows per series, all on one scale (the largest value of all), time
 * running left to right over `width` columns. A column whose value is above zero but below one
 * step shows ▁, so a small buffer is not drawn as none; an empty buffer is a row of ·.
 */
export function drawBufferChart(series: ChartSeries[], options: { width?: number; rows?: number; title: string }): string[] {
  const width = options.width ?? COLUMNS - LABEL - AXIS - 2;
  const rows = options.rows ?? 5;
  const spanMs = Math.max(1, ...series.flatMap((s) => s.samples.map(([t]) => t)));
  const top = Math.max(1, ...series.flatMap((s) => s.samples.map(([, v]) => v)));
  const lines = [options.title];
  for (const s of series) {
    const peaks = bucketPeaks(s.samples, width, spanMs);
    const eighths = peaks.map((v) => (v < 0 ? -1 : v === 0 ? 0 : Math.max(1, Math.round((v / top) * rows * 8))));
    for (let r = rows - 1; r >= 0; r--) {
      const cells = eighths.map((h) => (h < 0 ? ' ' : h === 0 && r === 0 ? '·' : BLOCKS[Math.max(0, Math.min(8, h - r * 8))]!)).join('');
      const label = r === rows - 1 ? s.label : '';
      const axis = r === rows - 1 ? formatBytes(top) : r === 0 ? '0' : '';
      lines.push(`${label.padEnd(LABEL)}${axis.padStart(AXIS)} ┤${cells.trimEnd()}`);
    }
  }
  const left = '0 ms';
  const right = `${Math.round(spanMs)} ms`;
  const middle = `${Math.round(spanMs / 2)} ms`;
  const axisRow = `${left}${middle.padStart(Math.floor(width / 2) - left.length + Math.ceil(middle.length / 2))}`;
  lines.push(`${' '.repeat(LABEL + AXIS + 2)}${axisRow}${right.padStart(width - axisRow.length)}`);
  return lines;
}

/** `+3.2 MiB` / `-1.0 MiB`. */
export function signedBytes(n: number): string {
  return `${n < 0 ? '-' : '+'}${formatBytes(Math.abs(n))}`;
}
