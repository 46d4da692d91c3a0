/**
 * commander in the chosen language: its help headings, the descriptions it adds itself
 * (`-h, --help`, `(default: …)`), widths measured in terminal columns (a CJK character takes
 * two), and its usage errors. English is commander's own text and loads nothing here.
 */
import type { Command, Help, Option, Argument } from 'commander';
import { t, type MessageKey } from '../src/i18n/messages.js';
import type { Language } from '../src/i18n/language.js';

const TITLES: Record<string, MessageKey> = {
  'Usage:': 'help.title.usage',
  'Options:': 'help.title.options',
  'Commands:': 'help.title.commands',
  'Arguments:': 'help.title.arguments',
  'Global Options:': 'help.title.globalOptions',
};

/**
 * commander's own remarks after a description, `(choices: "a", "b", default: "a")`, in the
 * language's words; the values stay as they are.
 */
function withExtras(description: string, full: string): string {
  if (!full.startsWith(description) || !full.endsWith(')')) return full;
  const extra = full.slice(description.length).trim();
  if (!extra.startsWith('(')) return full;
  const words = extra
    .slice(1, -1)
    .replace(/(^|, )default: /g, (_m, lead: string) => `${lead ? t('help.extra.separator') : ''}${t('help.extra.default')}`)
    .replace(/(^|, )choices: /g, (_m, lead: string) => `${lead ? t('help.extra.separator') : ''}${t('help.extra.choices')}`);
  return `${description}${t('help.extra.open')}${words}${t('help.extra.close')}`;
}

// Made on first use: a word segmenter loads ICU's dictionaries, ~12 ms of every start (and
// `netlab list` and `--help` have a startup budget) for what only a Chinese help text needs.
let words: Intl.Segmenter | undefined;

/**
 * Wrap `line` to `width` columns between words: Intl.Segmenter finds the words of a Chinese
 * sentence (which has no spaces) as well as of English, so neither `readable` nor a Chinese
 * word is cut. A single word wider than a row gets a row of its own.
 */
function wrapWords(line: string, width: number, columns: (s: string) => number): string {
  const rows: string[] = [];
  let row: string[] = [];
  words ??= new Intl.Segmenter('zh', { granularity: 'word' });
  for (const { segment } of words.segment(line)) {
    if (row.length && columns(row.join('') + segment) > width && segment.trim() !== '') {
      // Chinese punctuation that closes (，。）…) never starts a row: the word before it moves too.
      const carried = CLOSING.test(segment) && row.length > 1 ? row.splice(-1) : [];
      rows.push(row.join('').trimEnd());
      row = carried;
    }
    if (row.length || segment.trim() !== '') row.push(segment);
  }
  return [...rows, row.join('').trimEnd()].join('\n');
}

const CLOSING = /^[，。、；：！？）」』》】]/;

/** Set `program` (and the commands added to it afterwards) to speak `language`. */
export async function localizeCommander(program: Command, language: Language, args: readonly string[]): Promise<void> {
  if (language === 'en') return;
  // Width-aware layout only for a run that shows help: importing it starts the ESM loader and
  // string-width, a large part of `netlab list`'s startup budget.
  const showsHelp = args.includes('--help') || args.includes('-h') || args[0] === 'help';
  // The UI's width-aware text functions, imported from where the build put them: the installed
  // CLI is a CommonJS bundle, and a computed import() stays a real import of that ESM module
  // (and of string-width under it) instead of being folded into the bundle.
  const text = showsHelp ? ((await import(new URL('../src/ui/text.js', import.meta.url).href)) as typeof import('../src/ui/text.js')) : undefined;
  program.configureHelp({
    ...(text && {
      displayWidth: (s: string) => text.textWidth(s),
      // commander wraps at spaces only; a Chinese sentence has none, so wrap between words.
      boxWrap: (s: string, width: number) => s.split('\n').map((line) => wrapWords(line, width, text.textWidth)).join('\n'),
    }),
    styleTitle: (title: string) => (TITLES[title] ? t(TITLES[title]) : title),
    optionDescription(this: Help, option: Option) {
      return withExtras(option.description, Object.getPrototypeOf(this).optionDescription.call(this, option));
    },
    argumentDescription(this: Help, argument: Argument) {
      return withExtras(argument.description, Object.getPrototypeOf(this).argumentDescription.call(this, argument));
    },
  });
  program.helpOption('-h, --help', t('help.helpOption'));
  program.helpCommand('help [command]', t('help.helpCommand'));
}

// commander's usage errors, as it words them (lib/command.js), in the catalogue's words.
const ERRORS: Array<[RegExp, MessageKey]> = [
  [/^error: unknown command '(?<name>[^']*)'/, 'cli.error.unknownCommand'],
  [/^error: unknown option '(?<name>[^']*)'/, 'cli.error.unknownOption'],
  [/^error: missing required argument '(?<name>[^']*)'/, 'cli.error.missingArgument'],
  [/^error: option '(?<name>[^']*)' argument missing/, 'cli.error.optionArgumentMissing'],
  [/^error: option '(?<name>[^']*)' argument '(?<value>[^']*)' is invalid\. Allowed choices are (?<choices>[^.]*)\./, 'cli.error.invalidChoice'],
  [/^error: too many arguments for '(?<name>[^']*)'\. Expected (?<count>\d+) arguments? but got (?<got>\d+)\./, 'cli.error.tooManyArguments'],
];

/** A commander error line in the current language (unknown wordings stay as they are). */
export function localizeCommanderError(text: string): string {
  let out = text;
  for (const [pattern, key] of ERRORS) {
    const match = pattern.exec(out);
    if (match) {
      const vars = Object.fromEntries(Object.entries(match.groups ?? {}).map(([k, v]) => [k, v ?? '']));
      out = `error: ${t(key, vars)}${out.slice(match[0].length)}`;
      break;
    }
  }
  // "(Did you mean list?)" / "(Did you mean one of run, reset?)"
  out = out.replace(/\(Did you mean (?:one of )?(?<guess>[^?]*)\?\)/, (_m, guess: string) => t('cli.error.didYouMean', { guess }));
  return out.replace(/^error: /, 'netlab: ');
}
