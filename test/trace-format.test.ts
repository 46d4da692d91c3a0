import { describe, expect, test } from 'vitest';
import { PassThrough } from 'node:stream';
import { Chalk } from 'chalk';
import { Coalescer, formatDetail, formatLine, isQuiet, TraceRenderer } from '../src/trace/format.js';
import { NdjsonWriter, parseNdjson } from '../src/trace/ndjson.js';
import { PrettyTracePrinter } from '../src/trace/pretty.js';
import type { TraceEvent, TraceLine } from '../src/trace/event.js';

function data(seq: number, bytes = 10, object = 'net.Socket#1'): TraceEvent {
  return { type: 'event', seq, t: seq, actor: 'server', object, name: 'data', source: 'emit', detail: { bytes, preview: 'x' } };
}

describe('formatLine', () => {
  test('shows time, actor, object, the event name as Node spells it, and the detail', () => {
    const line = formatLine({ type: 'event', seq: 1, t: 12.345, actor: 'client#1', object: 'net.Socket#2', name: 'data', source: 'emit', detail: { bytes: 5, preview: 'hello' } });
    expect(line).toBe('   12.3ms  client#1   net.Socket#2           data         5 B "hello"');
    expect(formatDetail({ code: 'ECONNRESET', message: 'read ECONNRESET', hadError: true })).toBe('ECONNRESET: read ECONNRESET hadError=true');
  });

  test('notes and process output have their own markers', () => {
    expect(formatLine({ type: 'note', seq: 1, t: 0, actor: 'netlab', text: 'hi' })).toContain('» hi');
    expect(formatLine({ type: 'output', seq: 1, t: 0, actor: 'server', stream: 'stderr', text: 'oops' })).toContain('! oops');
  });

  test('stream-internal events are quiet, lesson events are not', () => {
    expect(isQuiet({ ...data(1), name: 'resume' })).toBe(true);
    expect(isQuiet(data(1))).toBe(false);
    expect(isQuiet({ ...data(1), name: 'drain' })).toBe(false);
  });
});

describe('Coalescer', () => {
  test('given a flood, shows the first few, then one line for the rest with their bytes', () => {
    const c = new Coalescer(3);
    const shown: Array<TraceLine | string> = [];
    for (let i = 1; i <= 1000; i++) shown.push(...c.push(data(i, 100)));
    shown.push(...c.push({ ...data(1001), name: 'end', detail: {} }));
    expect(shown).toHaveLength(5);
    expect(shown[3]).toMatch(/… 997 more "data" events on net\.Socket#1 \(97\.4 KiB in total\)/);
    expect((shown[4] as TraceEvent).name).toBe('end');
  });

  test('different objects are different runs', () => {
    const c = new Coalescer(1);
    const shown = [data(1, 1, 'a'), data(2, 1, 'b'), data(3, 1, 'a')].flatMap((l) => c.push(l));
    expect(shown).toHaveLength(3);
    expect(c.flush()).toEqual([]);
  });
});

describe('output streams', () => {
  test('NDJSON: one parseable object per line, nothing lost in a flood of 50 000', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c) => (text += c));
    const writer = new NdjsonWriter(out);
    for (let i = 1; i <= 50_000; i++) writer.write(data(i));
    writer.write({ type: 'result', ok: true });
    await writer.flush();
    const lines = parseNdjson<{ type: string; seq?: number }>(text);
    expect(lines).toHaveLength(50_001);
    expect(lines.every((l, i) => i === 50_000 || l.seq === i + 1)).toBe(true);
    expect(lines.at(-1)).toEqual({ type: 'result', ok: true });
  });

  test('pretty printer writes no ANSI codes without colour, folds floods, hides quiet events', () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c) => (text += c));
    const printer = new PrettyTracePrinter(out, new Chalk({ level: 0 }));
    printer.write({ ...data(1), name: 'resume', detail: {} });
    for (let i = 2; i <= 10; i++) printer.write(data(i));
    printer.end();
    expect(text).not.toMatch(/\x1b\[/);
    expect(text).not.toContain('resume');
    expect(text.trim().split('\n')).toHaveLength(4);
    expect(text).toContain('… 6 more "data" events');
  });
});

describe('columns', () => {
  const ev = (actor: string, object: string, name: string): TraceEvent => ({ type: 'event', seq: 1, t: 1, actor, object, name, source: 'emit', detail: { bytes: 1, preview: 'x' } });
  /** Where the object column and the detail start in each row (in columns; these rows are ASCII). */
  const starts = (rows: string[]) => rows.map((r) => [r.indexOf('net.') >= 0 ? r.indexOf('net.') : r.indexOf('http.'), r.indexOf('1 B')]);

  test('long actor names widen the actor column instead of pushing one line out of line', () => {
    const lines = [ev('server(allowHalfOpen:false)', 'net.Socket#1', 'data'), ev('client', 'net.Socket#2', 'end'), ev('client(k=Infinity)', 'http.IncomingMessage#12', 'data')];
    const rows = TraceRenderer.renderAll(lines);
    expect(rows).toHaveLength(3);
    const [first, ...rest] = starts(rows);
    for (const s of rest) expect(s).toEqual(first);
    expect(rows[0]).toContain('server(allowHalfOpen:false) net.Socket#1');
  });

  test('widths are measured in terminal columns: a wide-character actor keeps the columns aligned', () => {
    const rows = TraceRenderer.renderAll([ev('服务器', 'net.Socket#1', 'data'), ev('client', 'net.Socket#2', 'data')]);
    // 服务器 is 3 characters but 6 columns: padded to the same column as "client".
    const at = (row: string) => row.split('net.Socket')[0]!.replace('服务器', 'xxxxxx').length;
    expect(at(rows[0]!)).toBe(at(rows[1]!));
  });
});

describe('trace rows in Chinese', () => {
  test('Given zh-CN, a folded flood and the bytes a preview left out are said in Chinese; the payload and names stay', async () => {
    const { setLanguage, currentLanguage } = await import('../src/i18n/messages.js');
    const before = currentLanguage();
    await setLanguage('zh-CN');
    try {
      const c = new Coalescer(3);
      const shown: Array<TraceLine | string> = [];
      for (let i = 1; i <= 1000; i++) shown.push(...c.push(data(i, 100)));
      shown.push(...c.push({ ...data(1001), name: 'end', detail: {} }));
      expect(shown[3]).toMatch(/… 还有 997 个 "data" 事件，来自 net\.Socket#1（共 97\.4 KiB）$/);
      expect(formatDetail({ bytes: 256, preview: 'AAAA… (+252 bytes)' })).toBe('256 B "AAAA…（另有 252 字节）"');
    } finally {
      await setLanguage(before);
    }
    expect(formatDetail({ bytes: 256, preview: 'AAAA… (+252 bytes)' })).toBe('256 B "AAAA… (+252 bytes)"');
  });
});
