/**
 * The live trace as the screen shows it: an append-only log of rows. Trace lines go through
 * the same pipeline as `netlab run` (isQuiet → Coalescer → formatLine with one colour per
 * actor); each entry is wrapped to the screen's width. Memory is bounded: past `maxRows`
 * rows the oldest are dropped (and counted), so a flood of 50 000 events costs no more
 * than a few thousand rows. The log is mutable; its owner's state carries `rows.length`
 * as a version so React sees each change.
 */
import type { TraceLine } from '../trace/event.js';
import { Coalescer, formatLine, isQuiet, type Paint } from '../trace/format.js';
import { hardWrap, textWidth, wrapText } from './text.js';
import type { Theme } from './theme.js';

/** Continuation rows of a wrapped trace line start under the actor column. */
const CONTINUATION = ' '.repeat(22);

export const DEFAULT_MAX_ROWS = 3000;

/** A trace line (wrapped under the actor column), plain text (cut hard), or a labelled rule. */
type Kind = 'line' | 'text' | 'rule';

export class TraceLog {
  /** Display rows, wrapped to `width`. */
  readonly rows: string[] = [];
  /** Entries (formatted, unwrapped) behind the rows, for re-wrapping on resize. */
  private entries: Array<{ text: string; rows: number; kind: Kind }> = [];
  /** Rows dropped from the top to bound memory. */
  dropped = 0;
  /** Trace lines received (shown, hidden as quiet, or folded into a flood). */
  received = 0;
  private readonly coalescer = new Coalescer();
  private readonly paint: Paint;

  constructor(
    private readonly theme: Theme,
    private width: number,
    private readonly maxRows = DEFAULT_MAX_ROWS,
  ) {
    this.paint = theme.tracePaint();
  }

  /** A finished log made of `lines` (the trace of a grading check). */
  static of(lines: readonly TraceLine[], theme: Theme, width: number, maxRows = DEFAULT_MAX_ROWS): TraceLog {
    const log = new TraceLog(theme, width, maxRows);
    log.append(lines);
    log.end();
    return log;
  }

  append(lines: readonly TraceLine[]): void {
    for (const line of lines) {
      this.received++;
      if (isQuiet(line)) continue;
      for (const item of this.coalescer.push(line)) {
        this.push(typeof item === 'string' ? this.paint.dim(item) : formatLine(item, this.paint), 'line');
      }
    }
    this.bound();
  }

  /** The run ended: show the summary of a flood still being folded. */
  end(): void {
    for (const text of this.coalescer.flush()) this.push(this.paint.dim(text), 'line');
    this.bound();
  }

  /** Plain rows (a separator, the lab's summary), wrapped at spaces. */
  text(lines: readonly string[]): void {
    for (const line of lines) this.push(line, 'text');
    this.bound();
  }

  /** A rule across the width, `── label ───…`, redrawn at the new width on resize. */
  rule(label: string): void {
    this.push(label, 'rule');
    this.bound();
  }

  resize(width: number): void {
    if (width === this.width) return;
    this.width = width;
    this.rows.length = 0;
    for (const entry of this.entries) {
      const rows = this.wrap(entry.text, entry.kind);
      entry.rows = rows.length;
      this.rows.push(...rows);
    }
  }

  private wrap(text: string, kind: Kind): string[] {
    if (kind === 'rule') return [this.theme.dim(`── ${text} ${'─'.repeat(Math.max(0, this.width - textWidth(text) - 4))}`)];
    // A trace line wraps at spaces and continues under the actor column; the summary
    // (tables, waterfalls) is cut hard, its columns kept.
    if (textWidth(text) <= this.width) return [text];
    return kind === 'text' ? hardWrap(text, this.width) : wrapText(text, this.width, CONTINUATION);
  }

  private push(text: string, kind: Kind): void {
    const rows = this.wrap(text, kind);
    this.entries.push({ text, rows: rows.length, kind });
    for (const r of rows) this.rows.push(r);
  }

  private bound(): void {
    if (this.rows.length <= this.maxRows) return;
    // Drop a tenth at a time, whole entries, so appends stay cheap.
    const target = Math.floor(this.maxRows * 0.9);
    let drop = 0;
    let n = 0;
    while (this.rows.length - drop > target && n < this.entries.length) drop += this.entries[n++]!.rows;
    this.entries.splice(0, n);
    this.rows.splice(0, drop);
    this.dropped += drop;
  }
}
