/**
 * Turning trace lines into terminal text: pure functions shared by the CLI's live printer and
 * the interactive lab. Colour is applied through a `Paint` so callers decide (chalk, none).
 */
import { textWidth } from '../i18n/width.js';
import { WIRE_ACTOR, formatWireDetail } from '../wire/format.js';
import type { Json, JsonObject, TraceLine } from './event.js';
import { isQuiet, type TracePolicy } from './policy.js';
import { t as translate } from '../i18n/messages.js';

export interface Paint {
  actor(actor: string, text: string): string;
  dim(text: string): string;
  bold(text: string): string;
  error(text: string): string;
}

export const plainPaint: Paint = {
  actor: (_a, t) => t,
  dim: (t) => t,
  bold: (t) => t,
  error: (t) => t,
};

// What a pretty trace hides lives with the rest of the trace policy; re-exported for the printers.
export { isQuiet, QUIET_EVENTS } from './policy.js';

/**
 * Column widths of the trace, in terminal columns (measured with textWidth, so wide
 * characters count double). A growing layout widens a column to the longest value seen, up to
 * a limit (`server(allowHalfOpen:false)` fits); a longer value overflows its column rather than
 * being cut, since its end is often the point.
 */
export class TraceLayout {
  static readonly LIMITS = { actor: 28, object: 24, name: 16 } as const;

  constructor(
    public actor = 10,
    public object = 22,
    public name = 12,
    private readonly grows = true,
  ) {}

  /** Widen the columns for `line` (a fixed layout stays as it is). */
  fit(line: TraceLine): void {
    if (!this.grows) return;
    const { LIMITS } = TraceLayout;
    this.actor = Math.max(this.actor, Math.min(LIMITS.actor, textWidth(line.actor)));
    if (line.type !== 'event') return;
    this.object = Math.max(this.object, Math.min(LIMITS.object, textWidth(line.object)));
    this.name = Math.max(this.name, Math.min(LIMITS.name, textWidth(line.name)));
  }
}

/** The default columns, never widened: formatLine() without a layout. */
const FIXED_LAYOUT = new TraceLayout(10, 22, 12, false);

/** `text` padded with spaces to `width` columns (no padding if it is wider). */
export function padColumns(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - textWidth(text)));
}

export function formatTime(t: number): string {
  return `${t.toFixed(1)}ms`.padStart(9);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(2)} MiB`;
}

function scalar(value: Json): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return /[\s"=]/.test(value) || value === '' ? JSON.stringify(value) : value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * A preview as the reader's language says it: the payload's bytes stay as they are, the count
 * of the bytes left out (`… (+208 bytes)`, written where the bytes were read) is translated.
 */
export function readablePreview(preview: string): string {
  const more = /… \(\+(\d+) bytes\)$/.exec(preview);
  return more ? preview.slice(0, more.index) + translate('trace.previewMore', { count: Number(more[1]) }) : preview;
}

/** `5 B "hello" from=127.0.0.1:5000`: bytes and preview first, then the other fields. */
export function formatDetail(detail: JsonObject): string {
  const parts: string[] = [];
  const rest: JsonObject = { ...detail };
  if (typeof rest.bytes === 'number') {
    parts.push(formatBytes(rest.bytes));
    delete rest.bytes;
    if (typeof rest.preview === 'string') {
      parts.push(`"${readablePreview(rest.preview)}"`);
      delete rest.preview;
    }
  }
  if (typeof rest.code === 'string' && typeof rest.message === 'string') {
    parts.push(`${rest.code}: ${rest.message}`);
    delete rest.code;
    delete rest.message;
  }
  for (const [key, value] of Object.entries(rest)) {
    if (key === 'headers' && value && typeof value === 'object') continue;
    parts.push(`${key}=${scalar(value)}`);
  }
  return parts.join(' ');
}

/** One line of the live trace: time, actor, object, event name, detail. */
export function formatLine(line: TraceLine, paint: Paint = plainPaint, layout: TraceLayout = FIXED_LAYOUT): string {
  const time = paint.dim(formatTime(line.t));
  const actor = paint.actor(line.actor, padColumns(line.actor, layout.actor));
  switch (line.type) {
    case 'note':
      return `${time}  ${actor} ${paint.dim('»')} ${line.text}`;
    case 'output':
      return `${time}  ${actor} ${paint.dim(line.stream === 'stderr' ? '!' : '>')} ${line.stream === 'stderr' ? paint.error(line.text) : line.text}`;
    case 'event': {
      const name = line.name === 'error' ? paint.error(line.name) : paint.bold(line.name);
      const pad = ' '.repeat(Math.max(1, layout.name + 1 - textWidth(line.name)));
      const detail = line.actor === WIRE_ACTOR ? formatWireDetail(line.detail) : formatDetail(line.detail);
      return `${time}  ${actor} ${paint.dim(padColumns(line.object, layout.object))} ${name}${pad}${detail}`;
    }
  }
}

/**
 * Folds floods: after `keep` consecutive events with the same actor, object and name, further
 * ones are counted (and their bytes summed) instead of shown, and one summary line stands for
 * them when the run of repeats ends. Nothing is dropped silently.
 */
export class Coalescer {
  private key = '';
  private repeats = 0;
  private folded = 0;
  private foldedBytes = 0;
  private last: TraceLine | undefined;

  constructor(
    private readonly keep = 3,
    private readonly layout: TraceLayout = FIXED_LAYOUT,
  ) {}

  /** Lines to show for `line`: possibly a summary of a finished flood, then `line` itself. */
  push(line: TraceLine): Array<TraceLine | string> {
    const key = line.type === 'event' ? `${line.actor}\0${line.object}\0${line.name}` : '';
    const out: Array<TraceLine | string> = [];
    if (key !== '' && key === this.key) {
      this.repeats++;
      if (this.repeats > this.keep) {
        this.folded++;
        if (line.type === 'event' && typeof line.detail.bytes === 'number') this.foldedBytes += line.detail.bytes;
        this.last = line;
        return out;
      }
    } else {
      out.push(...this.flush());
      this.key = key;
      this.repeats = 1;
    }
    out.push(line);
    return out;
  }

  /** The summary of a flood in progress, if any. */
  flush(): string[] {
    if (this.folded === 0 || !this.last || this.last.type !== 'event') return [];
    const { actor, object, name, t } = this.last;
    // The bytes are the total of the folded events, and the text must say so (not "each").
    const bytes = this.foldedBytes ? translate('trace.foldedBytes', { bytes: formatBytes(this.foldedBytes) }) : '';
    const text = `${formatTime(t)}  ${padColumns(actor, this.layout.actor)} ${translate('trace.folded', { count: this.folded, name, object, bytes })}`;
    this.folded = 0;
    this.foldedBytes = 0;
    return [text];
  }
}

export interface RenderOptions {
  paint?: Paint;
  /** The lab's trace policy (what is quiet). */
  policy?: TracePolicy;
  /** Show quiet lines too (`--all-events`). */
  allEvents?: boolean;
}

/**
 * The whole way from trace lines to text, as every reader shows it (the live printer, the
 * interactive lab, a check's report): quiet lines hidden, floods folded, columns sized to the
 * actors and objects seen.
 */
export class TraceRenderer {
  readonly layout = new TraceLayout();
  private readonly coalescer = new Coalescer(3, this.layout);
  private readonly paint: Paint;

  constructor(private readonly options: RenderOptions = {}) {
    this.paint = options.paint ?? plainPaint;
  }

  /** A finished trace: columns sized to all of it first, then every line rendered. */
  static renderAll(lines: readonly TraceLine[], options: RenderOptions = {}): string[] {
    const renderer = new TraceRenderer(options);
    for (const line of lines) if (renderer.shows(line)) renderer.layout.fit(line);
    return [...lines.flatMap((line) => renderer.push(line)), ...renderer.end()];
  }

  /** Whether `line` is shown at all (not quiet, or every event asked for). */
  shows(line: TraceLine): boolean {
    return this.options.allEvents === true || !isQuiet(line, this.options.policy);
  }

  /** The rows to show for `line` (none if it is quiet or folded into a flood). */
  push(line: TraceLine): string[] {
    if (!this.shows(line)) return [];
    this.layout.fit(line);
    return this.coalescer.push(line).map((item) => (typeof item === 'string' ? this.paint.dim(item) : formatLine(item, this.paint, this.layout)));
  }

  /** The summary of a flood still being folded, when the trace ends. */
  end(): string[] {
    return this.coalescer.flush().map((text) => this.paint.dim(text));
  }
}
