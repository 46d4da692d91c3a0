import { describe, expect, test } from 'vitest';
import * as net from 'node:net';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CLI, JsonLines, childrenOf, collect, goneWithin, isAlive, runCli, spawnRecorder, startCli } from './helpers/cli.js';
import { parseNdjson } from '../src/trace/ndjson.js';
import type { ResultLine, TraceEvent } from '../src/trace/event.js';

type Line = { type: string; [k: string]: unknown };

describe('netlab list', () => {
  test('lists tcp-echo first, with a status, and no colour without a TTY', async () => {
    const r = await runCli(['list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/1\. tcp-echo\s+○ new\s+TCP echo server/);
    expect(r.stdout).not.toMatch(/\x1b\[/);
  });

  test('--json writes only NDJSON to stdout', async () => {
    const r = await runCli(['list', '--json']);
    expect(r.code).toBe(0);
    const labs = parseNdjson<Line>(r.stdout);
    expect(labs[0]).toMatchObject({ type: 'lab', id: 'tcp-echo', status: 'new' });
  });

  test("never shows the progress of a workspace the tests did not make (the user's, or the repository's)", async () => {
    // Given a workspace where tcp-echo passed, named the way a learner's shell would name it
    const dir = mkdtempSync(join(tmpdir(), 'netlab-test-'));
    const saved = process.env.NETLAB_WORKSPACE;
    try {
      mkdirSync(join(dir, '.netlab'));
      writeFileSync(join(dir, '.netlab', 'progress.json'), JSON.stringify({ version: 1, labs: { 'tcp-echo': { passedAt: '2026-01-01T00:00:00.000Z' } } }));
      process.env.NETLAB_WORKSPACE = dir;
      // When a test runs `netlab list` the usual way, Then it sees a fresh start
      const r = await runCli(['list', '--json']);
      expect(parseNdjson<Line>(r.stdout)[0]).toMatchObject({ id: 'tcp-echo', status: 'new' });
      // and the same workspace, named explicitly, does show the pass (the fixture is right).
      const named = await runCli(['list', '--json', '--dir', dir]);
      expect(parseNdjson<Line>(named.stdout)[0]).toMatchObject({ id: 'tcp-echo', status: 'passed' });
    } finally {
      if (saved === undefined) delete process.env.NETLAB_WORKSPACE;
      else process.env.NETLAB_WORKSPACE = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('FORCE_COLOR turns colour on even without a TTY', async () => {
    const r = await runCli(['list'], { env: { FORCE_COLOR: '1' } });
    expect(r.stdout).toMatch(/\x1b\[/);
  });
});

describe('usage errors exit 2 with one clear line', () => {
  test.each([
    [['run', 'tcp-ech'], /unknown lab "tcp-ech"\. Did you mean "tcp-echo"\?/],
    [['run', 'nothing-like-it'], /unknown lab "nothing-like-it"\. Run `netlab list`/],
    [['run', 'tcp-echo', '--bogus'], /unknown option '--bogus'/],
    [['run', 'tcp-echo', '--scenario', 'nope'], /has no scenario "nope"\. Scenarios: tour, half-close/],
    [['run', 'tcp-echo', '--timeout', 'soon'], /--timeout must be a positive number/],
    [['lsit'], /Did you mean "list"\?/],
    [['rn', 'tcp-echo'], /unknown lab or command "rn"\. Did you mean "run"\?/],
    // Validated before anything starts: nothing is printed before the error.
    [['run', 'udp', '--set', 'foo=1'], /lab udp has no option "foo"/],
  ])('netlab %j', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  });

  test('a bad --set value is a usage error too', async () => {
    const r = await runCli(['run', 'unix-socket', '--scenario', 'timing', '--set', 'roundTrips=lots']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--set roundTrips takes a whole number/);
    expect(r.stdout).toBe('');
    const unknown = await runCli(['run', 'tcp-echo', '--set', 'colour=blue']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/lab tcp-echo has no option "colour"/);
  });

  test('a reader that goes away (netlab run … | head) ends netlab quietly, children included', async () => {
    const cli = startCli(['run', 'tcp-echo']);
    const pids: number[] = [];
    let seen = '';
    const onData = async (chunk: Buffer) => {
      seen += chunk;
      if (!seen.includes('listening')) return;
      cli.stdout!.off('data', onData);
      pids.push(...(await childrenOf(cli.pid!)));
      cli.stdout!.destroy();
    };
    cli.stdout!.on('data', onData);
    let stderr = '';
    cli.stderr!.on('data', (c) => (stderr += c));
    const [code] = (await once(cli, 'close')) as [number | null];
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/EPIPE|Error/);
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) expect(await goneWithin(pid), `child ${pid} still alive`).toBe(true);
  });

  test('--help exits 0 and names every command', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const command of ['start', 'list', 'run', 'init', 'grade', 'hint', 'solution']) expect(r.stdout).toContain(command);
  });
});

describe('netlab reset', () => {
  test('outside a workspace: exit 2, says so, and creates nothing', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'netlab-test-'));
    try {
      const r = await runCli(['reset', 'tcp-echo'], { cwd });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^netlab: no workspace at netlab-exercises: .*netlab init/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(readdirSync(cwd)).toEqual([]);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});

describe('other errors are one clear line too', () => {
  test('a system error on the learner\'s path is one line and exit 1, not a stack', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netlab-cli-'));
    try {
      const file = join(dir, 'not-a-folder');
      writeFileSync(file, '');
      const r = await runCli(['hint', 'tcp-echo', '--dir', file]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^netlab: ENOTDIR: not a directory/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('netlab run tcp-echo --json', () => {
  test('streams the events SPEC §3 requires, numbered in order, result last', async () => {
    const r = await runCli(['run', 'tcp-echo', '--json']);
    expect(r.code).toBe(0);
    const lines = parseNdjson<Line>(r.stdout);
    const result = lines.at(-1) as unknown as ResultLine;
    expect(result).toMatchObject({ type: 'result', ok: true, lab: 'tcp-echo', scenario: 'tour' });
    const events = lines.filter((l): l is Line & TraceEvent => l.type === 'event');
    for (const e of events) expect(e).toEqual(expect.objectContaining({ seq: expect.any(Number), t: expect.any(Number), actor: expect.any(String), name: expect.any(String) }));
    expect(lines.slice(0, -1).map((l) => l.seq)).toEqual(lines.slice(0, -1).map((_, i) => i + 1));
    const has = (actor: RegExp, name: string) => events.some((e) => actor.test(e.actor) && e.name === name);
    for (const name of ['listening', 'connection', 'data', 'end', 'close']) expect(has(/^server$/, name), `server ${name}`).toBe(true);
    for (const name of ['connect', 'data', 'end', 'close']) expect(has(/^client#\d$/, name), `client ${name}`).toBe(true);
    // server.close() waited for client#2: in the server process (where order is certain) the
    // server's close comes after the end of the connection that was still open.
    const serverLines = lines.filter((l) => l.actor === 'server');
    const closeCalled = serverLines.findIndex((l) => l.type === 'note' && String(l.text).startsWith('server.close()'));
    const serverClose = serverLines.findIndex((l) => l.object === 'net.Server#1' && l.name === 'close');
    const lastEnd = serverLines.findLastIndex((l) => l.object !== 'net.Server#1' && l.name === 'end');
    expect(closeCalled).toBeGreaterThan(-1);
    expect(lastEnd).toBeGreaterThan(closeCalled);
    expect(serverClose).toBeGreaterThan(lastEnd);
  });

  test.each(['half-close', 'eaddrinuse', 'reset', 'max-connections'])('scenario %s runs and succeeds', async (scenario) => {
    const r = await runCli(['run', 'tcp-echo', '--json', '--scenario', scenario]);
    const lines = parseNdjson<Line>(r.stdout);
    expect(lines.at(-1), r.stderr).toMatchObject({ type: 'result', ok: true, scenario });
    expect(r.code).toBe(0);
    const names = lines.filter((l) => l.type === 'event').map((l) => l.name);
    if (scenario === 'eaddrinuse') expect(lines.at(-1)).toMatchObject({ summary: { error: 'EADDRINUSE' } });
    if (scenario === 'reset') expect(lines.some((l) => l.name === 'error' && (l.detail as { code?: string }).code === 'ECONNRESET')).toBe(true);
    if (scenario === 'max-connections') expect(names).toContain('drop');
  });

  test('--use runs the learner implementation, and a broken one fails the demo with exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netlab-test-'));
    try {
      const file = join(dir, 'tcp-echo.ts');
      writeFileSync(file, `import * as net from 'node:net';\nexport function createEchoServer(): net.Server {\n  throw new Error('not yet');\n}\n`);
      const r = await runCli(['run', 'tcp-echo', '--json', '--use', file]);
      expect(r.code).toBe(1);
      const result = parseNdjson<Line>(r.stdout).at(-1) as unknown as ResultLine;
      expect(result.ok).toBe(false);
      expect(result.error?.message).toContain('not yet');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the reference demo runs the build\'s plain copy of the solution, in processes without module hooks; --use keeps them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netlab-test-'));
    try {
      const spawned = async (args: string[]) => {
        const recorder = spawnRecorder(dir);
        const r = await runCli(args, { env: recorder.env });
        expect(r.code, r.stderr).toBe(0);
        return recorder.spawned().filter((a) => a.some((x) => /demo\/(server|client)\.js$/.test(x)));
      };
      const reference = await spawned(['run', 'tcp-echo', '--json']);
      expect(reference.length).toBeGreaterThanOrEqual(3);
      for (const args of reference) expect(args.join(' ')).not.toMatch(/register\.js/);
      const file = join(dir, 'tcp-echo.ts');
      copyFileSync(fileURLToPath(new URL('../labs/tcp-echo/exercise/solution.ts', import.meta.url)), file);
      const learner = await spawned(['run', 'tcp-echo', '--json', '--use', file]);
      expect(learner.find((a) => a.some((x) => x.endsWith('demo/server.js')))?.join(' ')).toMatch(/--import \S*register\.js/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  test('pretty output is readable text with the events and a summary', async () => {
    const r = await runCli(['run', 'tcp-echo']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/server\s+net\.Server#1\s+listening\s+address=127\.0\.0\.1:\d+/);
    expect(r.stdout).toContain('✓ tcp-echo / tour finished');
    expect(r.stdout).not.toMatch(/\x1b\[/);
  });
});

describe('processes never outlive netlab', () => {
  test('--serve traces a real client, prints nc, and Ctrl-C stops everything', async () => {
    const cli = startCli(['run', 'tcp-echo', '--serve', '--json']);
    const out = new JsonLines<Line>(cli);
    const done = collect(cli);
    const serve = (await out.waitFor((l) => l.type === 'serve')) as unknown as { address: string; commands: string[] };
    const [host, port] = serve.address.split(':');
    expect(host).toBe('127.0.0.1');
    expect(serve.commands[0]).toBe(`nc 127.0.0.1 ${port}`);
    const pids = await childrenOf(cli.pid!);
    expect(pids.length).toBeGreaterThan(0);

    const client = net.connect(Number(port), '127.0.0.1');
    await once(client, 'connect');
    const echoed = once(client, 'data');
    client.write('ping\n');
    expect(String((await echoed)[0])).toBe('ping\n');
    await out.waitFor((l) => l.type === 'event' && l.name === 'data' && l.actor === 'server');
    client.destroy();

    cli.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(0);
    const lines = parseNdjson<Line>(r.stdout);
    expect(lines.some((l) => l.name === 'connection')).toBe(true);
    expect(lines.at(-1)).toMatchObject({ type: 'result', ok: true, scenario: 'serve' });
    for (const pid of pids) expect(isAlive(pid), `child ${pid} still alive`).toBe(false);
  });

  test.each(['SIGINT', 'SIGTERM'] as const)('%s in the middle of a demo kills every child', async (signal) => {
    const cli = startCli(['run', 'tcp-echo', '--json', '--scenario', 'tour']);
    const out = new JsonLines<Line>(cli);
    const done = collect(cli);
    await out.waitFor((l) => l.type === 'event' && l.name === 'listening');
    const pids = await childrenOf(cli.pid!);
    expect(pids.length).toBeGreaterThan(0);
    cli.kill(signal);
    const r = await done;
    expect(r.code === 130 || r.code === 143 || r.code === 0 || r.signal !== null).toBe(true);
    for (const pid of pids) expect(isAlive(pid), `child ${pid} still alive`).toBe(false);
  });
});

describe('startup stays light', () => {
  test('list and --help load no Ink, React, undici or vitest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netlab-test-'));
    try {
      const hooks = join(dir, 'hooks.mjs');
      writeFileSync(hooks, `export async function resolve(s, c, n) { const r = await n(s, c); process.stderr.write('LOADED ' + r.url + '\\n'); return r; }\n`);
      const register = join(dir, 'register.mjs');
      // ESM imports go through the resolve hook; CommonJS loads (commander) are in require.cache.
      writeFileSync(
        register,
        `import { register, createRequire } from 'node:module';\nregister(${JSON.stringify('file://' + hooks)});\n` +
          `const cache = createRequire(import.meta.url).cache;\nprocess.on('exit', () => { for (const f of Object.keys(cache)) process.stderr.write('LOADED file://' + f + '\\n'); });\n`,
      );
      for (const args of [['list'], ['--help']]) {
        const { spawnSync } = await import('node:child_process');
        const r = spawnSync(process.execPath, ['--import', register, CLI, ...args], { encoding: 'utf8' });
        expect(r.status).toBe(0);
        const loaded = r.stderr.split('\n').filter((l) => l.startsWith('LOADED '));
        // The hooks work: they saw netlab itself.
        expect(loaded).toContain(`LOADED ${pathToFileURL(CLI).href}`);
        expect(loaded.filter((l) => /node_modules\/(ink|react|undici|vitest|esbuild|highlight\.js|marked)\//.test(l))).toEqual([]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
