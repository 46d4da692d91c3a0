/**
 * Which language netlab speaks: `--lang <tag>`, then `NETLAB_LANG`, then the POSIX locale
 * (`LC_ALL`, `LC_MESSAGES`, `LANG`), else English. This module is read on every start, so it
 * loads nothing: no catalogue, no dependency.
 */

/** The languages netlab has texts for. English is complete; every other falls back to it text by text. */
export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'en';

/**
 * The supported language nearest to a BCP 47 tag or a POSIX locale name (`zh_CN.UTF-8`,
 * `zh-Hans-CN`, `zh_TW`, `en_GB`), or undefined when nothing is near. Any Chinese tag maps to
 * zh-CN: the only Chinese netlab has, and closer for a Chinese reader than English.
 */
export function matchLanguage(tag: string | undefined): Language | undefined {
  if (!tag) return undefined;
  // POSIX: language[_territory][.codeset][@modifier]; "C" and "POSIX" mean "no preference".
  const clean = tag.trim().replace(/[.@].*$/, '').replace(/_/g, '-');
  if (clean === '' || clean === 'C' || clean === 'POSIX') return undefined;
  const exact = LANGUAGES.find((l) => l.toLowerCase() === clean.toLowerCase());
  if (exact) return exact;
  const primary = clean.split('-')[0]!.toLowerCase();
  if (primary === 'zh') return 'zh-CN';
  return LANGUAGES.find((l) => l.split('-')[0] === primary);
}

/** The value of `--lang` in `argv` (`--lang zh-CN` or `--lang=zh-CN`), or undefined. */
function langFlag(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (arg === '--lang') return argv[i + 1];
    if (arg.startsWith('--lang=')) return arg.slice('--lang='.length);
  }
  return undefined;
}

/**
 * The language to speak. Each source is asked in order and the first that names a language
 * wins; one that names a language netlab lacks (`--lang fr`, `LANG=de_DE.UTF-8`) means English,
 * as the user asked for something and English is the common fallback, rather than passing the
 * choice on to a weaker source. Only an empty or neutral value (`LANG=C`) passes it on.
 */
export function resolveLanguage(argv: readonly string[], env: NodeJS.ProcessEnv): Language {
  // LC_ALL overrides LC_MESSAGES, which overrides LANG (POSIX precedence).
  const sources = [langFlag(argv), env.NETLAB_LANG, env.LC_ALL, env.LC_MESSAGES, env.LANG];
  for (const source of sources) {
    const value = source?.trim();
    if (!value || value === 'C' || value === 'POSIX' || /^C\./.test(value)) continue;
    return matchLanguage(value) ?? DEFAULT_LANGUAGE;
  }
  return DEFAULT_LANGUAGE;
}
