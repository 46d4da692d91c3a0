import { afterAll, describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
// The runtime as shipped: spawned programs load dist/ (the TypeScript loader is compiled there).
import { ActorProcess, labProcessEnv } from '../dist/src/runtime/spawn.js';
import { epochNow } from '../dist/src/trace/clock.js';
import type { UnsequencedLine } from '../src/trace/event.js';
import { childrenOf, goneWithin } from './helpers/cli.js';

const CHILD_API = new URL('../dist/src/runtime/child.js', import.meta.url).href;
const dir = mkdtempSync(join(tmpdir(), 'netlab-runtime-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function program(name: string, source: string): string {
  const path = join(dir, name);
  writeFileSync(path, source);
  return path;
}

function start(path: string, params = {}) {
  const lines: UnsequencedLine[] = [];
  const actor = new ActorProcess({ actor: 'learner', program: path, params, t0: epochNow(), onLine: (l) => lines.push(l) });
  return { actor, lines };
}

describe('spawned programs', () => {
  test('a TypeScript file with plain imports, in a folder with no package.json, runs and traces over IPC', async () => {
    const path = program(
      'server.ts',
      `import * as net from 'node:net';
import { trace, ready, params } from ${JSON.stringify(CHILD_API)};
const { greeting } = params<{ greeting: string }>();
const server: net.Server = trace(net.createServer());
server.listen(0, '127.0.0.1', () => {
  ready({ greeting, port: (server.address() as net.AddressInfo).port });
  server.close();
});
`,
    );
    const { actor, lines } = start(path, { greeting: 'hi' });
    const info = (await actor.ready()) as { greeting: string; port: number };
    expect(info.greeting).toBe('hi');
    expect(info.port).toBeGreaterThan(0);
    // The IPC channel does not keep it alive: it ends by itself once the server closed.
    expect(await actor.finish(5000)).toEqual({ code: 0, signal: null });
    const names = lines.filter((l) => l.type === 'event').map((l) => (l as { name: string }).name);
    expect(names).toEqual(['listening', 'close']);
    expect(lines.every((l) => l.actor === 'learner' && l.t >= 0)).toBe(true);
  });

  test('a .js file with ESM syntax and no package.json runs too, and can import undici without installing it', async () => {
    const path = program('client.js', `import { request } from 'undici';\nimport { ready } from ${JSON.stringify(CHILD_API)};\nready(typeof request);\n`);
    const { actor } = start(path);
    expect(await actor.ready()).toBe('function');
    await actor.finish(5000);
  });

  test('commands: answered by onCommand, an unknown one is a clear error', async () => {
    const path = program(
      'commands.ts',
      `import { onCommand, ready, waitForCommand } from ${JSON.stringify(CHILD_API)};
onCommand('double', (n) => (n as number) * 2);
ready();
await waitForCommand('stop');
`,
    );
    const { actor } = start(path);
    await actor.ready();
    expect(await actor.command('double', 21)).toBe(42);
    await expect(actor.command('triple', 1)).rejects.toThrow('learner has no command "triple"');
    await actor.command('stop');
    expect((await actor.finish(5000)).code).toBe(0);
  });

  test('an uncaught exception is reported with a stack that points at the TypeScript line', async () => {
    const path = program('crash.ts', `import ${JSON.stringify(CHILD_API)};\nconst x: number = 1;\nfunction boom(): never {\n  throw new Error('learner bug ' + x);\n}\nboom();\n`);
    const { actor } = start(path);
    await expect(actor.ready(5000)).rejects.toThrow(/learner crashed: Error: learner bug 1/);
    expect(actor.fatal?.stack).toMatch(/crash\.ts:4:9/);
    expect((await actor.exited).code).toBe(1);
  });

  test('a program without the child API that crashes is described by its stderr', async () => {
    const path = program('plain-crash.js', `throw new Error('plain failure');\n`);
    const { actor } = start(path);
    await expect(actor.ready(5000)).rejects.toThrow(/learner exited with code 1:[\s\S]*plain failure/);
  });

  test('a busy loop cannot block netlab: ready times out and kill ends it', async () => {
    const path = program('busy.ts', `while (true) {}\n`);
    const { actor } = start(path);
    await expect(actor.ready(500)).rejects.toThrow(/did not become ready within 500 ms/);
    expect((await actor.kill()).signal).toBe('SIGKILL');
  });

  test('children never outlive their parent, even one killed with SIGKILL', async () => {
    const childProgram = program('forever.ts', `import * as net from 'node:net';\nimport { ready } from ${JSON.stringify(CHILD_API)};\nnet.createServer().listen(0, '127.0.0.1', () => ready());\n`);
    const parentProgram = program(
      'parent.mjs',
      `import { ActorProcess } from ${JSON.stringify(new URL('../dist/src/runtime/spawn.js', import.meta.url).href)};
const a = new ActorProcess({ actor: 'x', program: ${JSON.stringify(childProgram)}, t0: Date.now(), onLine() {} });
await a.ready();
process.stdout.write('ready\\n');
setInterval(() => {}, 1000);
`,
    );
    const parent = spawn(process.execPath, [parentProgram], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => parent.stdout.once('data', () => resolve()));
    const [pid] = await childrenOf(parent.pid!);
    expect(pid).toBeDefined();
    parent.kill('SIGKILL');
    await new Promise((r) => parent.once('exit', r));
    expect(await goneWithin(pid!, 5000), `child ${pid} still alive`).toBe(true);
  });
});

const hasSetpriv = process.platform === 'linux' && spawnSync('setpriv', ['--pdeathsig', 'KILL', 'true'], { stdio: 'ignore' }).status === 0;

describe('a program that needs no module hooks and dies with its parent (the learner process under grading)', () => {
  test.skipIf(!hasSetpriv)('started without the hooks, told it dies with its parent, and killed by the kernel in a busy loop when its parent is SIGKILLed', async () => {
    // ready() is written to the IPC pipe at once; the busy loop starts in the same tick, so no
    // JavaScript of the child's can notice that its parent is gone.
    const childProgram = program(
      'busy-plain.mjs',
      `import { ready } from ${JSON.stringify(CHILD_API)};
ready({ guarded: process.env.NETLAB_DIES_WITH_PARENT ?? null, hooks: process.execArgv.some((a) => a.includes('register')) });
for (;;) {}
`,
    );
    const parentProgram = program(
      'busy-parent.mjs',
      `import { ActorProcess } from ${JSON.stringify(new URL('../dist/src/runtime/spawn.js', import.meta.url).href)};
const a = new ActorProcess({ actor: 'x', program: ${JSON.stringify(childProgram)}, t0: Date.now(), onLine() {}, hooks: false, diesWithParent: true });
process.stdout.write(JSON.stringify(await a.ready()) + '\\n');
setInterval(() => {}, 1000);
`,
    );
    const parent = spawn(process.execPath, [parentProgram], { stdio: ['ignore', 'pipe', 'inherit'] });
    const info = await new Promise<string>((resolve) => parent.stdout.setEncoding('utf8').once('data', (d: string) => resolve(d)));
    expect(JSON.parse(info)).toEqual({ guarded: '1', hooks: false });
    const [pid] = await childrenOf(parent.pid!);
    expect(pid).toBeDefined();
    parent.kill('SIGKILL');
    await new Promise((r) => parent.once('exit', r));
    expect(await goneWithin(pid!, 5000), `child ${pid} still alive`).toBe(true);
  });
});

describe("a lab process's environment (NODE_EXTRA_CA_CERTS: read by every Node 20 process as it starts)", () => {
  test('on Node 20 it is left out; on Node 22 and later, or unset, the environment is as it was', () => {
    const env = { PATH: '/bin', NODE_EXTRA_CA_CERTS: '/etc/ssl/extra.pem', LANG: 'C' };
    expect(labProcessEnv(env, '20.19.0')).toEqual({ PATH: '/bin', LANG: 'C' });
    expect(env.NODE_EXTRA_CA_CERTS, 'the caller\'s object is untouched').toBe('/etc/ssl/extra.pem');
    expect(labProcessEnv(env, '22.12.0')).toBe(env);
    expect(labProcessEnv(env, '24.1.0')).toBe(env);
    const without = { PATH: '/bin' };
    expect(labProcessEnv(without, '20.19.0')).toBe(without);
  });

  test('a spawned program sees it only where its Node reads it lazily; the rest of the environment arrives', async () => {
    const path = program('env.mjs', `import { ready } from ${JSON.stringify(CHILD_API)};\nready({ ca: process.env.NODE_EXTRA_CA_CERTS ?? null, mine: process.env.NETLAB_TEST_MINE ?? null });\n`);
    const actor = new ActorProcess({ actor: 'learner', program: path, t0: epochNow(), onLine() {}, hooks: false, env: { NODE_EXTRA_CA_CERTS: '/nonexistent/extra.pem', NETLAB_TEST_MINE: 'kept' } });
    const lazy = Number(process.versions.node.split('.')[0]) >= 22;
    expect(await actor.ready()).toEqual({ ca: lazy ? '/nonexistent/extra.pem' : null, mine: 'kept' });
    await actor.kill();
  });
});

test('CHILD_API points at the built runtime', () => {
  expect(fileURLToPath(CHILD_API)).toMatch(/dist\/src\/runtime\/child\.js$/);
});

describe('typed program contracts', () => {
  test('the orchestrator and its program agree on params, ready and commands at compile time, and it runs', async () => {
    const { defineProgram } = await import('../dist/src/runtime/contract.js');
    const { runDemo } = await import('../dist/src/runtime/demo.js');
    const CONTRACT_API = new URL('../dist/src/runtime/contract.js', import.meta.url).href;
    type Doubler = { params: { factor: number }; ready: { pid: number }; commands: { apply: { arg: number; result: number }; stop: object } };
    const doubler = defineProgram<Doubler>('typed-doubler');
    // The program's side, typed by the same contract.
    program(
      'typed-doubler.ts',
      `import { program } from ${JSON.stringify(CHILD_API)};
import { defineProgram } from ${JSON.stringify(CONTRACT_API)};
const self = program(defineProgram<${'{ params: { factor: number }; ready: { pid: number }; commands: { apply: { arg: number; result: number }; stop: object } }'}>('typed-doubler'));
const { factor } = self.params();
self.onCommand('apply', (n) => n * factor);
self.ready({ pid: process.pid });
await self.waitForCommand('stop');
`,
    );
    const lab = {
      id: 'typed', title: 't', summary: 's', order: 1, exports: [], dir,
      lessonPath: '', hintsPath: '', starterPath: '', solutionPath: '', graderPath: '',
      scenarios: {
        main: {
          title: 'typed',
          async run(ctx: import('../dist/src/lab/types.js').DemoContext) {
            const p = ctx.spawn('doubler', doubler, { params: { factor: 3 } });
            const { pid } = await p.ready();
            const answer: number = await p.command('apply', 14);
            await p.command('stop');
            if (false as boolean) {
              // @ts-expect-error: params must match the contract
              ctx.spawn('doubler', doubler, { params: { factor: 'three' } });
              // @ts-expect-error: the program has no such command
              await p.command('triple', 1);
              // @ts-expect-error: 'apply' takes a number
              await p.command('apply', 'fourteen');
            }
            return { pid, answer };
          },
        },
      },
    };
    const result = await runDemo(lab, { onLine: () => {} });
    expect(result.error).toBeUndefined();
    expect(result.summary.answer).toBe(42);
    expect(result.summary.pid).toBeGreaterThan(0);
  });
});
