/**
 * Choosing a language and speaking it: the order of the sources, the nearest supported
 * language, messages with values and plurals, and the per-text fallback to English (catalogue
 * messages, lesson and hint files, a lab's titles).
 */
import { afterAll, describe, expect, test } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveLanguage, matchLanguage } from '../src/i18n/language.js';
import { translator, loadTranslation, setLanguage, currentLanguage, t } from '../src/i18n/messages.js';
import { textWidth, padEnd } from '../src/i18n/width.js';
import { readSections } from '../src/lab/lesson.js';
import { localizedPath, localizeLab, readLabTexts } from '../src/lab/texts.js';
import { loadLabs } from '../src/lab/registry.js';

const temp = mkdtempSync(join(tmpdir(), 'netlab-i18n-test-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('resolveLanguage: --lang, then NETLAB_LANG, then LC_ALL / LC_MESSAGES / LANG, else English', () => {
  test.each([
    ['nothing set', [], {}, 'en'],
    ['LANG=zh_CN.UTF-8', [], { LANG: 'zh_CN.UTF-8' }, 'zh-CN'],
    ['LANG=en_US.UTF-8', [], { LANG: 'en_US.UTF-8' }, 'en'],
    ['Traditional Chinese locale: nearest is zh-CN', [], { LANG: 'zh_TW.UTF-8' }, 'zh-CN'],
    ['bare zh', [], { LANG: 'zh' }, 'zh-CN'],
    ['zh-Hans (script subtag)', [], { NETLAB_LANG: 'zh-Hans' }, 'zh-CN'],
    ['an unknown language means English', [], { LANG: 'fr_FR.UTF-8' }, 'en'],
    ['LC_ALL beats LC_MESSAGES and LANG', [], { LC_ALL: 'en_GB.UTF-8', LC_MESSAGES: 'zh_CN.UTF-8', LANG: 'zh_CN.UTF-8' }, 'en'],
    ['LC_MESSAGES beats LANG', [], { LC_MESSAGES: 'zh_CN.UTF-8', LANG: 'en_US.UTF-8' }, 'zh-CN'],
    ['LC_ALL=C says nothing: LANG decides', [], { LC_ALL: 'C', LANG: 'zh_CN.UTF-8' }, 'zh-CN'],
    ['C.UTF-8 says nothing either', [], { LC_ALL: 'C.UTF-8', LANG: 'zh_CN.UTF-8' }, 'zh-CN'],
    ['NETLAB_LANG beats the locale', [], { NETLAB_LANG: 'en', LANG: 'zh_CN.UTF-8' }, 'en'],
    ['--lang beats NETLAB_LANG', ['list', '--lang', 'zh-CN'], { NETLAB_LANG: 'en' }, 'zh-CN'],
    ['--lang=tag form', ['--lang=zh-cn', 'list'], {}, 'zh-CN'],
    ['--lang en beats a Chinese locale', ['--lang', 'en'], { LANG: 'zh_CN.UTF-8' }, 'en'],
    ['a --lang after -- is an argument, not the option', ['run', '--', '--lang', 'zh-CN'], {}, 'en'],
  ] as const)('%s', (_what, argv, env, expected) => {
    expect(resolveLanguage(argv, env)).toBe(expected);
  });

  test('matchLanguage knows POSIX and BCP 47 spellings', () => {
    expect(matchLanguage('zh_CN.GB18030')).toBe('zh-CN');
    expect(matchLanguage('zh-Hant-HK')).toBe('zh-CN');
    expect(matchLanguage('en@euro')).toBe('en');
    expect(matchLanguage('POSIX')).toBeUndefined();
    expect(matchLanguage('de')).toBeUndefined();
  });
});

describe('messages', () => {
  test('Given a message with slots, when translated, then the values are put in', () => {
    const en = translator('en');
    expect(en('grade.notStarted', { lab: 'udp', file: 'udp.ts' })).toBe('udp: not started (create udp.ts with `netlab init`)');
  });

  test('plurals come from Intl.PluralRules: English has one/other, Chinese one form', async () => {
    const en = translator('en');
    expect(en('grade.checks', { count: 1 })).toBe('1 check');
    expect(en('grade.checks', { count: 0 })).toBe('0 checks');
    expect(en('grade.checks', { count: 7 })).toBe('7 checks');
    const zh = translator('zh-CN', await loadTranslation('zh-CN'));
    expect(zh('grade.checks', { count: 1 })).toBe('1 项检查');
    expect(zh('grade.checks', { count: 7 })).toBe('7 项检查');
  });

  test('a text missing in a translation falls back to English for that text alone', () => {
    const partial = translator('zh-CN', { 'list.empty': '没有找到任何实验' });
    expect(partial('list.empty')).toBe('没有找到任何实验');
    expect(partial('hint.none', { lab: 'udp' })).toBe('lab udp has no hints');
  });

  test('t() speaks the language setLanguage chose', async () => {
    await setLanguage('en');
    expect(currentLanguage()).toBe('en');
    expect(t('list.empty')).toBe('no labs found');
    expect(await loadTranslation('en')).toEqual({});
    await setLanguage('zh-CN');
    try {
      expect(t('list.empty')).toBe('没有找到任何实验');
    } finally {
      await setLanguage('en');
    }
    expect(t('list.empty')).toBe('no labs found');
  });

  test('Given no choice yet, the language comes from the environment (NETLAB_LANG, LANG…)', async () => {
    const { spawnSync } = await import('node:child_process');
    const script = `import('./dist/src/i18n/messages.js').then((m) => console.log(m.currentLanguage()))`;
    const ask = (env: NodeJS.ProcessEnv) => spawnSync(process.execPath, ['-e', script], { cwd: join(import.meta.dirname, '..'), env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' }).stdout.trim();
    expect(ask({ LANG: 'zh_CN.UTF-8' })).toBe('zh-CN');
    expect(ask({ NETLAB_LANG: 'en', LANG: 'zh_CN.UTF-8' })).toBe('en');
    expect(ask({ LANG: 'C.UTF-8' })).toBe('en');
  });

  test('width: a CJK character takes two columns', () => {
    expect(textWidth('套接字')).toBe(6);
    expect(padEnd('握手', 6)).toBe('握手  ');
  });
});

describe("a lab's translated files, each falling back to English on its own", () => {
  const lab = join(temp, 'labs', 'demo-lab');
  mkdirSync(lab, { recursive: true });
  writeFileSync(join(lab, 'lesson.md'), '## One\nfirst\n\n## Two\nsecond\n');
  writeFileSync(join(lab, 'lesson.zh-CN.md'), '## 第一步\n一\n\n## 第二步\n二\n');
  writeFileSync(join(lab, 'hints.md'), '## Hint\nread the docs\n');
  writeFileSync(
    join(lab, 'lab.js'),
    `export default { id: 'demo-lab', title: 'Demo', summary: 'a demo', order: 1, exports: [],
       scenarios: { tour: { title: 'the tour', run() {} }, other: { title: 'another', run() {} } },
       options: { n: { description: 'how many', default: '1' } } };\n`,
  );
  writeFileSync(join(lab, 'texts.zh-CN.json'), JSON.stringify({ title: '演示', scenarios: { tour: '导览' }, options: { n: '数量' } }));

  test('Given lesson.zh-CN.md, then the Chinese lesson; given no hints.zh-CN.md, then the English hints', () => {
    expect(readSections(join(lab, 'lesson.md'), 'zh-CN').map((s) => s.title)).toEqual(['第一步', '第二步']);
    expect(readSections(join(lab, 'lesson.md'), 'en').map((s) => s.title)).toEqual(['One', 'Two']);
    expect(localizedPath(join(lab, 'hints.md'), 'zh-CN')).toBe(join(lab, 'hints.md'));
    expect(readSections(join(lab, 'hints.md'), 'zh-CN')[0]!.body).toBe('read the docs');
  });

  test('Given texts.zh-CN.json, then the lab speaks Chinese where translated and English elsewhere', async () => {
    const [zh] = await loadLabs(join(temp, 'labs'), 'zh-CN');
    expect(zh!.title).toBe('演示');
    expect(zh!.summary).toBe('a demo');
    expect(zh!.scenarios.tour!.title).toBe('导览');
    expect(zh!.scenarios.other!.title).toBe('another');
    expect(zh!.options!.n).toEqual({ description: '数量', default: '1' });
    expect(typeof zh!.scenarios.tour!.run).toBe('function');
    const [en] = await loadLabs(join(temp, 'labs'), 'en');
    expect(en!.title).toBe('Demo');
    expect(en!.scenarios.tour!.title).toBe('the tour');
  });

  test('localizeLab leaves the English definition untouched', () => {
    const english = { title: 'T', summary: 'S', scenarios: { a: { title: 'A' } } };
    const zh = localizeLab(english, readLabTexts(lab, 'zh-CN'));
    expect(zh.title).toBe('演示');
    expect(english.title).toBe('T');
    expect(readLabTexts(lab, 'en')).toEqual({});
  });
});
