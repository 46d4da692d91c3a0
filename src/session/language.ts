/**
 * The interactive lab's language, remembered in the workspace. `L` in the app switches it;
 * the next `netlab start` speaks it again unless `--lang` or `NETLAB_LANG` says otherwise (an
 * explicit choice for this run beats a remembered one; the locale does not: it was there
 * when the learner chose).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LANGUAGES, matchLanguage, type Language } from '../i18n/language.js';

function settingsPath(dir: string): string {
  return join(dir, '.netlab', 'settings.json');
}

/** The language remembered in the workspace `dir`, or undefined (none, or unreadable). */
export function savedLanguage(dir: string): Language | undefined {
  try {
    const settings = JSON.parse(readFileSync(settingsPath(dir), 'utf8')) as { language?: unknown };
    return typeof settings.language === 'string' ? matchLanguage(settings.language) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Remember `language` in the workspace `dir`. Only in a workspace that exists: switching the
 * language must not create one. Returns whether it was written.
 */
export function saveLanguage(dir: string, language: Language): boolean {
  if (!existsSync(dir)) return false;
  mkdirSync(join(dir, '.netlab'), { recursive: true });
  const path = settingsPath(dir);
  let settings: Record<string, unknown> = {};
  try {
    settings = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    // No settings yet (or unreadable ones, which this rewrites).
  }
  // Write then rename, so that a crash never leaves half a file.
  writeFileSync(path + '.tmp', JSON.stringify({ ...settings, language }, null, 2) + '\n');
  renameSync(path + '.tmp', path);
  return true;
}

/**
 * The language `netlab start` speaks: the one this run named (`--lang`, `NETLAB_LANG`) if
 * `named`, else the workspace's, else `resolved` (the locale's, or English).
 */
export function startLanguage(named: boolean, dir: string, resolved: Language): Language {
  return named ? resolved : savedLanguage(dir) ?? resolved;
}

/** The language after `language` (what `L` switches to). */
export function nextLanguage(language: Language): Language {
  return LANGUAGES[(LANGUAGES.indexOf(language) + 1) % LANGUAGES.length]!;
}
