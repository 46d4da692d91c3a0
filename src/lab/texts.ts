/**
 * A lab's texts in other languages, beside the English ones in the lab's folder:
 *   lesson.<lang>.md, hints.<lang>.md   the lesson and hints, same "## " steps as the English
 *   texts.<lang>.json                   title, summary, scenario titles, option descriptions
 * Every text falls back to English on its own: a missing file, or a missing entry in the JSON.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { Language } from '../i18n/language.js';

/** `texts.<lang>.json`: what lab.ts says in English, translated. Every field optional. */
export interface LabTexts {
  /** The lab's title. */
  title?: string;
  /** Its one line for `netlab list`. */
  summary?: string;
  /** Scenario titles, by scenario name (the key in lab.ts's `scenarios`). */
  scenarios?: Record<string, string>;
  /** Option descriptions, by option name (the key in lab.ts's `options`). */
  options?: Record<string, string>;
  /** Grader check titles, by check id (the first argument of `check()` in grader.test.ts). */
  checks?: Record<string, string>;
  /**
   * Labels of the demo's result summary, by key (the keys of the object a scenario resolves
   * with): `netlab run` shows `对端数: 3` where English shows `peers: 3`. `--json` keeps the keys.
   */
  summaryLabels?: Record<string, string>;
}

/** `dir/lesson.md` in `language`: `dir/lesson.zh-CN.md` when it exists, else the English file. */
export function localizedPath(path: string, language: Language): string {
  if (language === 'en') return path;
  const ext = extname(path);
  const translated = join(dirname(path), `${basename(path, ext)}.${language}${ext}`);
  return existsSync(translated) ? translated : path;
}

/** The translated texts of the lab in `dir` (empty for English or when the lab has none). */
export function readLabTexts(dir: string, language: Language): LabTexts {
  if (language === 'en') return {};
  const path = join(dir, `texts.${language}.json`);
  if (!existsSync(path)) return {};
  return JSON.parse(readFileSync(path, 'utf8')) as LabTexts;
}

/** The title of check `id` of the lab in `dir` in `language`, or undefined (then: the grader's English). */
export function checkTitle(dir: string, id: string, language: Language): string | undefined {
  return readLabTexts(dir, language).checks?.[id] || undefined;
}

interface Translatable {
  title: string;
  summary: string;
  summaryLabels?: Record<string, string>;
  scenarios: Record<string, { title: string }>;
  options?: Record<string, { description: string }>;
}

/** `lab` with its texts in `language` where it has them, English elsewhere; `lab` is not changed. */
export function localizeLab<T extends Translatable>(lab: T, texts: LabTexts): T {
  const overlay = <V extends object, F extends keyof V>(entries: Record<string, V>, field: F, names: Record<string, string> | undefined) =>
    Object.fromEntries(Object.entries(entries).map(([name, value]) => [name, names?.[name] ? { ...value, [field]: names[name] } : value]));
  return {
    ...lab,
    title: texts.title || lab.title,
    summary: texts.summary || lab.summary,
    ...(texts.summaryLabels ? { summaryLabels: texts.summaryLabels } : {}),
    scenarios: overlay(lab.scenarios, 'title', texts.scenarios),
    ...(lab.options ? { options: overlay(lab.options, 'description', texts.options) } : {}),
  };
}
