/**
 * The grading harness with learner code of every shape a learner may write, through the real
 * pipeline: plain `import` in .ts/.mts/.js/.mjs files (and CommonJS .js) in a folder with no
 * package.json; a module that throws while loading (stack source-mapped to the learner's line);
 * a missing export; a crash inside a handler; a process that exits; a busy loop. Each is a
 * failed check with a message a learner can act on, never a crash of netlab.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabReport } from '../src/grade/types.js';
import { ROOT, failedChecks, gradeEntries, measurePace, tempDir } from './grade-support.js';

const solution = readFileSync(join(ROOT, 'labs/tcp-echo/exercise/solution.ts'), 'utf8');
/** The solution without type annotations: valid JavaScript. */
const solutionJs = solution.replace('(): net.Server', '()');

const files: Record<string, string> = {
  'as-ts/tcp-echo.ts': solution,
  'as-mts/tcp-echo.mts': solution,
  'as-js/tcp-echo.js': solutionJs,
  'as-mjs/tcp-echo.mjs': solutionJs,
  'as-cjs/tcp-echo.js': `const net = require('node:net');
exports.createEchoServer = function createEchoServer() {
  return net.createServer({ allowHalfOpen: true }, (socket) => {
    socket.pipe(socket);
    socket.on('error', () => socket.destroy());
  });
};
`,
  'import-crash/tcp-echo.ts': `import * as net from 'node:net';

const settings: { port: number } = JSON.parse('{ port: 7 }');

export function createEchoServer(): net.Server {
  return net.createServer((socket) => socket.pipe(socket));
}
`,
  'missing-export/tcp-echo.ts': `import * as net from 'node:net';

export function createServer(): net.Server {
  return net.createServer((socket) => socket.pipe(socket));
}
`,
  'handler-crash/tcp-echo.ts': `import * as net from 'node:net';

export function createEchoServer(): net.Server {
  return net.createServer({ allowHalfOpen: true }, (socket) => {
    socket.on('data', (chunk: Buffer) => {
      if (chunk.length > 0) throw new TypeError('cannot echo ' + chunk.length + ' bytes');
    });
  });
}
`,
  'exits/tcp-echo.ts': `import * as net from 'node:net';

export function createEchoServer(): net.Server {
  return net.createServer((socket) => {
    console.log('a client! bye.');
    process.exit(3);
  });
}
`,
  'noisy/tcp-echo.ts': `import * as net from 'node:net';

for (let i = 0; i < 50_000; i++) console.log('debug line', i, 'x'.repeat(40));

export function createEchoServer(): net.Server {
  return net.createServer({ allowHalfOpen: true }, (socket) => {
    socket.on('data', (chunk: Buffer) => console.log('got', chunk.length, 'bytes'));
    socket.pipe(socket);
    socket.on('error', () => socket.destroy());
  });
}
`,
  'busy-handler/tcp-echo.ts': `import * as net from 'node:net';

export function createEchoServer(): net.Server {
  return net.createServer({ allowHalfOpen: true }, (socket) => {
    socket.on('data', () => {
      for (;;) {
        /* waiting for something that never happens */
      }
    });
  });
}
`,
  'never-settles/tcp-echo.ts': `import * as net from 'node:net';

export function createEchoServer(): net.Server {
  // Waits for a server that never comes.
  return new Promise(() => {}) as unknown as net.Server;
}
`,
  // Its own module next to it and import.meta: loaded through netlab's module hooks (a module
  // that imports only Node's own is loaded without them, from a transpiled copy).
  'own-module/tcp-echo.ts': `import { echoOn } from './echo.js';

export const createEchoServer = () => echoOn(new URL(import.meta.url).protocol);
`,
  // What Ctrl-C does to the learner's process (the terminal signals netlab's whole process group).
  'ctrl-c/tcp-echo.ts': `import * as net from 'node:net';

export function createEchoServer(): net.Server {
  process.kill(process.pid, 'SIGINT');
  return net.createServer();
}
`,
};

const tmp = tempDir();
const paths = Object.keys(files).map((rel) => join(tmp.dir, rel));
let reports: LabReport[] = [];
/** The machine's pace the grading ran at: the bounds on its duration below scale by it, as its limits do. */
let pace = 1;
const report = (rel: string) => reports[Object.keys(files).indexOf(rel)]!;
/** Why every check of a lab failed alike: the lab's load error, else the first check's message. */
const whyNotLoaded = (r: LabReport) => r.loadError?.message ?? r.checks[0]!.message ?? '';
const check = (rel: string, id: string) => report(rel).checks.find((c) => c.id === id)!;

beforeAll(async () => {
  const { mkdirSync } = await import('node:fs');
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(tmp.dir, rel, '..'), { recursive: true });
    writeFileSync(join(tmp.dir, rel), content);
  }
  writeFileSync(
    join(tmp.dir, 'own-module/echo.ts'),
    `import * as net from 'node:net';

export function echoOn(protocol: string): net.Server {
  if (protocol !== 'file:') throw new Error('loaded from ' + protocol);
  return net.createServer({ allowHalfOpen: true }, (socket) => {
    socket.pipe(socket);
    socket.on('error', () => socket.destroy());
  });
}
`,
  );
  pace = await measurePace();
  reports = await gradeEntries(paths.map((file) => ({ lab: 'tcp-echo', file })), { pace });
}, 600_000);

afterAll(() => tmp.remove());

describe('a learner file with plain import, in a folder with no package.json', () => {
  test.each(['as-ts/tcp-echo.ts', 'as-mts/tcp-echo.mts', 'as-js/tcp-echo.js', 'as-mjs/tcp-echo.mjs', 'as-cjs/tcp-echo.js', 'own-module/tcp-echo.ts'])('%s passes every check', (rel) => {
    const r = report(rel);
    expect(r.file).toBe(join(tmp.dir, rel));
    expect(failedChecks(r), JSON.stringify(r.checks.filter((c) => c.status === 'failed').map((c) => c.message))).toEqual([]);
    expect(r.status).toBe('passed');
    expect(r.points.earned).toBe(r.points.possible);
  });
});

describe('learner code that fails', () => {
  test('a module that throws while loading: every check fails with the stack, at the learner\'s own line', () => {
    const r = report('import-crash/tcp-echo.ts');
    expect(r.status).toBe('failed');
    expect(failedChecks(r)).toHaveLength(r.checks.length);
    // Said once for the lab (the checks only say they did not run).
    const message = whyNotLoaded(r);
    expect(message).toMatch(/your module threw while it was loading/);
    expect(message).toMatch(/SyntaxError: .*JSON/);
    // Source-mapped: the line of JSON.parse in the .ts file, not in the transpiled code.
    expect(message).toContain(`${join(tmp.dir, 'import-crash/tcp-echo.ts')}:3:`);
    expect(message).not.toMatch(/src\/grade|node:internal/);
  });

  test('a missing export is named, with what the module exports instead', () => {
    const r = report('missing-export/tcp-echo.ts');
    expect(failedChecks(r)).toHaveLength(r.checks.length);
    expect(whyNotLoaded(r)).toMatch(/does not export a function named createEchoServer \(it exports: createServer\)/);
  });

  test('a crash in a handler fails the check with the learner\'s stack and the trace of that check', () => {
    const c = check('handler-crash/tcp-echo.ts', 'echoes-interactively');
    expect(c.status).toBe('failed');
    expect(c.message).toMatch(/your code crashed: TypeError: cannot echo 6 bytes/);
    expect(c.message).toContain(`${join(tmp.dir, 'handler-crash/tcp-echo.ts')}:6:`);
    const events = (c.trace ?? []).filter((l) => l.type === 'event').map((l) => `${l.actor} ${l.type === 'event' ? l.name : ''}`);
    expect(events).toContain('learner listening');
    expect(events).toContain('learner connection');
    expect(events).toContain('learner data');
    expect(events).toContain('client#1 connect');
  });

  test('a process that exits is reported as such, with what it printed', () => {
    const c = check('exits/tcp-echo.ts', 'echoes-interactively');
    expect(c.status).toBe('failed');
    expect(c.message).toMatch(/process ended by itself \(exited with code 3\)/);
    expect(c.output).toContain('a client! bye.');
    expect(report('exits/tcp-echo.ts').checks.find((x) => x.id === 'returns-server')!.status).toBe('passed');
  });

  test('a submission that prints a lot still grades (it is correct), in reasonable time, with its output kept short', () => {
    const r = report('noisy/tcp-echo.ts');
    expect(failedChecks(r), JSON.stringify(r.checks.map((c) => c.message))).toEqual([]);
    expect(r.durationMs).toBeLessThan(60_000 * pace);
  });

  test('a busy loop in a handler: the check fails as unresponsive, the rest fail at once instead of waiting', () => {
    const r = report('busy-handler/tcp-echo.ts');
    expect(r.status).toBe('failed');
    expect(r.checks.find((c) => c.id === 'returns-server')!.status).toBe('passed');
    const messages = r.checks.filter((c) => c.status === 'failed').map((c) => c.message ?? '');
    expect(messages.some((m) => /stopped responding: something blocks the event loop/.test(m)), messages.join('\n')).toBe(true);
    // Nothing waited for the lab's whole limit (60 s by default on a quiet machine).
    expect(r.durationMs).toBeLessThan(30_000 * pace);
    // The message speaks of the learner's code, not of the grader's internal operations.
    expect(messages.join('\n')).not.toMatch(/"(inspect|listen|close)"|netlab:/);
  });

  test('a learner process stopped by Ctrl-C is reported as interrupted, not as something their code did', () => {
    // The lab did not finish: no check failed, none passed, no load error, nothing to fix.
    const r = report('ctrl-c/tcp-echo.ts');
    expect(r.status).toBe('interrupted');
    expect(failedChecks(r)).toEqual([]);
    expect(r.loadError).toBeUndefined();
    expect(r.checks.filter((c) => c.interrupted).length).toBeGreaterThan(0);
    for (const c of r.checks) expect(c.interrupted || c.status === 'passed', `${c.id}: ${c.status} ${c.message ?? ''}`).toBe(true);
  });

  test('code that awaits something that never settles: the check says so, in the learner\'s terms', () => {
    const messages = report('never-settles/tcp-echo.ts').checks.filter((c) => c.status === 'failed').map((c) => c.message ?? '');
    expect(messages.some((m) => /your code did not answer within \d+ ms: an await \(or a callback\) that never comes\?/.test(m)), messages.join('\n')).toBe(true);
    expect(messages.join('\n')).not.toMatch(/"(inspect|listen|close)"|netlab:/);
  });
});

describe('which modules load without the module hooks', () => {
  test('only those that import nothing but Node\'s own modules, statically, and never use import.meta', async () => {
    const { importsOnlyBuiltins } = (await import(new URL('../dist/src/runtime/plain-module.js', import.meta.url).href)) as typeof import('../src/runtime/plain-module.js');
    expect(importsOnlyBuiltins('import * as net from "node:net";\nimport { once } from "events";\nimport "node:fs/promises";\nexport const x = 1;')).toBe(true);
    expect(importsOnlyBuiltins('export function f() { return 1; }')).toBe(true);
    for (const code of [
      'import { echo } from "./echo.js";',
      'import { request } from "undici";',
      'export * from "./other.js";',
      'const m = await import("node:net");',
      'console.log(import.meta.url);',
      'const net = require("node:net");',
      // A string that looks like an import is taken for one: the module keeps the hooks.
      'const s = "import \'x\'";',
    ]) {
      expect(importsOnlyBuiltins(code), code).toBe(false);
    }
  });
});
