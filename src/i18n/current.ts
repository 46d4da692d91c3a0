/**
 * The language this process speaks, without the catalogues: what a lab's own texts
 * (`msg({ en, 'zh-CN' })`) need, so that a small module using them stays small.
 */
import { resolveLanguage, type Language } from './language.js';

// One state per process, not per module instance: the installed CLI is a bundle that carries
// its own copy of this module, while the commands it imports use dist/'s. Both must speak the
// language the CLI chose. messages.ts keeps the translator beside the language.
export const STATE = Symbol.for('netlab.i18n');

/** The language this process speaks: `setLanguage`'s, else the environment's (`NETLAB_LANG`, `LANG`…). */
export function currentLanguage(): Language {
  const chosen = (globalThis as { [STATE]?: { language: Language } })[STATE];
  return chosen?.language ?? resolveLanguage([], process.env);
}
