/**
 * `netlab grade` in Chinese, end to end on a broken tcp-echo: check titles, failure messages and
 * report text are Chinese, while the last line (`N passed, N failed`, read by CI), the JSON keys
 * and the GitHub annotation syntax stay as they are; in English nothing is Chinese.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './helpers/cli.js';
import { cleanEnv, tempDir } from './grade-support.js';
import { writeFixtureTo } from './helpers/fixtures.js';

const tmp = tempDir('netlab-grade-i18n-');
afterAll(() => tmp.remove());
const env = cleanEnv({ GITHUB_STEP_SUMMARY: undefined, GITHUB_OUTPUT: undefined, GITHUB_ACTIONS: undefined, LANG: 'C', LC_ALL: undefined, LC_MESSAGES: undefined });
const BAD = await writeFixtureTo('tcp-echo', 'bad--binary-safe--to-string', join(tmp.dir, 'bad.ts'));
const CJK = /[\u4e00-\u9fff]/;

function workspace(name: string): string {
  const dir = join(tmp.dir, name);
  mkdirSync(dir, { recursive: true });
  copyFileSync(BAD, join(dir, 'tcp-echo.ts'));
  return dir;
}

describe('netlab grade in zh-CN', () => {
  test('the pretty report: Chinese title, message and report text; the last line stays English', async () => {
    const dir = workspace('pretty-zh');
    const r = await runCli(['grade', 'tcp-echo', '--dir', dir], { env: { ...env, NETLAB_LANG: 'zh-CN' }, timeoutMs: 180_000 });
    expect(r.code, r.stderr).toBe(1);
    const block = r.stdout.slice(r.stdout.indexOf('✗ binary-safe'));
    expect(block).toMatch(/✗ binary-safe +原样回显/);
    // The message is wrapped to the terminal's width: compare it without the line breaks.
    expect(block.replace(/\n\s*/g, '')).toMatch(/你是不是把数据块转换成了字符串/);
    expect(block).toMatch(/这项检查的跟踪：/);
    expect(r.stdout).toMatch(/尚未通过 · \d+\/\d+ 项检查/);
    expect(r.stdout).toMatch(/^得分 \d+\/\d+/m);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/^\d+ passed, 1 failed$/);
  });

  test('--lang zh-CN works on grade; the json report keeps its keys and parses', async () => {
    const dir = workspace('json-zh');
    const r = await runCli(['grade', 'tcp-echo', '--dir', dir, '--reporter', 'json', '--lang', 'zh-CN'], { env, timeoutMs: 180_000 });
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as Record<string, unknown>;
    const text = JSON.stringify(report);
    expect(text).toMatch(/"status":"fail(ed)?"/);
    expect(text).toMatch(/你是不是把数据块转换成了字符串/);
    expect(Object.keys(report).every((key) => !CJK.test(key))).toBe(true);
  });

  test('github: annotations keep their syntax, the job summary is Chinese', async () => {
    const dir = workspace('github-zh');
    const summary = join(tmp.dir, 'summary-zh.md');
    const r = await runCli(['grade', 'tcp-echo', '--dir', dir, '--reporter', 'github'], {
      env: { ...env, NETLAB_LANG: 'zh-CN', GITHUB_STEP_SUMMARY: summary },
      timeoutMs: 180_000,
    });
    expect(r.code, r.stderr).toBe(1);
    const annotation = r.stdout.split('\n').find((l) => l.startsWith('::error '))!;
    expect(annotation).toMatch(/^::error file=[^,]*tcp-echo\.ts,line=\d+,title=tcp-echo › binary-safe \(0\/2\)::原样回显/);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/^\d+ passed, 1 failed$/);
    const md = readFileSync(summary, 'utf8');
    expect(md).toMatch(/\| 实验 \| 状态 \| 得分 \| 检查 \| 文件 \|/);
    expect(md).toMatch(/❌ 尚未通过/);
  });

  test('in English nothing is Chinese', async () => {
    const dir = workspace('pretty-en');
    const r = await runCli(['grade', 'tcp-echo', '--dir', dir], { env: { ...env, NETLAB_LANG: 'en' }, timeoutMs: 180_000 });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/did you convert the chunk to a string/);
    expect(r.stdout).not.toMatch(CJK);
  });
});

describe("the grade runner's own words in zh-CN (a file that does not load, a lab not started)", () => {
  function brokenWorkspace(name: string): string {
    const dir = join(tmp.dir, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'udp.ts'), 'export const createUdpServer = ;\n');
    copyFileSync(new URL('../labs/backpressure/exercise/starter.ts', import.meta.url), join(dir, 'backpressure.ts'));
    return dir;
  }

  test('junit: the syntax error, the checks that could not run and the untouched starter are said in Chinese', async () => {
    const dir = brokenWorkspace('runner-zh');
    const r = await runCli(['grade', 'udp', 'backpressure', '--dir', dir, '--reporter', 'junit', '--lang', 'zh-CN'], { env, timeoutMs: 180_000 });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/<failure type="load-error" message="[^"]*udp\.ts:1:32：语法错误：/);
    expect(r.stdout).toContain('message="未运行：udp.ts 没能加载');
    expect(r.stdout).toContain('<property name="reason" value="backpressure.ts 仍是初始文件：按其中 // TODO 注释的要求完成它，然后再评分"/>');
    expect(r.stdout).not.toMatch(/syntax error|did not load|is still the starter/);
  });

  test('in English the same report has no Chinese', async () => {
    const dir = brokenWorkspace('runner-en');
    const r = await runCli(['grade', 'udp', 'backpressure', '--dir', dir, '--reporter', 'junit'], { env: { ...env, NETLAB_LANG: 'en' }, timeoutMs: 180_000 });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/<failure type="load-error" message="[^"]*udp\.ts:1:32: syntax error: /);
    expect(r.stdout).toContain('message="not run: udp.ts did not load');
    expect(r.stdout).toContain('value="backpressure.ts is still the starter: make it do what its // TODO comments ask, then grade again"');
    expect(r.stdout).not.toMatch(CJK);
  });
});
