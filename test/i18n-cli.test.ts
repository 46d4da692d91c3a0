/**
 * The CLI in the chosen language: `--lang`, NETLAB_LANG and the locale reach the help, the
 * lab list, scenario titles and usage errors; English users see no Chinese; Chinese help
 * still fits 80 columns.
 */
import { describe, expect, test } from 'vitest';
import stringWidth from 'string-width';
import { runCli } from './helpers/cli.js';

const HAN = /\p{Script=Han}/u;
// The test worker's own locale must not choose for these runs.
const neutral = { LC_ALL: undefined, LC_MESSAGES: undefined, LANG: 'C.UTF-8', NETLAB_LANG: undefined };

describe('choosing the language on the command line and in the environment', () => {
  test('Given NETLAB_LANG=zh-CN, when listing, then the titles and summaries are Chinese', async () => {
    const r = await runCli(['list'], { env: { ...neutral, NETLAB_LANG: 'zh-CN' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('TCP 回显服务器');
    expect(r.stdout).toContain('UDP 数据报');
    expect(r.stdout).not.toContain('TCP echo server');
    expect(r.stdout).toContain('○ 未开始');
    expect(r.stdout).toMatch(/已通过 0\/\d+。/);
  });

  test('Given LANG=zh_CN.UTF-8, when asking for help, then it is Chinese', async () => {
    const r = await runCli(['--help'], { env: { ...neutral, LANG: 'zh_CN.UTF-8' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('用法');
    expect(r.stdout).toContain('按顺序列出所有实验及你的进度');
  });

  test('Given --lang zh-CN after the command, then the scenario titles are Chinese', async () => {
    const r = await runCli(['run', 'udp', '--scenario', 'help', '--lang', 'zh-CN'], { env: neutral });
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).toContain('一个客户端套接字，两个服务器');
  });

  test('--lang en beats a Chinese locale; an English user sees no Chinese', async () => {
    for (const [args, env] of [
      [['--help', '--lang', 'en'], { ...neutral, LANG: 'zh_CN.UTF-8' }],
      [['--help'], neutral],
      [['list'], { ...neutral, LANG: 'en_US.UTF-8' }],
      [['run', 'tcp-echo', '--scenario', 'help'], neutral],
    ] as const) {
      const r = await runCli([...args], { env });
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout + r.stderr, args.join(' ')).not.toMatch(HAN);
    }
  });

  test('usage errors and "did you mean" are Chinese, with the usual exit code 2', async () => {
    const unknownLab = await runCli(['run', 'udpp', '--lang', 'zh-CN'], { env: neutral });
    expect(unknownLab.code).toBe(2);
    expect(unknownLab.stderr).toContain('你是想输入 "udp" 吗？');
    const badChoice = await runCli(['grade', '--reporter', 'xml', '--lang', 'zh-CN'], { env: neutral });
    expect(badChoice.code).toBe(2);
    expect(badChoice.stderr).toContain("选项 '--reporter <reporter>' 的参数值 'xml' 无效");
    const unknownOption = await runCli(['list', '--bogus'], { env: { ...neutral, NETLAB_LANG: 'zh-CN' } });
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toContain("未知选项 '--bogus'");
  });

  test('Chinese help fits 80 columns, measured in terminal columns', async () => {
    for (const command of [[], ['run'], ['grade'], ['watch'], ['start']]) {
      const r = await runCli([...command, '--help', '--lang', 'zh-CN'], { env: neutral });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(HAN);
      const wide = r.stdout.split('\n').filter((line) => stringWidth(line) > 80);
      expect(wide, `netlab ${command.join(' ')} --help`).toEqual([]);
    }
  });
});

describe('hints in the chosen language', () => {
  test('Given zh-CN, netlab hint shows the Chinese hint, in the same place of the list as the English one', async () => {
    const zh = await runCli(['hint', 'udp', '--lang', 'zh-CN'], { env: neutral });
    const en = await runCli(['hint', 'udp'], { env: neutral });
    expect(zh.code).toBe(0);
    expect(zh.stdout).toContain('提示 1/');
    expect(zh.stdout).toContain('回复发往哪里？');
    // Same number of hints: the progress that counts them means the same in both languages.
    expect(/提示 1\/(\d+)/.exec(zh.stdout)![1]).toBe(/Hint 1 of (\d+)/.exec(en.stdout)![1]);
    expect(en.stdout).not.toMatch(HAN);
  });
});

describe('netlab init in the chosen language', () => {
  test('Given zh-CN, the workspace README is Chinese, with the labs’ Chinese titles; in English it has no Chinese', async () => {
    const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'netlab-i18n-init-'));
    try {
      expect((await runCli(['init', join(dir, 'zh'), '--lang', 'zh-CN'], { env: neutral })).code).toBe(0);
      const zh = readFileSync(join(dir, 'zh', 'README.md'), 'utf8');
      expect(zh).toContain('# 我的 netlab 练习');
      expect(zh).toContain('| `udp.ts` | UDP 数据报 | `netlab run udp` |');
      expect((await runCli(['init', join(dir, 'en')], { env: neutral })).code).toBe(0);
      expect(readFileSync(join(dir, 'en', 'README.md'), 'utf8')).not.toMatch(HAN);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('grading in the chosen language', () => {
  test('Given zh-CN, a failing check is reported under its Chinese title; ids and JSON keys stay', async () => {
    const { mkdtempSync, readFileSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'netlab-i18n-grade-'));
    try {
      const ws = join(dir, 'ws');
      expect((await runCli(['init', ws], { env: neutral })).code).toBe(0);
      // The reference solution with the wrong prefix: the mistake ack-format catches.
      const solution = readFileSync(new URL('../labs/udp/exercise/solution.ts', import.meta.url), 'utf8');
      writeFileSync(join(ws, 'udp.ts'), solution.replaceAll("'ack:'", "'nak:'"));
      const r = await runCli(['grade', 'udp', '--dir', ws, '--reporter', 'json', '--lang', 'zh-CN'], { env: neutral, timeoutMs: 120_000 });
      expect(r.code).toBe(1);
      const report = JSON.parse(r.stdout) as { labs: Array<{ id: string; title: string }>; tests: Array<{ lab: string; id: string; name: string; status: string }> };
      expect(report.labs.find((l) => l.id === 'udp')!.title).toBe('UDP 数据报');
      const ack = report.tests.find((c) => c.lab === 'udp' && c.id === 'ack-format')!;
      expect(ack.status).toBe('fail');
      expect(ack.name).toBe('udp › 回复是字节 "ack:" 后面恰好跟着收到的字节');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);
});

describe('a demo run in the chosen language', () => {
  test('Given zh-CN, the title and the summary after the trace are Chinese; the keys stay in --json; English shows the keys', async () => {
    const zh = await runCli(['run', 'udp', '--lang', 'zh-CN'], { env: neutral, timeoutMs: 60_000 });
    expect(zh.code, zh.stderr).toBe(0);
    expect(zh.stdout).toContain('— 场景 "tour"：');
    const summary = zh.stdout.slice(zh.stdout.lastIndexOf('\n\n'));
    expect(summary).toMatch(/^服务器: 127\.0\.0\.1:\d+$/m);
    expect(summary).toContain('\n对端数: 3\n');
    expect(summary).toContain('\n数据报数: 6\n');
    expect(summary).toContain('✓ udp / tour 已完成');
    expect(summary).not.toMatch(/^(server|peers|datagrams):/m);

    const json = await runCli(['run', 'udp', '--json', '--lang', 'zh-CN'], { env: neutral, timeoutMs: 60_000 });
    const result = JSON.parse(json.stdout.trim().split('\n').at(-1)!) as { summary: Record<string, unknown> };
    expect(Object.keys(result.summary)).toEqual(['server', 'peers', 'datagrams']);

    const en = await runCli(['run', 'udp'], { env: neutral, timeoutMs: 60_000 });
    expect(en.code, en.stderr).toBe(0);
    expect(en.stdout).toContain(' — scenario "tour": ');
    expect(en.stdout).toMatch(/\n\nserver: 127\.0\.0\.1:\d+\npeers: 3\ndatagrams: 6\n✓ udp \/ tour finished\n$/);
    expect(en.stdout + en.stderr).not.toMatch(HAN);
  }, 150_000);
});

describe("the commands' own lines and errors in the chosen language", () => {
  test('Given zh-CN: init, reset, solution, a missing workspace, a demo option, start without a terminal; in English no Chinese', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'netlab-i18n-commands-'));
    const zh = { env: { ...neutral, NETLAB_LANG: 'zh-CN' }, cwd: dir };
    const en = { env: { ...neutral, NETLAB_LANG: 'en' }, cwd: dir };
    try {
      const init = await runCli(['init', 'ws'], zh);
      expect(init.code, init.stderr).toBe(0);
      expect(init.stdout).toMatch(/^已创建 ws\/，包含：\n/);
      expect(init.stdout).toContain('\n接下来：\n');
      const again = await runCli(['init', 'ws'], zh);
      expect(again.stdout).toMatch(/^已跳过（已经存在；netlab 从不覆盖你的文件）：\n/);
      expect(again.stdout).toContain('无事可做：ws/ 已经有所有文件。');
      const reset = await runCli(['reset', 'udp', '--dir', 'ws'], zh);
      expect(reset.stdout).toMatch(/^已重置 ws\/udp\.ts，恢复为 udp 的初始文件。\n你之前的文件保存在 /);
      const solution = await runCli(['solution', 'udp', '--dir', 'ws'], zh);
      expect(solution.stderr).toContain('udp 的参考答案在你的练习通过之后才会打开');
      const noWorkspace = await runCli(['grade', '--dir', 'nowhere'], zh);
      expect(noWorkspace.code).toBe(2);
      expect(noWorkspace.stderr).toBe('netlab: nowhere 处没有工作区：运行 `netlab init nowhere` 创建一个，每个实验一个初始文件\n');
      const option = await runCli(['run', 'udp', '--set', 'nope=1'], zh);
      expect(option.code).toBe(2);
      expect(option.stderr).toBe('netlab: 实验 udp 没有名为 "nope" 的选项\n');
      const start = await runCli(['start'], zh);
      expect(start.code).toBe(2);
      expect(start.stderr).toContain('netlab start 是交互式的，需要一个终端');
      expect(start.stderr).toMatch(/^没有终端时，可以用： {2}netlab list {12}所有实验和你的进度$/m);

      for (const args of [['init', 'ws'], ['reset', 'udp', '--dir', 'ws'], ['solution', 'udp', '--dir', 'ws'], ['grade', '--dir', 'nowhere'], ['run', 'udp', '--set', 'nope=1'], ['start']]) {
        const r = await runCli(args, en);
        expect(r.stdout + r.stderr, args.join(' ')).not.toMatch(HAN);
      }
      expect((await runCli(['grade', '--dir', 'nowhere'], en)).stderr).toBe(
        'netlab: no workspace at nowhere: run `netlab init nowhere` to create one with a starter for each lab\n',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
