/**
 * `netlab grade --reporter junit|github`, `netlab watch` and `netlab reset`, end to end: the
 * JUnit XML parses and carries points and failures; the github reporter writes annotations on
 * the learner's file, a job summary and a GitHub Classroom result; watch grades again after a
 * save (file events and polling) and quits cleanly; reset keeps the learner's file.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { childrenOf, collect, isAlive, runCli, startCli } from './helpers/cli.js';
import { ROOT, cleanEnv, tempDir } from './grade-support.js';
import { writeFixtureTo } from './helpers/fixtures.js';

const tmp = tempDir('netlab-reporters-');
afterAll(() => tmp.remove());
const env = cleanEnv({ GITHUB_STEP_SUMMARY: undefined, GITHUB_OUTPUT: undefined, GITHUB_ACTIONS: undefined });
const BAD = await writeFixtureTo('tcp-echo', 'bad--binary-safe--to-string', join(tmp.dir, 'bad.ts'));
const SOLUTION = join(ROOT, 'labs/tcp-echo/exercise/solution.ts');

function workspace(name: string, file?: string): string {
  const dir = join(tmp.dir, name);
  mkdirSync(dir, { recursive: true });
  if (file) copyFileSync(file, join(dir, 'tcp-echo.ts'));
  return dir;
}

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** A strict little XML parser: well-formedness (nesting, quoting, entities) or an exception. */
function parseXml(source: string): XmlElement {
  let i = 0;
  const decode = (s: string) => {
    if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);)/i.test(s)) throw new Error(`bad entity in ${JSON.stringify(s.slice(0, 40))}`);
    if (/[<]/.test(s)) throw new Error('raw < in text');
    return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
  };
  if (source.startsWith('<?xml')) i = source.indexOf('?>') + 2;
  const stack: XmlElement[] = [{ name: '#root', attrs: {}, children: [], text: '' }];
  while (i < source.length) {
    const lt = source.indexOf('<', i);
    const text = source.slice(i, lt === -1 ? source.length : lt);
    stack.at(-1)!.text += decode(text);
    if (lt === -1) break;
    const gt = source.indexOf('>', lt);
    if (gt === -1) throw new Error('unclosed tag');
    const tag = source.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.startsWith('/')) {
      const open = stack.pop()!;
      if (open.name !== tag.slice(1).trim()) throw new Error(`</${tag.slice(1)}> closes <${open.name}>`);
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const m = /^([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*\/?$/.exec(tag);
    if (!m) throw new Error(`malformed tag <${tag.slice(0, 60)}>`);
    const attrs: Record<string, string> = {};
    for (const a of m[2]!.matchAll(/([A-Za-z_][\w.-]*)="([^"]*)"/g)) {
      if (a[1]! in attrs) throw new Error(`duplicate attribute ${a[1]}`);
      attrs[a[1]!] = decode(a[2]!);
    }
    const el: XmlElement = { name: m[1]!, attrs, children: [], text: '' };
    stack.at(-1)!.children.push(el);
    if (!selfClosing) stack.push(el);
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack.at(-1)!.name}>`);
  if (stack[0]!.children.length !== 1) throw new Error('not exactly one root element');
  return stack[0]!.children[0]!;
}

describe('--reporter junit', () => {
  test('valid XML: a suite per lab with points, a failure with the message and trace, a not-started lab as failures', async () => {
    const dir = workspace('junit', BAD);
    const out = join(tmp.dir, 'out/junit.xml');
    const r = await runCli(['grade', 'tcp-echo', 'udp', '--dir', dir, '--reporter', 'junit', '--output', out], { env, timeoutMs: 180_000 });
    expect(r.code, r.stderr).toBe(1);
    const root = parseXml(readFileSync(out, 'utf8'));
    expect(root.name).toBe('testsuites');
    const [echo, udp] = root.children;
    expect(echo!.attrs.name).toMatch(/^tcp-echo: /);
    const props = Object.fromEntries(echo!.children.find((c) => c.name === 'properties')!.children.map((p) => [p.attrs.name, p.attrs.value]));
    expect(props).toMatchObject({ status: 'failed', 'points.possible': expect.stringMatching(/^\d+$/) });
    expect(Number(props['points.earned'])).toBe(Number(props['points.possible']) - 2);
    const cases = echo!.children.filter((c) => c.name === 'testcase');
    expect(Number(echo!.attrs.tests)).toBe(cases.length);
    expect(echo!.attrs.failures).toBe('1');
    const failing = cases.filter((c) => c.children.some((x) => x.name === 'failure'));
    expect(failing).toHaveLength(1);
    expect(failing[0]!.attrs.name).toMatch(/^binary-safe: /);
    const failure = failing[0]!.children.find((x) => x.name === 'failure')!;
    expect(failure.attrs.message).toMatch(/did you convert the chunk to a string.*\(points 0\/2\)$/);
    expect(failure.text).toMatch(/trace of this check:/);
    expect(failure.text).toMatch(/learner +net\.Socket#1 +data/);
    expect(udp!.attrs.name).toMatch(/^udp: /);
    const udpCases = udp!.children.filter((c) => c.name === 'testcase');
    expect(udpCases.length).toBeGreaterThan(0);
    for (const c of udpCases) expect(c.children.find((x) => x.name === 'failure')?.attrs.type).toBe('not-started');
    expect(Number(root.attrs.failures)).toBe(1 + udpCases.length);
  }, 180_000);
});

describe('--reporter github', () => {
  test('annotations on the learner file, a Markdown job summary, and a GitHub Classroom result with points per check', async () => {
    const dir = workspace('github', BAD);
    const summary = join(tmp.dir, 'step-summary.md');
    const outputs = join(tmp.dir, 'github-output');
    writeFileSync(outputs, 'earlier=1\n');
    const r = await runCli(['grade', 'tcp-echo', '--dir', 'github', '--reporter', 'github'], {
      env: { ...env, GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: outputs },
      cwd: tmp.dir,
      timeoutMs: 180_000,
    });
    expect(r.code, r.stderr).toBe(1);
    const annotation = r.stdout.split('\n').find((l) => l.startsWith('::error '))!;
    expect(annotation).toMatch(/^::error file=github\/tcp-echo\.ts,line=\d+,title=tcp-echo › binary-safe \(0\/2\)::/);
    expect(annotation).toMatch(/did you convert the chunk to a string/);
    expect(annotation).not.toMatch(/\n/);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/^\d+ passed, 1 failed$/);

    const md = readFileSync(summary, 'utf8');
    expect(md).toMatch(/^## netlab: \d+\/\d+ points/);
    expect(md).toMatch(/\| tcp-echo \| ❌ not yet \| \d+\/\d+ \|/);
    expect(md).toMatch(/<details><summary>❌ tcp-echo › binary-safe<\/summary>/);

    const lines = readFileSync(outputs, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('earlier=1');
    const result = JSON.parse(Buffer.from(lines[1]!.replace(/^result=/, ''), 'base64').toString('utf8'));
    expect(result.status).toBe('fail');
    const earned = result.tests.reduce((n: number, t: { score: number }) => n + t.score, 0);
    expect(earned).toBe(result.max_score - 2);
    expect(result.tests.find((t: { name: string }) => /binary-safe/.test(t.name))).toMatchObject({ status: 'fail', score: 0 });
  }, 180_000);
});

describe('netlab reset', () => {
  test('puts the starter back and keeps the learner file as a backup', async () => {
    const dir = workspace('reset');
    writeFileSync(join(dir, 'tcp-echo.mjs'), '// my attempt\n');
    const r = await runCli(['reset', 'tcp-echo', '--dir', dir], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'tcp-echo.ts'), 'utf8')).toBe(readFileSync(join(ROOT, 'labs/tcp-echo/exercise/starter.ts'), 'utf8'));
    expect(existsSync(join(dir, 'tcp-echo.mjs'))).toBe(false);
    const backups = readdirSync(join(dir, '.netlab/backups'));
    expect(backups).toHaveLength(1);
    expect(backups[0]).toMatch(/^tcp-echo-.*\.mjs$/);
    expect(readFileSync(join(dir, '.netlab/backups', backups[0]!), 'utf8')).toBe('// my attempt\n');
    expect(r.stdout).toMatch(/Your previous file is kept at .*\.netlab\/backups\/tcp-echo-/);
  });
});

describe('netlab watch', () => {
  test.each([
    ['file events', [] as string[]],
    ['polling', ['--poll']],
  ])('grades, grades again after a save (%s), and quits cleanly on SIGINT with nothing left behind', async (_how, flags) => {
    const dir = workspace(`watch-${flags.length}`, BAD);
    const child = startCli(['watch', 'tcp-echo', '--dir', dir, ...flags], { env });
    let stdout = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    const waitFor = (re: RegExp, count: number, ms = 120_000) =>
      new Promise<void>((resolve, reject) => {
        const started = Date.now();
        const tick = setInterval(() => {
          if ((stdout.match(re) ?? []).length >= count) {
            clearInterval(tick);
            resolve();
          } else if (Date.now() - started > ms || child.exitCode !== null) {
            clearInterval(tick);
            reject(new Error(`no ${re} (×${count}) in:\n${stdout}`));
          }
        }, 50);
      });
    await waitFor(/^\d+ passed, 1 failed$/gm, 1);
    copyFileSync(SOLUTION, join(dir, 'tcp-echo.ts'));
    await waitFor(/^\d+ passed, 0 failed$/gm, 1);
    expect(stdout).toMatch(flags.length ? /polling/ : /file events/);
    const kids = await childrenOf(child.pid!);
    const exited = collect(child, 20_000);
    child.kill('SIGINT');
    const r = await exited;
    expect(r.code).toBe(0);
    expect(stdout + r.stdout).toMatch(/bye/);
    for (const pid of kids) expect(isAlive(pid), `child ${pid} is gone`).toBe(false);
  }, 240_000);
});

