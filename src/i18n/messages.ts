/**
 * Typed messages and the translator. The English catalogue is always loaded (it is the
 * fallback of every text); another language's catalogue is imported only when chosen, so
 * `netlab list` in English reads one small module.
 */
import { en } from './catalog/en.js';
import { resolveLanguage, type Language } from './language.js';
import { currentLanguage, STATE } from './current.js';

/** A message key: one of the English catalogue's. */
export type MessageKey = keyof typeof en;

/** Plural forms by `Intl.PluralRules` category; `other` is required (every language has it). */
export type PluralMessage = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };
export type Message = string | PluralMessage;

/**
 * Another language's catalogue: only English keys (an extra key does not compile), each
 * optional at run time (a missing one falls back to English; the contract test forbids it
 * for a shipped language). A plural English message needs plural forms, a plain one a string.
 */
export type Translation = {
  [K in MessageKey]?: (typeof en)[K] extends string ? string : PluralMessage;
};

/** Values to put into a message's `{name}` slots; `count` also chooses the plural form. */
export type Vars = Record<string, string | number>;

export type Translate = (key: MessageKey, vars?: Vars) => string;

/** Loaders of the catalogues other than English, one module each, imported on demand. */
const loaders: Record<Exclude<Language, 'en'>, () => Promise<Translation>> = {
  'zh-CN': async () => (await import('./catalog/zh-CN.js')).zhCN,
};

function interpolate(text: string, vars: Vars | undefined): string {
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (slot, name: string) => (name in vars ? String(vars[name]) : slot));
}

/** A translator over `messages`, falling back to English message by message. */
export function translator(language: Language, messages: Translation = {}): Translate {
  let rules: Intl.PluralRules | undefined;
  return (key, vars) => {
    const message: Message = messages[key] ?? en[key];
    if (typeof message === 'string') return interpolate(message, vars);
    rules ??= new Intl.PluralRules(language);
    const count = Number(vars?.count ?? 0);
    const form = message[rules.select(count)] ?? message.other;
    return interpolate(form, vars);
  };
}

/** The catalogue of `language` (empty for English, whose texts are the fallback). */
export async function loadTranslation(language: Language): Promise<Translation> {
  return language === 'en' ? {} : loaders[language]();
}

interface State {
  language: Language;
  translate: Translate;
}

function state(): State {
  const g = globalThis as { [STATE]?: State };
  // Until the CLI chooses (`setLanguage`), the environment's choice, with English messages:
  // a lab's files (lessons, titles) are read in that language, and `t` waits for the catalogue.
  return (g[STATE] ??= { language: resolveLanguage([], process.env), translate: translator('en') });
}

/**
 * Speak `language` from now on in this process (the CLI calls it once, after
 * `resolveLanguage`). Loads that language's catalogue only.
 */
export async function setLanguage(language: Language): Promise<void> {
  (globalThis as { [STATE]?: State })[STATE] = { language, translate: translator(language, await loadTranslation(language)) };
}

export { currentLanguage };

/** `t('grade.notStarted', { lab })`: the current language's text, else English's. */
export const t: Translate = (key, vars) => state().translate(key, vars);
