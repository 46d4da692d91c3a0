import { afterAll, describe, expect, test } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import * as net from 'node:net';
import { loadLabs, LABS_DIR } from '../src/lab/registry.js';
import { closest } from '../src/errors.js';
import { splitSections } from '../src/lab/lesson.js';
import { Probe, type ProbeEvent } from '../src/trace/probe.js';
import { bridgeChannels } from '../src/trace/channels.js';

const root = mkdtempSync(join(tmpdir(), 'netlab-registry-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function lab(labsDir: string, folder: string, body: string) {
  mkdirSync(join(labsDir, folder), { recursive: true });
  writeFileSync(join(labsDir, folder, 'lab.js'), `export default ${body};\n`);
}

const scenarios = `{ tour: { title: 't', run: async () => ({}) } }`;

describe('the lab registry', () => {
  test('discovers one lab per folder, ordered by `order`, ignoring folders without lab.js', async () => {
    const dir = join(root, 'ok');
    lab(dir, 'second', `{ id: 'second', title: 'S', summary: 's', order: 20, exports: [], scenarios: ${scenarios} }`);
    lab(dir, 'first', `{ id: 'first', title: 'F', summary: 'f', order: 10, exports: [], scenarios: ${scenarios} }`);
    mkdirSync(join(dir, 'notes'));
    const labs = await loadLabs(dir);
    expect(labs.map((l) => l.id)).toEqual(['first', 'second']);
    expect(labs[0]!.lessonPath).toBe(join(dir, 'first', 'lesson.md'));
    expect(labs[0]!.solutionPath).toBe(join(dir, 'first', 'exercise', 'solution.ts'));
  });

  test.each([
    ['wrong-id', `{ id: 'other', title: 'x', summary: 'x', order: 1, exports: [], scenarios: ${scenarios} }`, /labs\/wrong-id: id "other" does not match its folder name/],
    ['no-scenarios', `{ id: 'no-scenarios', title: 'x', summary: 'x', order: 1, exports: [], scenarios: {} }`, /has no scenarios/],
    ['no-default', `undefined`, /no default export/],
  ])('rejects a lab folder %s with a message naming the folder', async (folder, body, message) => {
    const dir = join(root, `bad-${folder}`);
    lab(dir, folder, body);
    await expect(loadLabs(dir)).rejects.toThrow(message);
  });

  test('the real labs load, tcp-echo first', async () => {
    const labs = await loadLabs(LABS_DIR);
    expect(labs[0]!.id).toBe('tcp-echo');
    expect(new Set(labs.map((l) => l.id)).size).toBe(labs.length);
  });

  test('"did you mean" suggests close names only', () => {
    expect(closest('tcp-ech', ['tcp-echo', 'udp'])).toBe('tcp-echo');
    expect(closest('upd', ['tcp-echo', 'udp'])).toBe('udp');
    expect(closest('websocket', ['tcp-echo', 'websocket-handshake'])).toBe('websocket-handshake');
    expect(closest('zzzzzzzz', ['tcp-echo', 'udp'])).toBeUndefined();
  });

  test('lessons split into steps at "## ", not inside code fences', () => {
    const steps = splitSections('# Title\nintro\n## One\na\n```\n## not a step\n```\n## Two\nb\n');
    expect(steps.map((s) => s.title)).toEqual(['One', 'Two']);
    expect(steps[0]!.body).toContain('## not a step');
  });
});

describe('diagnostics_channel bridge', () => {
  test('net channels appear in the trace, and sockets found there are traced from then on', async () => {
    const events: ProbeEvent[] = [];
    const probe = new Probe((e) => events.push(e));
    const off = bridgeChannels(probe, ['net']);
    const server = net.createServer((s) => s.end());
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    client.resume();
    await once(client, 'close');
    off();
    server.close();
    const channelNames = events.filter((e) => e.source === 'channel').map((e) => e.name);
    expect(channelNames).toContain('net.client.socket');
    expect(channelNames).toContain('net.server.socket');
    // The client socket was never passed to trace(): the bridge found it.
    expect(events.some((e) => e.source === 'emit' && e.name === 'connect')).toBe(true);
    const count = events.length;
    net.connect(1, '127.0.0.1').on('error', () => {});
    expect(events.length).toBe(count);
  });
});
