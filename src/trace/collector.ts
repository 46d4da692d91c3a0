/**
 * Where every trace line of a run meets: the lines of several processes (over IPC, stdout,
 * stderr) and of the collecting process itself. The collector owns the run's clock, puts lines
 * in the order they happened on that clock, numbers them in that order, and hands them to its
 * subscribers (the pretty printer, NDJSON, the interactive lab, a check's report).
 *
 * Lines from different processes arrive out of order: a client's `data` can be read from its
 * IPC channel before the server's earlier `data` is. So each line is held for a short window of
 * clock time (lines that happened earlier may still be on their way) and released in time order
 * once the window has passed. The window is bounded in time and in count: a flood is released as
 * it comes, never held; a line that arrives later than the window is released at once.
 */
import type { EventEmitter } from 'node:events';
import type { TraceEvent, TraceLine, UnsequencedLine } from './event.js';
import { createClock, epochNow } from './clock.js';
import { Probe } from './probe.js';

export interface CollectorOptions {
  /** The run's start (epoch ms); every process of the run measures from it. Default: now. */
  t0?: number;
  /** Milliseconds of clock a line waits for earlier lines of other processes. Default 50 (IPC between loaded processes can take tens of ms; a reader does not notice 50). */
  windowMs?: number;
  /** Lines held at most; beyond this the earliest are released at once. Default 1000. */
  maxHeld?: number;
  /** How many released lines to keep for later reading ({@link TraceCollector.lines}). Default 0. */
  keep?: number;
}

export const REORDER_WINDOW_MS = 50;
const MAX_HELD = 1000;

export class TraceCollector {
  readonly t0: number;
  /** Milliseconds since the run started, on the clock every process of the run shares. */
  readonly now: () => number;
  private windowMs: number;
  private readonly maxHeld: number;
  private readonly keep: number;
  /** Lines waiting for their window, sorted by `t` (equal times in order of arrival). */
  private held: TraceLine[] = [];
  private readonly kept: TraceLine[] = [];
  private dropped = 0;
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly subscribers = new Set<(line: TraceLine) => void>();
  private readonly arrivalSubscribers = new Set<(line: TraceLine) => void>();
  private readonly refiners = new Set<(line: TraceLine) => TraceLine | undefined>();
  private readonly probes = new Map<string, Probe>();

  constructor(options: CollectorOptions = {}) {
    this.t0 = options.t0 ?? epochNow();
    this.now = createClock(this.t0);
    this.windowMs = options.windowMs ?? REORDER_WINDOW_MS;
    this.maxHeld = Math.max(1, options.maxHeld ?? MAX_HELD);
    this.keep = options.keep ?? 0;
  }

  /**
   * Receive every line in time order, numbered (`seq` follows `t`). Returns an unsubscribe.
   */
  subscribe(fn: (line: TraceLine) => void): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  /**
   * Receive every line as soon as it arrives, before it takes its place in order (its `seq` is
   * 0 until then): for a check waiting for an event, which must not wait out the window.
   */
  onArrival(fn: (line: TraceLine) => void): () => void {
    this.arrivalSubscribers.add(fn);
    return () => this.arrivalSubscribers.delete(fn);
  }

  /**
   * Replace a line, just before it is released in order, by a fuller one (`fn` returns it, or
   * undefined to keep the line): facts known only once the lines around it have arrived, such
   * as which actor owns the address a packet came from. Returns a function that removes `fn`.
   */
  refine(fn: (line: TraceLine) => TraceLine | undefined): () => void {
    this.refiners.add(fn);
    return () => this.refiners.delete(fn);
  }

  /** Add a line (from a child process, or from this one). Arrow: it is passed around as a callback. */
  push = (line: UnsequencedLine): void => {
    const entry = { ...line, seq: 0 } as TraceLine;
    for (const fn of this.arrivalSubscribers) fn(entry);
    if (this.closed) {
      this.deliver(entry);
      return;
    }
    let i = this.held.length;
    while (i > 0 && this.held[i - 1]!.t > entry.t) i--;
    if (i === this.held.length) this.held.push(entry);
    else this.held.splice(i, 0, entry);
    this.pump();
  };

  /**
   * Hold lines at least `ms` for earlier ones: a source slower than IPC (a packet capture
   * read from tcpdump's pipe) needs a wider window to take its place in order.
   */
  widenWindow(ms: number): void {
    this.windowMs = Math.max(this.windowMs, ms);
  }

  /** A sentence of narration from `actor`, now. */
  note(actor: string, text: string): void {
    this.push({ type: 'note', t: this.now(), actor, text });
  }

  /** Record everything `emitter` emits, as `actor`, on this run's clock (for objects of this process). */
  trace<T extends EventEmitter>(emitter: T, actor: string): T {
    let probe = this.probes.get(actor);
    if (!probe) {
      probe = new Probe((ev) => this.push({ type: 'event', t: this.now(), actor, ...ev }));
      this.probes.set(actor, probe);
    }
    return probe.trace(emitter);
  }

  /** Release every held line now, in order (the run ended, or a reader needs everything). */
  flush(): void {
    this.release(this.held.length);
  }

  /** Release what is held and stop holding: lines that still arrive are delivered at once. */
  close(): void {
    this.flush();
    this.closed = true;
  }

  /** The last `keep` released lines, in order. */
  get lines(): readonly TraceLine[] {
    return this.kept;
  }

  /** Released lines no longer kept (beyond `keep`). */
  get omitted(): number {
    return this.dropped;
  }

  /** Every line received so far and still kept, released or held, in time order. */
  snapshot(): TraceLine[] {
    return [...this.kept, ...this.held];
  }

  /** The first event received so far (released or held) that matches. */
  find(match: (line: TraceEvent) => boolean): TraceEvent | undefined {
    for (const list of [this.kept, this.held]) {
      for (const line of list) if (line.type === 'event' && match(line)) return line;
    }
    return undefined;
  }

  private pump(): void {
    const due = this.now() - this.windowMs;
    let n = 0;
    while (n < this.held.length && this.held[n]!.t <= due) n++;
    // Bounded in count too: in a flood, the earliest go at once (down to three quarters full, so
    // that releasing is not a splice per line).
    if (this.held.length - n > this.maxHeld) n = this.held.length - Math.floor((this.maxHeld * 3) / 4);
    if (n > 0) this.release(n);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.held.length === 0) return;
    const wait = Math.max(1, this.held[0]!.t + this.windowMs - this.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, wait);
    // Never keeps a process alive: a run ends with flush() or close().
    this.timer.unref();
  }

  private release(n: number): void {
    const out = n >= this.held.length ? this.held : this.held.slice(0, n);
    this.held = n >= this.held.length ? [] : this.held.slice(n);
    if (this.held.length === 0 && this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    for (const line of out) this.deliver(line);
  }

  private deliver(original: TraceLine): void {
    let line = original;
    for (const refine of this.refiners) line = refine(line) ?? line;
    line.seq = ++this.seq;
    if (this.keep > 0) {
      this.kept.push(line);
      // Trimmed in batches: a learner printing a million lines costs linear time, not quadratic.
      if (this.kept.length > 2 * this.keep) {
        const drop = this.kept.length - this.keep;
        this.kept.splice(0, drop);
        this.dropped += drop;
      }
    }
    for (const fn of this.subscribers) fn(line);
  }
}
