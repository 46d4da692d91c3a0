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

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

// `netlab run tcp-echo | head`: a reader that goes away is not an error. Exiting runs the
// cleanup that kills the lab's processes (src/runtime/cleanup.ts).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

async function main(argv: string[]): Promise<void> {
  const program = new Command('netlab')
    .description('Learn network programming with Node.js: real sockets, live traces of the events Node emits, graded exercises.')
    .version(pkg.version, '-v, --version')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str.replace(/^error: /, 'netlab: ')) });

  program
    .command('start', { isDefault: true })
    .description('open the interactive lab (optionally at one lab)')
    .argument('[lab]', 'lab id to open')
    .option('--dir <workspace>', 'the exercise workspace', undefined)
    // A mistyped command with arguments (`netlab rn tcp-echo`) lands here: start answers it
    // with a "did you mean", which commander's "too many arguments" could not give.
    .allowExcessArguments()
    .action(async (lab: string | undefined, options: { dir?: string }, command: Command) => {
      const { startCommand } = await import('./commands/start.js');
      await startCommand(lab, options, command.args.slice(1));
    });

  program
    .command('list')
    .description('list the labs in order, with your progress')
    .option('--json', 'NDJSON on stdout')
    .option('--dir <workspace>', 'the exercise workspace')
    .action(async (options: { json?: boolean; dir?: string }) => {
      const { listCommand } = await import('./commands/list.js');
      await listCommand(options);
    });

  program
    .command('run')
    .description("run a lab's demo and stream its trace")
    .argument('<lab>', 'lab id (see `netlab list`)')
    .option('--json', 'NDJSON on stdout: one trace event per line, a result line last')
    .option('--scenario <name>', 'which scenario to run (`--scenario help` lists them)')
    .option('--serve', "keep the lab's server running for real tools (nc, curl, dig) until Ctrl-C")
    .option('--use <file>', 'run the demo with your implementation instead of the reference one')
    .option('--set <key=value>', 'set a demo option (repeatable)', collect)
    .option('--timeout <ms>', 'hard time limit for the demo', '30000')
    .option('--all-events', "also show quiet events: stream internals (resume, pause, readable, …) and a lab's low-level detail")
    .action(async (lab: string, options) => {
      const { runCommand } = await import('./commands/run.js');
      await runCommand(lab, options);
    });

  program
    .command('init')
    .description('create your exercise workspace (default ./netlab-exercises)')
    .argument('[dir]', 'where to create it')
    .action(async (dir: string | undefined) => {
      const { initCommand } = await import('./commands/init.js');
      await initCommand(dir);
    });

  program
    .command('grade')
    .description('grade your exercises through real sockets (exit 0: all passed, 1: not yet)')
    .argument('[lab...]', 'labs to grade (default: all)')
    .option('--dir <workspace>', 'the exercise workspace (default ./netlab-exercises)')
    .addOption(new Option('--reporter <reporter>', 'output format').choices(['pretty', 'json', 'junit', 'github']).default('pretty'))
    .option('--output <file>', 'write the report to a file instead of stdout')
    .option('--timeout <ms>', 'hard time limit for grading one lab, in milliseconds (default 60000)')
    .action(async (labs: string[], options) => {
      const { gradeCommand } = await import('./commands/grade.js');
      await gradeCommand(labs, options);
    });

  program
    .command('watch')
    .description('grade again every time you save an exercise (q or Ctrl-C to quit)')
    .argument('[lab]', 'the lab to watch (default: every lab with a file in the workspace)')
    .option('--dir <workspace>', 'the exercise workspace (default ./netlab-exercises)')
    .option('--poll', 'check files for changes by polling (where file events do not work)')
    .option('--timeout <ms>', 'hard time limit for grading one lab, in milliseconds (default 60000)')
    .action(async (lab: string | undefined, options) => {
      const { watchCommand } = await import('./commands/watch.js');
      await watchCommand(lab, options);
    });

  program
    .command('reset')
    .description("put a lab's starter back (your file is kept as a backup)")
    .argument('<lab>', 'lab id')
    .option('--dir <workspace>', 'the exercise workspace')
    .action(async (lab: string, options: { dir?: string }) => {
      const { resetCommand } = await import('./commands/reset.js');
      await resetCommand(lab, options);
    });

  program
    .command('hint')
    .description('show the next hint for a lab')
    .argument('<lab>', 'lab id')
    .option('--dir <workspace>', 'the exercise workspace')
    .action(async (lab: string, options: { dir?: string }) => {
      const { hintCommand } = await import('./commands/hint.js');
      await hintCommand(lab, options);
    });

  program
    .command('solution')
    .description('show the reference solution (after your exercise passed)')
    .argument('<lab>', 'lab id')
    .option('--dir <workspace>', 'the exercise workspace')
    .option('--force', 'show it before passing (recorded in your progress)')
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
  const { fail } = await import('./io.js');
  fail(err);
});
