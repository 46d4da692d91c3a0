/**
 * Turning trace lines into terminal text: pure functions shared by the CLI's live printer and
 * the interactive lab. Colour is applied through a `Paint` so callers decide (chalk, none).
 */
import type { Json, JsonObject, TraceLine } from './event.js';

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

/** `5 B "hello" from=127.0.0.1:5000`: bytes and preview first, then the other fields. */
export function formatDetail(detail: JsonObject): string {
  const parts: string[] = [];
  const rest: JsonObject = { ...detail };
  if (typeof rest.bytes === 'number') {
    parts.push(formatBytes(rest.bytes));
    delete rest.bytes;
    if (typeof rest.preview === 'string') {
      parts.push(`"${rest.preview}"`);
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
export function formatLine(line: TraceLine, paint: Paint = plainPaint): string {
  const time = paint.dim(formatTime(line.t));
  const actor = paint.actor(line.actor, line.actor.padEnd(10));
  switch (line.type) {
    case 'note':
      return `${time}  ${actor} ${paint.dim('»')} ${line.text}`;
    case 'output':
      return `${time}  ${actor} ${paint.dim(line.stream === 'stderr' ? '!' : '>')} ${line.stream === 'stderr' ? paint.error(line.text) : line.text}`;
    case 'event': {
      const name = line.name === 'error' ? paint.error(line.name) : paint.bold(line.name);
      const pad = ' '.repeat(Math.max(1, 13 - line.name.length));
      return `${time}  ${actor} ${paint.dim(line.object.padEnd(22))} ${name}${pad}${formatDetail(line.detail)}`;
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

  constructor(private readonly keep = 3) {}

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
    const bytes = this.foldedBytes ? ` (${formatBytes(this.foldedBytes)})` : '';
    const text = `${formatTime(t)}  ${actor.padEnd(10)} … ${this.folded} more "${name}" events on ${object}${bytes}`;
    this.folded = 0;
    this.foldedBytes = 0;
    return [text];
  }
}
