/**
 * `netlab run tcp-echo --json` in each language: the narration (the orchestrator's notes and the
 * demo processes' own) speaks the chosen language, and an English run carries no Chinese.
 */
import { describe, expect, test } from 'vitest';
import { runCli } from '../../../test/helpers/cli.js';
import { parseNdjson } from '../../../src/trace/ndjson.js';

type Line = { type: string; actor?: string; text?: string; [k: string]: unknown };

const cjk = /[\u4e00-\u9fff]/;

/** The notes of one scenario's run under `lang`, as `actor: text`. */
async function notesIn(lang: string, scenario: string): Promise<string[]> {
  const r = await runCli(['--lang', lang, 'run', 'tcp-echo', '--json', '--scenario', scenario]);
  expect(r.code, r.stderr).toBe(0);
  return parseNdjson<Line>(r.stdout)
    .filter((l) => l.type === 'note')
    .map((l) => `${l.actor ?? ''}: ${l.text ?? ''}`);
}

describe('netlab run tcp-echo: narration in the chosen language', () => {
  test.each(['tour', 'half-close'])('%s: every note is Chinese under zh-CN, none is under en', async (scenario) => {
    // Given the same scenario run in Chinese and in English
    const zh = await notesIn('zh-CN', scenario);
    const en = await notesIn('en', scenario);
    // Then both tell the story from the orchestrator and from the demo processes
    expect(zh.some((n) => n.startsWith('netlab: '))).toBe(true);
    expect(zh.some((n) => !n.startsWith('netlab: '))).toBe(true);
    // And each Chinese note is Chinese, each English note has no Chinese, one for one
    expect(zh.filter((n) => !cjk.test(n))).toEqual([]);
    expect(en.filter((n) => cjk.test(n))).toEqual([]);
    expect(en.length).toBe(zh.length);
  });
});
