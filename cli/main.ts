#!/usr/bin/env node
/**
 * The `netlab` command. Each command's implementation is imported only when that command
 * runs, so `netlab list` and `netlab --help` never load Ink, React, undici or vitest.
 *
 * The build bundles this file, commander and `list` into one CommonJS file, the installed
 * `netlab` (scripts/build.mjs): `netlab list` and `--help` have a startup budget, and one
 * file compiled without the ESM loader's round trips is what meets it.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { resolveLanguage } from '../src/i18n/language.js';
import { setLanguage, t } from '../src/i18n/messages.js';
import { localizeCommander, localizeCommanderError } from './localize.js';
import { maybeTerminal, writeOut } from './stdout.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/** Whether the command line only prints (a list, help, the version): nothing to clean up after. */
function onlyPrints(args: string[]): boolean {
  const command = args.find((a) => !a.startsWith('-'));
  return command === 'list' || command === 'help' || args.some((a) => a === '-h' || a === '--help' || a === '-v' || a === '--version');
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

// `netlab run tcp-echo | head`: a reader that goes away is not an error. Exiting runs the
// cleanup that kills the lab's processes (src/runtime/cleanup.ts).
// `netlab list`, help and the version write to the descriptor itself (./stdout.ts): creating the
// stdout and stderr streams is a good part of their startup budget when they are pipes.
if (!onlyPrints(process.argv.slice(2))) {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0);
      throw err;
    });
  }
}

async function main(argv: string[]): Promise<void> {
  // The language comes first: every help text below is in it. Child processes (demos, graders,
  // the interactive lab) inherit the choice through NETLAB_LANG.
  const language = resolveLanguage(argv.slice(2), process.env);
  // Named for this run (not taken from the locale): `netlab start` prefers it to the workspace's.
  const languageNamed = argv.slice(2).some((a) => a === '--lang' || a.startsWith('--lang=')) || Boolean(process.env.NETLAB_LANG?.trim());
  await setLanguage(language);
  process.env.NETLAB_LANG = language;
  const program = new Command('netlab');
  await localizeCommander(program, language, argv.slice(2));
  program
    .description(t('help.program'))
    .version(pkg.version, '-v, --version', t('help.version'))
    .option('--lang <tag>', t('help.lang'))
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      outputError: (str, write) => write(localizeCommanderError(str)),
      // Help and the version: to the descriptor, as commander would write them to a pipe.
      ...(!maybeTerminal() && { writeOut, getOutHelpWidth: () => 80, getOutHasColors: () => false }),
    });

  program
    .command('start', { isDefault: true })
    .description(t('help.start'))
    .argument('[lab]', t('help.start.lab'))
    .option('--dir <workspace>', t('help.dir'), undefined)
    // A mistyped command with arguments (`netlab rn tcp-echo`) lands here: start answers it
    // with a "did you mean", which commander's "too many arguments" could not give.
    .allowExcessArguments()
    .action(async (lab: string | undefined, options: { dir?: string }, command: Command) => {
      const { startCommand } = await import('./commands/start.js');
      await startCommand(lab, { ...options, languageNamed }, command.args.slice(1));
    });

  program
    .command('list')
    .description(t('help.list'))
    .option('--json', t('help.list.json'))
    .option('--dir <workspace>', t('help.dir'))
    .action(async (options: { json?: boolean; dir?: string }) => {
      const { listCommand } = await import('./commands/list.js');
      await listCommand(options);
    });

  program
    .command('run')
    .description(t('help.run'))
    .argument('<lab>', t('help.run.lab'))
    .option('--json', t('help.run.json'))
    .option('--scenario <name>', t('help.run.scenario'))
    .option('--serve', t('help.run.serve'))
    .option('--use <file>', t('help.run.use'))
    .option('--set <key=value>', t('help.run.set'), collect)
    .option('--timeout <ms>', t('help.run.timeout'), '30000')
    .option('--all-events', t('help.run.allEvents'))
    .option('--packets', t('help.run.packets'))
    .option('--diagram', t('help.run.diagram'))
    .action(async (lab: string, options) => {
      const { runCommand } = await import('./commands/run.js');
      await runCommand(lab, options);
    });

  program
    .command('init')
    .description(t('help.init'))
    .argument('[dir]', t('help.init.dir'))
    .action(async (dir: string | undefined) => {
      const { initCommand } = await import('./commands/init.js');
      await initCommand(dir);
    });

  program
    .command('grade')
    .description(t('help.grade'))
    .argument('[lab...]', t('help.grade.labs'))
    .option('--dir <workspace>', t('help.dirDefault'))
    .addOption(new Option('--reporter <reporter>', t('help.grade.reporter')).choices(['pretty', 'json', 'junit', 'github']).default('pretty'))
    .option('--output <file>', t('help.grade.output'))
    .option('--timeout <ms>', t('help.gradeTimeout'))
    .option('--packets', t('help.grade.packets'))
    .action(async (labs: string[], options) => {
      const { gradeCommand } = await import('./commands/grade.js');
      await gradeCommand(labs, options);
    });

  program
    .command('watch')
    .description(t('help.watch'))
    .argument('[lab]', t('help.watch.lab'))
    .option('--dir <workspace>', t('help.dirDefault'))
    .option('--poll', t('help.watch.poll'))
    .option('--timeout <ms>', t('help.gradeTimeout'))
    .action(async (lab: string | undefined, options) => {
      const { watchCommand } = await import('./commands/watch.js');
      await watchCommand(lab, options);
    });

  program
    .command('reset')
    .description(t('help.reset'))
    .argument('<lab>', t('help.lab'))
    .option('--dir <workspace>', t('help.dir'))
    .action(async (lab: string, options: { dir?: string }) => {
      const { resetCommand } = await import('./commands/reset.js');
      await resetCommand(lab, options);
    });

  program
    .command('hint')
    .description(t('help.hint'))
    .argument('<lab>', t('help.lab'))
    .option('--dir <workspace>', t('help.dir'))
    .action(async (lab: string, options: { dir?: string }) => {
      const { hintCommand } = await import('./commands/hint.js');
      await hintCommand(lab, options);
    });

  program
    .command('solution')
    .description(t('help.solution'))
    .argument('<lab>', t('help.lab'))
    .option('--dir <workspace>', t('help.dir'))
    .option('--force', t('help.solution.force'))
    .action(async (lab: string, options: { dir?: string; force?: boolean }) => {
      const { solutionCommand } = await import('./commands/solution.js');
      await solutionCommand(lab, options);
    });

  await program.parseAsync(argv);
}

main(process.argv).catch(async (err: unknown) => {
  if (err instanceof CommanderError) {
    // --help and --version exit 0; every usage error exits 2 (commander already printed it).
    process.exit(err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help' ? 0 : 2);
  }
  const { exitWithError } = await import('./io.js');
  exitWithError(err);
});
