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
  'start.unknown': 'unknown lab or command "{id}". Run `netlab --help` or `netlab list`.',
  'start.unknownDidYouMean': 'unknown lab or command "{id}". Did you mean "{guess}"? Run `netlab --help` or `netlab list`.',
  'start.oneLab': 'netlab start opens one lab, got "{got}". Did you mean `netlab run {id}`?',
  'lab.unsupported': 'not on this machine: {reason}',
  'list.empty': 'no labs found',
  // The three status marks take the same 9 columns, so that the titles after them line up.
  'list.status.new': '○ new    ',
  'list.status.started': '◐ started',
  'list.status.passed': '● passed ',
  'list.footer': '{passed}/{total} passed. Try: netlab run {lab}   ·   netlab init   ·   netlab grade',
  'hint.none': 'lab {lab} has no hints',
  'hint.heading': 'Hint {n} of {count}',
  'hint.last': 'That was the last hint. Once your exercise passes, `netlab solution {lab}` shows the reference solution.',
  'hint.more': 'Still stuck? `netlab hint {lab}` again shows the next one.',
  'hint.noWorkspace': '(No workspace at {dir}, so netlab cannot remember which hints you have seen: `netlab init` creates it.)',
  'run.badSet': '--set takes key=value, got "{got}"',
  'run.badTimeout': '--timeout must be a positive number of milliseconds, got "{got}"',
  'run.noUseFile': '--use: no file at {file}',
  'run.unknownScenario': 'lab {lab} has no scenario "{name}". Scenarios: {names}',
  'run.serving': '{title}: serving on {address}',
  'run.tryIt': 'Try it from another terminal:',
  'run.tracedBelow': 'Everything that connects is traced below. Ctrl-C to stop.',
  // The workspace's README.md, which `netlab init` writes; {rows} is the table of labs.
  'init.readme': `# My netlab exercises

Each file here is one exercise: a starter with \`// TODO\` markers. Make it do what its comment
says, then let netlab grade it through real sockets.

| file | lab | see the demo |
|---|---|---|
{rows}

## Commands

Run them in this folder (from elsewhere, add \`--dir <this folder>\`). They are written as
\`netlab …\`, which works when netlab is a command on your machine (installed globally, or
\`npm link\` in a netlab clone). It always works as \`npm run netlab -- …\`, e.g.
\`npm run netlab -- run tcp-echo\`: that runs netlab installed in this folder, or the netlab
that created this folder (see \`netlab.mjs\`).

- \`netlab run <lab>\`: watch the lab's demo and its live trace; \`netlab run <lab> --use <lab>.ts\`
  runs the demo with your code instead of the reference one.
- \`netlab grade\` (or \`npm run grade\`) grades every exercise; \`netlab grade tcp-echo\` grades
  one. Each check says what was sent, what was expected and what came back, with the trace of
  the events when it fails. Exit code 0 means everything passed.
- \`netlab watch tcp-echo\` grades again each time you save.
- \`netlab hint <lab>\` shows the next hint (netlab remembers which you have seen).
- \`netlab solution <lab>\` shows the reference solution once your exercise passes.
- \`netlab reset <lab>\` puts the starter back (your file is kept as a backup).

## Your editor

Grading needs nothing installed here: netlab runs your TypeScript as it is, and lets it import
Node's built-in modules and \`undici\`. For type-checking and completion in your editor, run
\`npm install\` once in this folder (it installs \`@types/node\` and \`undici\`).

Keep each exercise in its file, named after its lab (\`.ts\`, \`.mts\`, \`.js\` and \`.mjs\` work).
Your code runs in its own process with a time limit, so a mistake cannot hang netlab.
`,
  // The grade report (pretty, junit, github). Its very last line, `N passed, N failed`, is not
  // here on purpose: it stays English in every language, as CI and scripts read it.
  'grade.traceHidden': { one: '… {count} earlier trace line (all of them: --reporter json)', other: '… {count} earlier trace lines (all of them: --reporter json)' },
  'grade.checkPoints': { one: '{points} pt', other: '{points} pts' },
  'grade.checkInterrupted': '{title} (interrupted)',
  'grade.checkSkipped': '{title} (skipped: {reason})',
  'grade.skipped': 'skipped',
  'grade.timedOut': 'timed out',
  'grade.failed': 'failed',
  'grade.traceHeading': 'trace of this check:',
  'grade.solutionViewed': 'the reference solution was viewed (netlab solution --force) on {when}, before this lab passed',
  'grade.stillStarter': '{file} is still the starter: make it do what its // TODO comments ask, then grade again.',
  'grade.createFile': 'Create {file} (`netlab init` writes a starter), then grade again.',
  'grade.labNotStarted': '{title}: not started. {next}',
  'grade.labSkipped': '{title}: skipped on this machine: {reason}',
  'grade.labInterruptedChecks': '{title}: interrupted before any of its checks finished.',
  'grade.labInterrupted': '{title}: interrupted before it was graded.',
  'grade.didNotLoad': 'did not load',
  'grade.noCheckRan': { one: 'its {count} check could not run: fix this first', other: 'none of its {count} checks could run: fix this first' },
  'grade.graderError': 'grader error',
  'grade.graderErrorNote': "(a problem with netlab's lab, not with your code):",
  'grade.verdict.passed': 'passed',
  'grade.verdict.interrupted': 'interrupted',
  'grade.verdict.notYet': 'not yet',
  'grade.labChecks': { one: '{passed}/{count} check', other: '{passed}/{count} checks' },
  'grade.labPoints': { one: '{points} point', other: '{points} points' },
  'grade.pointsHeading': 'Points',
  'grade.labsSummary': 'labs: {labs}',
  'grade.listSeparator': ', ',
  'grade.labs.passed': '{count} passed',
  'grade.labs.failed': '{count} not passing yet',
  'grade.labs.notStarted': '{count} not started',
  'grade.labs.skipped': '{count} skipped',
  'grade.labs.interrupted': '{count} interrupted',
  // The grading harness's own failure messages (timeouts, crashes, no answer).
  'grade.h.notRun': 'not run: {reason}',
  'grade.h.labTimeUsed': 'not run: the time limit for this lab ({ms} ms, `netlab grade --timeout`) was used up by earlier checks',
  'grade.h.timedOut': 'timed out after {ms} ms',
  'grade.h.loadStuck': 'your module did not finish loading within {ms} ms and stopped responding: is there a busy loop (or endless synchronous work) at the top level?',
  'grade.h.stillLoading': 'your module did not finish loading within {ms} ms: does it await something at its top level that never settles? If not, {ms} ms is too short to load it: give it more time with `netlab grade --timeout <ms>`.',
  'grade.h.blocked': 'timed out after {ms} ms: your code stopped responding. Something blocks the event loop (a busy loop, or synchronous work that never ends), so no event can be handled.',
  'grade.h.checkTimeout': 'timed out after {ms} ms: the check did not finish, something never happened (see the trace for the last events).',
  'grade.h.blockedNote': 'Your code stopped responding: something blocks the event loop (a busy loop, or synchronous work that never ends), so no event can be handled.',
  'grade.h.stoppedResponding': 'stopped responding',
  'grade.h.threwAtLoad': 'your module threw while it was loading, before any check could run:',
  'grade.h.threw': 'your code threw an error:',
  'grade.h.noAnswer': 'your code did not answer within {ms} ms: an await (or a callback) that never comes?',
  'grade.h.noAnswerBlocked': 'your code did not answer within {ms} ms and stopped responding: something blocks the event loop (a busy loop, or synchronous work that never ends?)',
  'grade.h.crashed': 'your code crashed: {stack}',
  'grade.h.exited': "your code's process ended by itself ({how}): something called process.exit(), or nothing kept it alive",
  'grade.h.checkEnded': 'the check ended while waiting for {what}',
  'grade.h.waitingFor': '(the grader was waiting for {what})',
  'grade.h.waitedInVain': 'waited {ms} ms for {what}, in vain',
  'grade.h.connectTimeout': 'could not connect to your server at {address} within {ms} ms',
  'grade.h.connectFailed': 'could not connect to your server at {address}: {error}',
  'grade.h.connectRefused': 'could not connect to your server at {address}: {error} (nothing is listening there any more: did the server crash or close?)',
  'grade.bytes': { one: '{count} byte', other: '{count} bytes' },
  'grade.status.notStarted': 'not started',
  'grade.summary.checks': '{passed} checks passed, {failed} failed.',
  'grade.summary.checksSkipped': '{passed} checks passed, {failed} failed, {skipped} skipped.',
  'grade.table.header': 'lab | status | points | checks | file',
  'grade.checkSkippedShort': 'skipped, {reason}',
  'grade.fileDidNotLoad': '{file} did not load, so none of its checks could run:',
  'grade.fileNotLoaded': '{file} did not load',
  'grade.outputHeading': 'Output of the code:',
  'grade.labNotStartedShort': '{lab} is not started',
  'grade.solutionViewedTitle': 'solution viewed',
  'grade.skippedHere': 'skipped on this machine',
  'grade.wasInterrupted': 'grading was interrupted',
  'grade.moreFailuresTitle': 'more failures',
  'grade.moreFailures': { one: '{count} more failing check: see the job summary', other: '{count} more failing checks: see the job summary' },
  'grade.expectedFile': 'Expected {file}',
  'grade.notRun': 'not run',
  'grade.junitPoints': 'points {points}',
  'grade.notStarted': '{lab}: not started (create {file} with `netlab init`)',
  'grade.checks': { one: '{count} check', other: '{count} checks' },
  'grade.points': { one: '{count} point', other: '{count} points' },
  'help.program': 'Learn network programming with Node.js: real sockets, live traces of the events Node emits, graded exercises.',
  'help.start': 'open the interactive lab (optionally at one lab)',
  'help.start.lab': 'lab id to open',
  'help.list': 'list the labs in order, with your progress',
  'help.list.json': 'NDJSON on stdout',
  'help.run': "run a lab's demo and stream its trace",
  'help.run.lab': 'lab id (see `netlab list`)',
  'help.run.json': 'NDJSON on stdout: one trace event per line, a result line last',
  'help.run.scenario': 'which scenario to run (`--scenario help` lists them)',
  'help.run.serve': "keep the lab's server running for real tools (nc, curl, dig) until Ctrl-C",
  'help.run.use': 'run the demo with your implementation instead of the reference one',
  'help.run.set': 'set a demo option (repeatable)',
  'help.run.timeout': 'hard time limit for the demo',
  'help.run.allEvents': "also show quiet events: stream internals (resume, pause, readable, …) and a lab's low-level detail",
  'help.run.packets': 'also capture the packets on the wire (tcpdump, in a private network) and show them on the trace',
  'help.run.diagram': 'draw the run as a sequence diagram at the end (actors as columns, packets as arrows)',
  'help.init': 'create your exercise workspace (default ./netlab-exercises)',
  'help.init.dir': 'where to create it',
  'help.grade': 'grade your exercises through real sockets (exit 0: all passed, 1: not yet)',
  'help.grade.labs': 'labs to grade (default: all)',
  'help.dirDefault': 'the exercise workspace (default ./netlab-exercises)',
  'help.grade.reporter': 'output format',
  'help.grade.output': 'write the report to a file instead of stdout',
  'help.gradeTimeout': 'hard time limit for grading one lab, in milliseconds (default 60000)',
  'help.watch': 'grade again every time you save an exercise (q or Ctrl-C to quit)',
  'help.watch.lab': 'the lab to watch (default: every lab with a file in the workspace)',
  'help.watch.poll': 'check files for changes by polling (where file events do not work)',
  'help.reset': "put a lab's starter back (your file is kept as a backup)",
  'help.hint': 'show the next hint for a lab',
  'help.solution': 'show the reference solution (after your exercise passed)',
  'help.solution.force': 'show it before passing (recorded in your progress)',
  'help.dir': 'the exercise workspace',
  'help.lab': 'lab id',
  'help.version': 'output the version number',
  'help.lang': 'the language of every text: en or zh-CN (default: NETLAB_LANG, then LC_ALL / LC_MESSAGES / LANG)',
  'help.helpOption': 'display help for command',
  'help.helpCommand': 'display help for command',
  'help.title.usage': 'Usage:',
  'help.title.options': 'Options:',
  'help.title.commands': 'Commands:',
  'help.title.arguments': 'Arguments:',
  'help.title.globalOptions': 'Global Options:',
  'help.extra.open': ' (',
  'help.extra.close': ')',
  'help.extra.separator': ', ',
  'help.extra.default': 'default: ',
  'help.extra.choices': 'choices: ',
  'cli.error.unknownCommand': "unknown command '{name}'",
  'cli.error.unknownOption': "unknown option '{name}'",
  'cli.error.missingArgument': "missing required argument '{name}'",
  'cli.error.optionArgumentMissing': "option '{name}' argument missing",
  'cli.error.invalidChoice': "option '{name}' argument '{value}' is invalid. Allowed choices are {choices}.",
  'cli.error.tooManyArguments': "too many arguments for '{name}'. Expected {count} arguments but got {got}.",
  'cli.error.didYouMean': '(Did you mean {guess}?)',
} as const;
