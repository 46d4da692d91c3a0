/**
 * The live trace as the screen shows it: an append-only log of rows. Trace lines go through
 * the same filter, flood folding and row format as `netlab run` (isQuiet → Coalescer →
 * formatLine), in columns sized for this run and this screen (a TraceLayout whose widths this
 * log sets): time, actor, object, event, detail. The actor and object
 * columns are as wide as the widest name seen so far (the whole log is laid out again when
 * one widens), up to a cap; a longer actor name is shortened in the middle, the same way on
 * every row, and a narration row says once what it stands for. Each entry is wrapped to the
 * screen's width, continuing under the object column.
 *
 * Memory is bounded: past `maxRows` rows the oldest are dropped (and counted), so a flood of
 * 50 000 events costs no more than a few thousand rows. The log is mutable; its owner's state
 * carries `rows.length` as a version so React sees each change.
 */
import type { TraceLine } from '../trace/event.js';
import type { TracePolicy } from '../trace/policy.js';
import { Coalescer, formatLine, formatTime, isQuiet, padColumns, TraceLayout, type Paint } from '../trace/format.js';
import { hardWrap, padEnd, textWidth, truncate, wrapText } from './text.js';
import type { Theme } from './theme.js';
import { t } from '../i18n/messages.js';

export const DEFAULT_MAX_ROWS = 3000;

/** Columns of the event-name column (names longer than this push their detail right). */
const EVENT_COLUMN = 12;
const MIN_ACTOR = 6;
const MIN_OBJECT = 8;
const MAX_OBJECT = 24;

/**
 * What an entry shows: a trace line; a folded flood's summary (`text`, standing for events
 * like `of`); what a shortened actor name stands for; plain text (cut hard); a labelled rule.
 */
type Entry =
  | { kind: 'line'; line: TraceLine }
  | { kind: 'flood'; of: TraceLine; text: string; actorWidth: number }
  | { kind: 'legend'; of: TraceLine }
  | { kind: 'text'; text: string }
  | { kind: 'rule'; text: string };

/** The widest an actor column gets: room for the object, event and some detail. */
export function actorCap(width: number): number {
  return width >= 110 ? 28 : width >= 90 ? 20 : 14;
}

/**
 * `name` in at most `width` columns: whole when it fits; else its head up to the first `(`
 * and its tail, which is where names like `client(k=1)` and `client(k=Infinity)` differ.
 */
export function shortActor(name: string, width: number): string {
  if (textWidth(name) <= width) return name;
  const open = name.indexOf('(');
  if (open > 0 && open + 4 <= width) {
    const head = name.slice(0, open + 1);
    let tail = '';
    for (const ch of [...name.slice(open + 1)].reverse()) {
      if (textWidth(head) + 1 + textWidth(ch + tail) > width) break;
      tail = ch + tail;
    }
    return `${head}…${tail}`;
  }
  return truncate(name, width);
}

export class TraceLog {
  /** Display rows, wrapped to `width`. */
  readonly rows: string[] = [];
  /** The entries behind the rows (and how many rows each took), for laying out again. */
  private entries: Array<{ entry: Entry; rows: number }> = [];
  /** Rows dropped from the top to bound memory. */
  dropped = 0;
  /** Trace lines received (shown, hidden as quiet, or folded into a flood). */
  received = 0;
  /**
   * The shared trace columns (format.ts), widened here with the screen's own caps. Lines reach
   * the coalescer and the formatter with their actor already shortened, so floods fold and
   * rows align on the name as shown; colours still follow the full name.
   */
  private readonly layout = new TraceLayout(MIN_ACTOR, MIN_OBJECT, EVENT_COLUMN, false);
  private coalescer = new Coalescer(3, this.layout);
  /** The lines received, kept (bounded) so the log can be built again with other filters. */
  private history: TraceLine[] = [];
  private ended = false;
  private readonly paint: Paint;
  /** Shortened actor name → the full one. */
  private readonly fullName = new Map<string, string>();
  /** The last line the coalescer folded: the flood its next summary stands for. */
  private folding: TraceLine | undefined;

  constructor(
    private readonly theme: Theme,
    private width: number,
    private readonly maxRows = DEFAULT_MAX_ROWS,
    /** The lab's trace policy: what it shows and keeps quiet. */
    private readonly policy: TracePolicy = {},
    /** Show quiet lines too (the `a` key, like `netlab run --all-events`). */
    private allEvents = false,
  ) {
    const paint = theme.tracePaint();
    this.paint = { ...paint, actor: (actor, text) => paint.actor(this.fullName.get(actor) ?? actor, text) };
  }

  /** A finished log made of `lines` (the trace of a grading check). */
  static of(lines: readonly TraceLine[], theme: Theme, width: number, maxRows = DEFAULT_MAX_ROWS, policy: TracePolicy = {}): TraceLog {
    const log = new TraceLog(theme, width, maxRows, policy);
    log.append(lines);
    log.end();
    return log;
  }

  /** The trace lines received, in order (the oldest may be gone past a flood), quiet ones too. */
  get lines(): readonly TraceLine[] {
    return this.history;
  }

  append(lines: readonly TraceLine[]): void {
    this.received += lines.length;
    this.history.push(...lines);
    // Keep enough to build the log again; older lines are past the rows kept anyway.
    if (this.history.length > this.maxRows * 4) this.history.splice(0, this.history.length - this.maxRows * 2);
    this.ingest(lines);
  }

  /** Show quiet lines too, or not: the log is built again from the lines received. */
  setAllEvents(all: boolean): void {
    if (all === this.allEvents) return;
    this.allEvents = all;
    // What came after the trace (the separator and the summary) stays after it.
    const after = this.entries.filter((e) => e.entry.kind === 'text' || e.entry.kind === 'rule').map((e) => e.entry);
    this.entries = [];
    this.rows.length = 0;
    this.dropped = 0;
    this.fullName.clear();
    this.coalescer = new Coalescer(3, this.layout);
    this.folding = undefined;
    this.ingest(this.history);
    if (this.ended) for (const text of this.coalescer.flush()) this.flood(text);
    for (const entry of after) this.push(entry);
    this.bound();
  }

  private ingest(lines: readonly TraceLine[]): void {
    for (const original of lines) {
      if (!this.allEvents && isQuiet(original, this.policy)) continue;
      const line = this.shorten(original);
      this.widen(line);
      const out = this.coalescer.push(line);
      if (out.length === 0) this.folding = line;
      for (const item of out) {
        if (typeof item === 'string') this.flood(item);
        else this.push({ kind: 'line', line: item });
      }
    }
    this.bound();
  }

  /** The run ended: show the summary of a flood still being folded. */
  end(): void {
    this.ended = true;
    for (const text of this.coalescer.flush()) this.flood(text);
    this.bound();
  }

  /** Plain rows (a separator, the lab's summary), cut hard to keep their columns. */
  text(lines: readonly string[]): void {
    for (const text of lines) this.push({ kind: 'text', text });
    this.bound();
  }

  /** A rule across the width, `── label ───…`, redrawn at the new width on resize. */
  rule(label: string): void {
    this.push({ kind: 'rule', text: label });
    this.bound();
  }

  resize(width: number): void {
    if (width === this.width) return;
    this.width = width;
    this.relayout();
  }

  /** `line` with its actor as the screen shows it; the first time a name is shortened, say so. */
  private shorten(line: TraceLine): TraceLine {
    const short = shortActor(line.actor, actorCap(this.width));
    if (short === line.actor) return line;
    const shown = { ...line, actor: short };
    if (!this.fullName.has(short)) {
      this.fullName.set(short, line.actor);
      this.push({ kind: 'legend', of: shown });
    }
    return shown;
  }

  private flood(text: string): void {
    const of = this.folding;
    this.push(of ? { kind: 'flood', of, text, actorWidth: this.layout.actor } : { kind: 'text', text });
  }

  /** Make the columns fit `line`'s actor and object (up to their caps), laying out again. */
  private widen(line: TraceLine): void {
    const actor = Math.min(actorCap(this.width), Math.max(this.layout.actor, textWidth(line.actor)));
    const object = line.type === 'event' ? Math.min(MAX_OBJECT, Math.max(this.layout.object, textWidth(line.object))) : this.layout.object;
    if (actor === this.layout.actor && object === this.layout.object) return;
    this.layout.actor = actor;
    this.layout.object = object;
    this.relayout();
  }

  private relayout(): void {
    this.rows.length = 0;
    for (const item of this.entries) {
      const rows = this.render(item.entry);
      item.rows = rows.length;
      this.rows.push(...rows);
    }
  }

  /** Time and actor columns of a row about `line`. */
  private lead(line: TraceLine): string {
    return `${this.paint.dim(formatTime(line.t))}  ${this.paint.actor(line.actor, padEnd(line.actor, this.layout.actor))} `;
  }

  private render(entry: Entry): string[] {
    const p = this.paint;
    switch (entry.kind) {
      case 'rule':
        return [this.theme.dim(`── ${entry.text} ${'─'.repeat(Math.max(0, this.width - textWidth(entry.text) - 4))}`)];
      case 'text':
        return textWidth(entry.text) <= this.width ? [entry.text] : hardWrap(entry.text, this.width);
      case 'legend':
        return this.wrap(`${this.lead(entry.of)}${p.dim(t('ui.trace.standsFor', { name: this.fullName.get(entry.of.actor) ?? entry.of.actor }))}`);
      case 'flood': {
        // The coalescer's summary, in today's columns: what follows its own time and actor.
        const prefix = `${formatTime(entry.of.t)}  ${padColumns(entry.of.actor, entry.actorWidth)} `;
        if (!entry.text.startsWith(prefix)) return this.wrap(p.dim(entry.text));
        return this.wrap(`${this.lead(entry.of)}${p.dim(entry.text.slice(prefix.length))}`);
      }
      case 'line':
        return this.wrap(formatLine(entry.line, p, this.layout));
    }
  }

  /** A row wrapped at spaces, continuing under the object column. */
  private wrap(text: string): string[] {
    if (textWidth(text) <= this.width) return [text];
    const indent = ' '.repeat(Math.min(this.width >> 1, 9 + 2 + this.layout.actor + 1));
    return wrapText(text, this.width, indent);
  }

  private push(entry: Entry): void {
    const rows = this.render(entry);
    this.entries.push({ entry, rows: rows.length });
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
