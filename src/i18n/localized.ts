/**
 * A text written inline in each language, for a lab's own words (a grader's failure message,
 * a demo's note or summary) that have no place in the shared catalogues. English is required
 * and is what a language without its own text gets.
 */
import type { Language } from './language.js';
import { currentLanguage } from './current.js';

/**
 * One text in each language the lab has it in. The values go into template strings in every
 * language: `msg({ en: `sent ${n} bytes`, 'zh-CN': `发送了 ${n} 字节` })`.
 */
export type Msg = { en: string } & { [L in Exclude<Language, 'en'>]?: string };

/** The text of `message` in the language this process speaks (English when it lacks one). */
export function msg(message: Msg): string {
  const language = currentLanguage();
  return (language !== 'en' && message[language]) || message.en;
}

/** A plain string as it is; a {@link Msg} in the current language. */
export function localize(text: string | Msg): string {
  return typeof text === 'string' ? text : msg(text);
}
