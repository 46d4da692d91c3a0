/**
 * `netlab run websocket-handshake --serve`: the hand-written server stays up on loopback, a
 * stock WebSocket client (undici's) talks to it, the printed `node -e` command works when pasted
 * into a shell in a folder without undici, every frame is traced, and Ctrl-C leaves nothing.
 */
import { expect, test } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'undici';
import { JsonLines, childrenOf, collect, isAlive, startCli } from '../../../test/helpers/cli.js';
import { parseNdjson } from '../../../src/trace/ndjson.js';

type Line = { type: string; actor?: string; name?: string; detail?: Record<string, unknown>; [k: string]: unknown };

test('--serve: undici WebSocket and the printed one-liner both get their echo; frames traced; Ctrl-C cleans up', async () => {
  const cli = startCli(['run', 'websocket-handshake', '--serve', '--json']);
  const out = new JsonLines<Line>(cli);
  const done = collect(cli);
  const empty = mkdtempSync(join(tmpdir(), 'netlab-ws-'));
  try {
    const serve = (await out.waitFor((l) => l.type === 'serve')) as unknown as { address: string; commands: string[] };
    const match = /^ws:\/\/127\.0\.0\.1:(\d+)\/$/.exec(serve.address);
    expect(match, serve.address).not.toBeNull();
    const port = Number(match![1]);
    const pids = await childrenOf(cli.pid!);
    expect(pids.length).toBeGreaterThan(0);

    // Given the server, when undici's WebSocket sends text and binary, then both come back.
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
    ws.binaryType = 'arraybuffer';
    const messages: Array<string | Buffer> = [];
    const closed = new Promise<{ code: number; wasClean: boolean }>((resolve) => ws.addEventListener('close', (e) => resolve({ code: e.code, wasClean: e.wasClean })));
    await new Promise<void>((resolve, reject) => {
      ws.addEventListener('open', () => resolve());
      ws.addEventListener('error', () => reject(new Error('the WebSocket did not open')));
    });
    const twoMessages = new Promise<void>((resolve) =>
      ws.addEventListener('message', (e) => {
        messages.push(typeof e.data === 'string' ? e.data : Buffer.from(e.data as ArrayBuffer));
        if (messages.length === 2) resolve();
      }),
    );
    ws.send('hello, serve');
    ws.send(new Uint8Array([0, 1, 2, 255]));
    await twoMessages;
    expect(messages[0]).toBe('hello, serve');
    expect(messages[1]).toEqual(Buffer.from([0, 1, 2, 255]));
    ws.close(4001, 'test over');
    expect(await closed).toEqual({ code: 4001, wasClean: true });

    // The trace decoded every frame that arrived.
    await out.waitFor((l) => l.name === 'frame-received' && l.detail?.opcode === 'close (0x8)' && l.detail?.code === 4001);
    const received = out.all.filter((l) => l.name === 'frame-received').map((l) => l.detail!);
    expect(received).toContainEqual(expect.objectContaining({ opcode: 'text (0x1)', mask: true, preview: 'hello, serve' }));
    expect(received).toContainEqual(expect.objectContaining({ opcode: 'binary (0x2)', length: 4 }));

    // The first printed command is a `node -e` one-liner that works in a folder without undici.
    const command = serve.commands[0]!;
    expect(command).toMatch(/^node -e '/);
    const pasted = spawn('sh', ['-c', command], { cwd: empty, stdio: ['ignore', 'pipe', 'pipe'] });
    const shell = await collect(pasted, 20_000);
    expect(shell.stderr).toBe('');
    expect(shell.stdout).toBe('echo: hello\nclosed 1000 \n');
    expect(shell.code).toBe(0);
    expect(serve.commands.some((c) => c.startsWith('curl ') && c.includes('Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='))).toBe(true);

    cli.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(0);
    const lines = parseNdjson<Line>(r.stdout);
    expect(lines.filter((l) => l.name === 'upgrade' && l.actor === 'server')).toHaveLength(2);
    expect(lines.at(-1)).toMatchObject({ type: 'result', ok: true, scenario: 'serve' });
    for (const pid of pids) expect(isAlive(pid), `child ${pid} still alive`).toBe(false);
  } finally {
    if (cli.exitCode === null) cli.kill('SIGKILL');
    rmSync(empty, { recursive: true, force: true });
  }
});
