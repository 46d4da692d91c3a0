import { readFileSync, existsSync } from 'node:fs';

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

export function readSections(path: string): Section[] {
  return existsSync(path) ? splitSections(readFileSync(path, 'utf8')) : [];
}
