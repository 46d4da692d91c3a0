import { afterAll, describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// The runtime as shipped: spawned programs load dist/ (the TypeScript loader is compiled there).
import { TraceCollector } from '../dist/src/trace/collector.js';
import { ProcessScope } from '../dist/src/runtime/scope.js';
import type { TraceLine } from '../src/trace/event.js';

const CHILD_API = new URL('../dist/src/runtime/child.js', import.meta.url).href;
const dir = mkdtempSync(join(tmpdir(), 'netlab-collector-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function program(name: string, source: string): string {
  const path = join(dir, name);
  writeFileSync(path, `import { holdTrace, mark, note, onCommand, ready, releaseTrace, waitForCommand } from ${JSON.stringify(CHILD_API)};\n${source}`);
  return path;
}

function names(lines: readonly TraceLine[]): string[] {
  return lines.filter((l) => l.type === 'event').map((l) => (l as { name: string }).name);
}

describe('the trace collector', () => {
  test('lines of two processes that arrive out of order come out in time order, numbered in that order', async () => {
    // Given process A's line that happened first but reaches the collector after process B's…
    const first = program('first.ts', `holdTrace(); mark('first'); ready(); await waitForCommand('go'); releaseTrace(); note('done');`);
    const second = program('second.ts', `mark('second'); ready();`);
    const collector = new TraceCollector({ windowMs: 1000, keep: 100 });
    const arrived: string[] = [];
    collector.onArrival((l) => l.type === 'event' && arrived.push(l.name));
    const scope = new ProcessScope(collector);
    try {
      const a = scope.spawn({ actor: 'a', program: first });
      await a.ready();
      const b = scope.spawn({ actor: 'b', program: second });
      await b.ready();
      await a.command('go');
      await a.finish(5000);
      await b.finish(5000);
    } finally {
      await scope.dispose();
    }
    expect(arrived).toEqual(['second', 'first']);
    // …then readers see them in the order they happened, and seq follows t.
    const lines = collector.lines;
    expect(names(lines)).toEqual(['first', 'second']);
    expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => i + 1));
    expect(lines.every((l, i) => i === 0 || l.t >= lines[i - 1]!.t)).toBe(true);
  });

  test('a flood from a real process reaches readers while it is still running, not when it ends', async () => {
    // Given a process that emits 20 000 events and then waits to be told to stop…
    const flood = program('flood.ts', `for (let i = 0; i < 20000; i++) mark('data', { i }); ready(); await waitForCommand('stop');`);
    const collector = new TraceCollector();
    const scope = new ProcessScope(collector);
    let delivered = 0;
    let enough!: () => void;
    const reached = new Promise<void>((resolve) => (enough = resolve));
    collector.subscribe(() => {
      if (++delivered === 20_000) enough();
    });
    try {
      const p = scope.spawn({ actor: 'flood', program: flood });
      await p.ready();
      // …every event reaches readers before the process was told to stop (nothing waits for the end).
      await reached;
      expect(p.running).toBe(true);
      await p.command('stop');
    } finally {
      await scope.dispose();
    }
  });

  test('holds at most maxHeld lines: the earliest go at once, in order', () => {
    // A long window and no time passing: only the count bound can release anything.
    const collector = new TraceCollector({ windowMs: 60_000, maxHeld: 100 });
    const out: TraceLine[] = [];
    collector.subscribe((l) => out.push(l));
    const t = collector.now();
    for (let i = 0; i < 1000; i++) collector.push({ type: 'note', t: t + (i % 2 === 0 ? i : i - 2), actor: 'x', text: String(i) });
    expect(out.length).toBeGreaterThanOrEqual(900);
    expect(out.every((l, i) => i === 0 || l.t >= out[i - 1]!.t)).toBe(true);
    collector.close();
    expect(out).toHaveLength(1000);
    expect(out.map((l) => l.seq)).toEqual(out.map((_, i) => i + 1));
  });

  test('a line that arrives later than the window is not held, and after close() nothing is', () => {
    const collector = new TraceCollector({ windowMs: 50 });
    const out: TraceLine[] = [];
    collector.subscribe((l) => out.push(l));
    collector.push({ type: 'note', t: collector.now() - 1000, actor: 'late', text: 'long ago' });
    expect(out).toHaveLength(1);
    collector.push({ type: 'note', t: collector.now(), actor: 'now', text: 'now' });
    expect(out).toHaveLength(1);
    collector.close();
    expect(out).toHaveLength(2);
    collector.push({ type: 'note', t: collector.now(), actor: 'after', text: 'after the run' });
    expect(out).toHaveLength(3);
  });
});
