/**
 * netlab's own texts in English: the reference catalogue. Its keys are the keys of every
 * other language (`Translation` in ../messages.ts), so a key added here and missing elsewhere
 * is listed by the i18n contract test, and a key that exists only elsewhere does not compile.
 *
 * `{name}` is replaced by a value; a message that depends on a number is an object of
 * `Intl.PluralRules` categories (`one`, `other`, …) chosen by `{count}`.
 */
export const en = {
  'lab.unknown': 'unknown lab "{lab}". Run `netlab list` to see the labs.',
  'lab.unknownDidYouMean': 'unknown lab "{lab}". Did you mean "{guess}"? Run `netlab list` to see the labs.',
  'lab.unsupported': 'not on this machine: {reason}',
  'list.empty': 'no labs found',
  'grade.notStarted': '{lab}: not started (create {file} with `netlab init`)',
  'grade.checks': { one: '{count} check', other: '{count} checks' },
  'grade.points': { one: '{count} point', other: '{count} points' },
  'hint.none': '{lab} has no hints.',
  'hint.allShown': 'all {count} hints of {lab} are shown.',
  'language.fallback': 'this text is not translated yet; showing English',
} as const;
