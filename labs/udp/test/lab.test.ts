/**
 * The udp lab's demo, end to end through the built CLI: the NDJSON trace shows the events a
 * learner needs to follow (listening, message with rinfo, the reply's message, close), each scenario tells its
 * story, --serve answers a real UDP client, and no process outlives the run.
 */
import { describe, expect, test } from 'vitest';
import * as dgram from 'node:dgram';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonLines, childrenOf, collect, isAlive, runWatched, startCli, type JsonLine, startServing } from '../../../test/helpers/cli.js';
import { parseNdjson } from '../../../src/trace/ndjson.js';

type Line = JsonLine;


/** Run the CLI to completion, watching its children; asserts they are all gone afterwards. */
async function run(args: string[]) {
  const r = await runWatched<Line>(args);
  expect(r.survivors, 'children that outlived netlab').toEqual([]);
  return { ...r, children: r.children.size };
}

const events = (lines: Line[], actor: string, name?: string) =>
  lines.filter((l) => l.type === 'event' && l.actor === actor && (name === undefined || l.name === name));
const port = (address: unknown) => Number(String(address).split(':').at(-1));

describe('netlab run udp --json (the tour)', () => {
  test('a bound server, clients bound implicitly by send(), replies addressed from rinfo, close', async () => {
    const r = await run(['run', 'udp', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.children).toBeGreaterThan(0);
    expect(r.lines.at(-1)).toMatchObject({ type: 'result', ok: true, lab: 'udp', scenario: 'tour' });
    expect(r.lines.slice(0, -1).map((l) => l.seq)).toEqual(r.lines.slice(0, -1).map((_, i) => i + 1));

    // Given a server that called bind(0, '127.0.0.1')
    const [listening] = events(r.lines, 'server', 'listening');
    expect(listening?.detail?.address).toMatch(/^127\.0\.0\.1:\d+$/);
    const serverPort = port(listening!.detail!.address);

    // When client#1 sends without binding, its send is recorded unbound, then Node binds it
    const c1 = r.lines.filter((l) => l.actor === 'client#1' && l.type === 'event');
    const firstSend = c1.findIndex((l) => l.name === 'send');
    const c1Listening = c1.findIndex((l) => l.name === 'listening');
    expect(firstSend).toBeGreaterThan(-1);
    expect(c1[firstSend]!.detail!.from).toMatch(/not bound yet/);
    expect(c1Listening).toBeGreaterThan(firstSend);
    expect(c1[c1Listening]!.detail!.address).toMatch(/^0\.0\.0\.0:\d+$/);
    const ephemeral = port(c1[c1Listening]!.detail!.address);
    expect(ephemeral).not.toBe(serverPort);

    // Then the server's message carries that ephemeral port in rinfo, and the reply goes there
    const messages = events(r.lines, 'server', 'message');
    expect(messages[0]!.detail).toMatchObject({ preview: 'hello from client#1', from: `127.0.0.1:${ephemeral}` });
    const replies = events(r.lines, 'server', 'send');
    expect(replies[0]!.detail).toMatchObject({ preview: 'ack:hello from client#1', to: `127.0.0.1:${ephemeral}`, from: `127.0.0.1:${serverPort}` });
    const c1Messages = events(r.lines, 'client#1', 'message');
    expect(c1Messages[0]!.detail).toMatchObject({ preview: 'ack:hello from client#1', from: `127.0.0.1:${serverPort}` });

    // One server socket, several peers: every datagram is answered to its own sender
    const peers = new Set(messages.map((m) => m.detail!.from));
    expect(peers.size).toBe(3);
    messages.forEach((m, i) => expect(replies[i]!.detail!.to).toBe(m.detail!.from));

    // Datagram boundaries: three sends in one tick are three messages and three replies
    expect(c1Messages.map((m) => m.detail!.preview)).toEqual(['ack:hello from client#1', 'ack:one', 'ack:two', 'ack:three']);

    // The exercise's sendDatagram() ran too, and resolved with the ack
    expect(events(r.lines, 'client#3', 'resolved')[0]!.detail).toMatchObject({ preview: 'ack:hello from sendDatagram()' });
    expect(events(r.lines, 'client#3', 'close')).toHaveLength(1);

    // Everything closes
    for (const actor of ['server', 'client#1', 'client#2']) expect(events(r.lines, actor, 'close'), actor).toHaveLength(1);
  });
});

describe('netlab run udp --scenario …', () => {
  test('boundaries: five sends are five messages of the same sizes; 65,503 bytes (reply 65,507) goes through; 65,508 bytes is EMSGSIZE', async () => {
    const r = await run(['run', 'udp', '--json', '--scenario', 'boundaries']);
    expect(r.code, r.stderr).toBe(0);
    const sizes = [10, 100, 1000, 10_000, 60_000];
    const udp = [...sizes, 65_503];
    expect(events(r.lines, 'server', 'message').map((m) => m.detail!.bytes)).toEqual(udp);
    // The reply "ack:" + 65,503 bytes is 65,507: the largest IPv4 UDP payload still arrives whole.
    expect(events(r.lines, 'client', 'message').map((m) => m.detail!.bytes)).toEqual(udp.map((n) => n + 4));
    const failed = events(r.lines, 'client', 'send failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.detail).toMatchObject({ code: 'EMSGSIZE' });
    // TCP got the same five writes' bytes, in whatever chunks (no assertion on their number: that varies)
    const tcp = events(r.lines, 'tcp-server', 'data').reduce((sum, e) => sum + Number(e.detail!.bytes), 0);
    expect(tcp).toBe(sizes.reduce((a, b) => a + b));
    const result = r.lines.at(-1)!;
    expect(result).toMatchObject({ ok: true, summary: { udpMessages: 6 } });
    const lines = (result.summary as { lines: string[] }).lines.join('\n');
    expect(lines).toMatch(/sent\s+6 × send\(\)\s+10, 100, 1000, 10000, 60000, 65503/);
    expect(lines).toMatch(/UDP\s+6 × message\s+10, 100, 1000, 10000, 60000, 65503/);
    expect(lines).toMatch(/sent\s+5 × write\(\)\s+10, 100, 1000, 10000, 60000/);
  });

  test('many-peers: one client socket gets replies from two servers, told apart by rinfo', async () => {
    const r = await run(['run', 'udp', '--json', '--scenario', 'many-peers']);
    expect(r.code, r.stderr).toBe(0);
    const servers = ['server#1', 'server#2'].map((a) => events(r.lines, a, 'listening')[0]!.detail!.address);
    const from = events(r.lines, 'client', 'message').map((m) => m.detail!.from);
    expect(new Set(from)).toEqual(new Set(servers));
    expect(events(r.lines, 'client', 'listening')).toHaveLength(1);
  });

  test('lost: silence for an unconnected socket, ECONNREFUSED only when connected, ETIMEDOUT from sendDatagram', async () => {
    const r = await run(['run', 'udp', '--json', '--scenario', 'lost']);
    expect(r.code, r.stderr).toBe(0);
    expect(events(r.lines, 'client#1', 'message')).toEqual([]);
    expect(events(r.lines, 'client#1', 'error')).toEqual([]);
    expect(r.lines.some((l) => l.actor === 'client#1' && l.text === '300 ms later: no reply, no error')).toBe(true);
    if (process.platform === 'linux') {
      expect(events(r.lines, 'client#2', 'connect')).toHaveLength(1);
      expect(events(r.lines, 'client#2', 'error')[0]!.detail).toMatchObject({ code: 'ECONNREFUSED' });
    }
    expect(events(r.lines, 'client#3', 'rejected')[0]!.detail).toMatchObject({ code: 'ETIMEDOUT' });
    // sendDatagram's own socket was traced through diagnostics_channel and closed
    expect(events(r.lines, 'client#3', 'udp.socket')).toHaveLength(1);
    expect(events(r.lines, 'client#3', 'close')).toHaveLength(1);
  });

  test('--use with a server that answers a fixed port fails the demo with a reason (exit 1)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netlab-udp-test-'));
    try {
      const file = join(dir, 'udp.ts');
      writeFileSync(
        file,
        `import * as dgram from 'node:dgram';
export function createUdpServer() {
  const s = dgram.createSocket('udp4');
  s.on('message', (m) => s.send(m, 9, '127.0.0.1'));
  return s;
}
export async function sendDatagram() { throw new Error('not yet'); }
`,
      );
      const r = await run(['run', 'udp', '--json', '--use', file]);
      expect(r.code).toBe(1);
      const result = r.lines.at(-1)!;
      expect(result).toMatchObject({ type: 'result', ok: false });
      expect((result.error as { message: string }).message).toMatch(/expected 1 replies in total, got 0/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('netlab run udp --serve', () => {
  test('prints nc -u commands, answers a real UDP client, traces it, and stops cleanly on Ctrl-C', async () => {
    const { cli, out, done, serve } = await startServing('udp');
    const match = /^udp 127\.0\.0\.1:(\d+)$/.exec(serve.address);
    expect(match, serve.address).not.toBeNull();
    const serverPort = Number(match![1]);
    expect(serve.commands).toContain(`nc -u 127.0.0.1 ${serverPort}`);
    const pids = await childrenOf(cli.pid!);
    expect(pids.length).toBeGreaterThan(0);

    // A real UDP peer: a text datagram and an empty one, each answered from the server's port
    const client = dgram.createSocket('udp4');
    try {
      client.bind(0, '127.0.0.1');
      await once(client, 'listening');
      for (const payload of ['ping\n', '']) {
        const reply = once(client, 'message') as Promise<[Buffer, dgram.RemoteInfo]>;
        client.send(payload, serverPort, '127.0.0.1');
        const [msg, rinfo] = await reply;
        expect(msg.toString()).toBe(`ack:${payload}`);
        expect(rinfo.port).toBe(serverPort);
      }
      const clientPort = client.address().port;
      await out.waitFor((l) => l.type === 'event' && l.actor === 'server' && l.name === 'message' && l.detail?.bytes === 0);
      expect(out.all.filter((l) => l.name === 'message').map((l) => l.detail!.from)).toEqual([`127.0.0.1:${clientPort}`, `127.0.0.1:${clientPort}`]);
    } finally {
      client.close();
    }

    cli.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(0);
    expect(parseNdjson<Line>(r.stdout).at(-1)).toMatchObject({ type: 'result', ok: true, scenario: 'serve' });
    for (const pid of pids) expect(isAlive(pid), `child ${pid} still alive`).toBe(false);
  });
});
