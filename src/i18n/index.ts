/**
 * netlab's languages: which one to speak (`resolveLanguage`), its messages (`t`), and where a
 * lab's translated files are. Tiny on purpose: `netlab list` and `--help` load it.
 * Width-aware layout helpers live in ./width.ts (they load string-width).
 */
export { LANGUAGES, DEFAULT_LANGUAGE, matchLanguage, resolveLanguage, type Language } from './language.js';
export { t, setLanguage, currentLanguage, translator, loadTranslation, type MessageKey, type Message, type PluralMessage, type Translation, type Translate, type Vars } from './messages.js';
export { msg, localize, type Msg } from './localized.js';
