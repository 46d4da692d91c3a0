import { readFileSync, existsSync } from 'node:fs';
import type { Language } from '../i18n/language.js';
import { currentLanguage } from '../i18n/messages.js';
import { localizedPath } from './texts.js';

export interface Section {
  title: string;
  body: string;
}

/** Split Markdown into sections at each `## ` heading (lesson steps, hints). */
export function splitSections(markdown: string): Section[] {
  const sections: Section[] = [];
  let current: Section | undefined;
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) inFence = !inFence;
    const heading = !inFence && /^## (.*)$/.exec(line);
    if (heading) {
      current = { title: heading[1]!.trim(), body: '' };
      sections.push(current);
    } else if (current) {
      current.body += line + '\n';
    }
  }
  return sections.map((s) => ({ title: s.title, body: s.body.trim() }));
}

/**
 * The sections of `path` (`lesson.md`, `hints.md`) in `language`: its translation beside it
 * (`lesson.zh-CN.md`) when there is one, else the English file.
 */
export function readSections(path: string, language: Language = currentLanguage()): Section[] {
  const file = localizedPath(path, language);
  return existsSync(file) ? splitSections(readFileSync(file, 'utf8')) : [];
}
