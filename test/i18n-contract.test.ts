/**
 * Completeness of the Chinese texts: every lab has a Chinese lesson, hints and titles; a
 * translated lesson or hints file has the English one's steps, one for one, with the same code
 * blocks (byte for byte), the same numbers and every inline code span of the English step
 * (API, event and option names stay as they are); every grader check has a title; the UI
 * catalogue has every key. A lab
 * without a translation fails here, listing what is missing: for zh-CN nothing may be missing.
 */
import { describe, expect, test } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { splitSections, type Section } from '../src/lab/lesson.js';
import type { LabTexts } from '../src/lab/texts.js';
import type { Lab } from '../src/lab/types.js';
import { en } from '../src/i18n/catalog/en.js';
import { zhCN } from '../src/i18n/catalog/zh-CN.js';
import type { Message } from '../src/i18n/messages.js';

const ROOT = join(import.meta.dirname, '..');
const { loadLabs } = (await import(new URL('../dist/src/lab/registry.js', import.meta.url).href)) as {
  loadLabs: (dir?: string, language?: string) => Promise<Lab[]>;
};
const labs = await loadLabs(undefined, 'en');
const LANG = 'zh-CN';

const source = (lab: Lab, file: string) => join(ROOT, 'labs', lab.id, file);

/** What must be the same in a step and its translation. */
function anatomy(section: Section) {
  const fences = [...section.body.matchAll(/^```[^\n]*\n[\s\S]*?^```/gm)].map((m) => m[0]);
  const prose = fences.reduce((text, fence) => text.replace(fence, ''), section.body);
  // An inline span may wrap onto the next line; where it wraps is not part of it.
  const inline = [...new Set([...prose.matchAll(/`([^`]+)`/g)].map((m) => m[1]!.replace(/\s+/g, ' ')))];
  const numbers = (prose.match(/\d+(?:\.\d+)?/g) ?? []).sort();
  return { fences, inline, numbers };
}

/** Differences between an English step file and its translation, as readable lines. */
function stepMismatches(file: string, english: string, translated: string): string[] {
  const a = splitSections(english);
  const b = splitSections(translated);
  if (a.length !== b.length) return [`${file}: ${b.length} steps, the English has ${a.length} (${a.map((s) => s.title).join(' | ')})`];
  const problems: string[] = [];
  a.forEach((step, i) => {
    const mine = anatomy(step);
    const theirs = anatomy(b[i]!);
    const where = `${file} step ${i + 1} ("${step.title}" / "${b[i]!.title}")`;
    if (b[i]!.body === '') problems.push(`${where}: empty`);
    if (JSON.stringify(mine.fences) !== JSON.stringify(theirs.fences)) problems.push(`${where}: code blocks differ from the English`);
    const lost = mine.inline.filter((code) => !theirs.inline.includes(code));
    if (lost.length) problems.push(`${where}: inline code missing: ${lost.map((c) => `\`${c}\``).join(', ')}`);
    if (JSON.stringify(mine.numbers) !== JSON.stringify(theirs.numbers)) {
      problems.push(`${where}: numbers differ: English [${mine.numbers.join(' ')}], translation [${theirs.numbers.join(' ')}]`);
    }
  });
  return problems;
}

/**
 * The check ids of a lab's grader: each `check('<id>', …)` that starts a line. An id that is
 * not a literal would be missed, so the ids found must be as many as the checks declared.
 */
function checkIds(lab: Lab): string[] {
  const grader = readFileSync(source(lab, 'grader.test.ts'), 'utf8');
  const ids = [...grader.matchAll(/^check\(\s*'([^']+)'/gm)].map((m) => m[1]!);
  const declared = grader.match(/^check\(/gm)?.length ?? 0;
  expect(ids.length, `${lab.id}: every check(…) of grader.test.ts has a literal 'id'`).toBe(declared);
  return ids;
}

/**
 * The failure messages of a grader that are English only: `fail('…')`, `what: '…'`, `note('…')`
 * with a bare string, and `{ en: … }` without its `'zh-CN'`. Said in both languages, they are
 * `fail({ en, 'zh-CN' })` or `msg({ en, 'zh-CN' })`.
 */
function englishOnlyMessages(lab: Lab): number {
  const grader = readFileSync(source(lab, 'grader.test.ts'), 'utf8');
  const bare = grader.match(/\b(?:fail|note)\(\s*['"`]|\bwhat: ['"`]/g)?.length ?? 0;
  const english = grader.match(/\ben: /g)?.length ?? 0;
  const chinese = grader.match(/'zh-CN': /g)?.length ?? 0;
  return bare + Math.max(0, english - chinese);
}

/** The keys of an object literal's top level: `{ a: 1, b: { c }, d }` → a, b, d. */
function topLevelKeys(literal: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let part = '';
  const take = () => {
    const m = /^\s*(?:'([^']+)'|"([^"]+)"|([A-Za-z_$][\w$]*))\s*(?::|$)/.exec(part);
    if (m) keys.push(m[1] ?? m[2] ?? m[3]!);
    part = '';
  };
  for (const ch of literal) {
    if ('{[('.includes(ch)) depth++;
    if ('}])'.includes(ch)) depth--;
    if (depth === 0 && ch === ',') take();
    else part += ch;
  }
  take();
  return keys;
}

/** The text of the object literal that starts at `open` (a `{`), without its braces. */
function literalAt(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    if (text[i] === '}' && --depth === 0) return text.slice(open + 1, i);
  }
  return '';
}

/**
 * The keys of a lab's demo summary that its demo tests (labs/<id>/test/*.test.ts) read:
 * `summary.peers`, `summary(lines).shutdowns`, `summary: { mode: … }`,
 * `summary).toMatchObject({ requests: … })`, `const { leaver } = ….summary`. Keys the pretty
 * summary does not show as `key: value` (`lines`, `skipped`, `packets`) are left out.
 */
function summaryKeysInDemoTests(lab: Lab): string[] {
  const dir = source(lab, 'test');
  if (!existsSync(dir)) return [];
  const keys = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.test.ts'))) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const m of text.matchAll(/\bsummary(?:\([^)]*\))?\.(?!to[A-Z])([A-Za-z_$][\w$]*)/g)) keys.add(m[1]!);
    for (const m of text.matchAll(/\bsummary(?:\([^)]*\))?\)*\.to(?:MatchObject|Equal)\(\{|\bsummary: \{/g)) {
      for (const key of topLevelKeys(literalAt(text, m.index + m[0].length - 1))) keys.add(key);
    }
    for (const m of text.matchAll(/const \{([^}=]*)\} = [^;\n]*\.summary\b/g)) for (const key of topLevelKeys(m[1]!)) keys.add(key);
  }
  for (const shown of ['lines', 'skipped', 'packets']) keys.delete(shown);
  return [...keys].sort();
}

// Every lab's grader says each failure message in each language: a lab added without them
// fails here (its messages would fall back to English for a Chinese learner).
describe(`grader failure messages in ${LANG}`, () => {
  test.each(labs.map((lab) => [lab.id, lab] as const))(`%s says every failure message in ${LANG} too`, (id, lab) => {
    expect(englishOnlyMessages(lab), `${id}: English-only messages in grader.test.ts`).toBe(0);
  });
});

describe.each(labs.map((lab) => [lab.id, lab] as const))(`lab %s in ${LANG}`, (_id, lab) => {
  test(`has every ${LANG} text (lesson, hints, title, summary, scenario titles, option descriptions, check titles)`, () => {
    const missing: string[] = [];
    for (const file of ['lesson', 'hints']) if (!existsSync(source(lab, `${file}.${LANG}.md`))) missing.push(`${file}.${LANG}.md`);
    const textsFile = source(lab, `texts.${LANG}.json`);
    if (!existsSync(textsFile)) missing.push(`texts.${LANG}.json`);
    const texts = existsSync(textsFile) ? (JSON.parse(readFileSync(textsFile, 'utf8')) as LabTexts) : {};
    if (!texts.title) missing.push(`texts.${LANG}.json: title`);
    if (!texts.summary) missing.push(`texts.${LANG}.json: summary`);
    for (const name of Object.keys(lab.scenarios)) if (!texts.scenarios?.[name]) missing.push(`texts.${LANG}.json: scenarios.${name}`);
    for (const name of Object.keys(lab.options ?? {})) if (!texts.options?.[name]) missing.push(`texts.${LANG}.json: options.${name}`);
    // A translated name that lab.ts does not have is a typo or a renamed scenario.
    for (const name of Object.keys(texts.scenarios ?? {})) if (!(name in lab.scenarios)) missing.push(`texts.${LANG}.json: scenarios.${name} is not a scenario of lab.ts`);
    for (const name of Object.keys(texts.options ?? {})) if (!(name in (lab.options ?? {}))) missing.push(`texts.${LANG}.json: options.${name} is not an option of lab.ts`);
    const checks = checkIds(lab);
    for (const id of checks) if (!texts.checks?.[id]) missing.push(`texts.${LANG}.json: checks.${id}`);
    for (const id of Object.keys(texts.checks ?? {})) if (!checks.includes(id)) missing.push(`texts.${LANG}.json: checks.${id} is not a check of grader.test.ts`);
    expect(missing, `${lab.id}: missing or stray ${LANG} texts`).toEqual([]);
  });

  test(`labels in ${LANG} every key of its demo summary that its demo tests read`, () => {
    const texts = JSON.parse(readFileSync(source(lab, `texts.${LANG}.json`), 'utf8')) as LabTexts;
    const unlabelled = summaryKeysInDemoTests(lab).filter((key) => !texts.summaryLabels?.[key]);
    expect(unlabelled, `${lab.id}: texts.${LANG}.json summaryLabels lacks these summary keys`).toEqual([]);
    for (const [key, label] of Object.entries(texts.summaryLabels ?? {})) expect(label.trim(), `summaryLabels.${key}`).not.toBe('');
  });

  test.each(['lesson', 'hints'])(`%s.${LANG}.md has the English steps, one for one`, (file) => {
    const translated = source(lab, `${file}.${LANG}.md`);
    expect(existsSync(translated), `${lab.id}: ${file}.${LANG}.md is missing`).toBe(true);
    const problems = stepMismatches(`${file}.${LANG}.md`, readFileSync(source(lab, `${file}.md`), 'utf8'), readFileSync(translated, 'utf8'));
    expect(problems, `${lab.id}: ${file}.${LANG}.md does not match ${file}.md`).toEqual([]);
  });
});

/**
 * Lines of a Chinese Markdown file where a paragraph continues on the next line: Markdown
 * renders that line break as a space, which Chinese text must not get between two characters.
 */
function softBreaks(markdown: string): number[] {
  const cjk = /[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]/;
  const lines = markdown.split('\n');
  const found: number[] = [];
  let fence = false;
  lines.forEach((line, i) => {
    if (line.startsWith('```')) fence = !fence;
    const next = lines[i + 1];
    if (fence || next === undefined || line.trim() === '' || next.trim() === '') return;
    if (/^\s*([-*+] |\d+\. |#|\||>|```)/.test(next) || line.startsWith('|')) return;
    if (cjk.test(line.trimEnd().slice(-1)) || cjk.test(next.trim()[0] ?? '')) found.push(i + 1);
  });
  return found;
}

describe.each(labs.map((lab) => [lab.id, lab] as const))(`lab %s: ${LANG} Markdown`, (_id, lab) => {
  test.each(['lesson', 'hints'])(`%s.${LANG}.md keeps each paragraph on one line`, (file) => {
    const path = source(lab, `${file}.${LANG}.md`);
    if (!existsSync(path)) return; // reported as missing above
    expect(softBreaks(readFileSync(path, 'utf8')), `${lab.id}: ${file}.${LANG}.md lines that continue a paragraph on the next line`).toEqual([]);
  });
});

describe(`the UI catalogue in ${LANG}`, () => {
  const slots = (message: Message) => [...new Set(JSON.stringify(message).match(/\{\w+\}/g) ?? [])].sort();
  const categories = new Intl.PluralRules(LANG).resolvedOptions().pluralCategories;

  test('has every key of the English catalogue, with the same {slots}', () => {
    const missing = Object.keys(en).filter((key) => !(key in zhCN));
    expect(missing, `keys missing in ${LANG}`).toEqual([]);
    for (const [key, message] of Object.entries(zhCN)) {
      expect(slots(message as Message), `${key}: slots`).toEqual(slots(en[key as keyof typeof en]));
    }
  });

  test(`a plural message has every form ${LANG} uses (${categories.join(', ')})`, () => {
    for (const [key, message] of Object.entries(zhCN)) {
      if (typeof message === 'string') continue;
      for (const category of categories) expect(message, `${key}.${category}`).toHaveProperty(category);
    }
  });
});
