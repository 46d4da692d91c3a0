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
  // The interactive lab (netlab start).
  'ui.tab.lesson': "Lesson",
  'ui.tab.trace': "Trace",
  'ui.tab.exercise': "Exercise",
  'ui.home.intro': "Learn network programming with Node.js: real servers and clients on this machine, a live trace of the events Node emits, and exercises graded through real sockets.",
  'ui.home.progress': "Progress",
  'ui.home.passedOf': { one: "{passed} of {count} lab passed", other: "{passed} of {count} labs passed" },
  'ui.home.notHere': " (not on this machine)",
  'ui.home.cannotRun': "This machine cannot run it: {reason}",
  'ui.home.workspace': "Workspace",
  'ui.home.workspaceMissing': "(not created yet: press i on a lab's exercise screen)",
  'ui.home.tipNew1': "New here? Press Enter to open {lab}: read the lesson, watch the demo, then solve the exercise.",
  'ui.home.tipNew2': "New here? Enter opens {lab}: its lesson, its live demo, then the exercise.",
  'ui.home.tipNew3': "New here? Enter opens {lab}.",
  'ui.home.tipOpen': "Enter opens the chosen lab.",
  'ui.home.tagline': "  learn network programming with Node.js",
  'ui.home.passedShort': "{passed}/{total} passed",
  'ui.key.choose': "choose",
  'ui.key.open': "open",
  'ui.key.language': "language",
  'ui.key.help': "help",
  'ui.key.quit': "quit",
  'ui.key.back': "back",
  'ui.key.step': "step",
  'ui.key.scroll': "scroll",
  'ui.key.code': "code",
  'ui.key.runDemo': "run demo",
  'ui.key.screens': "screens",
  'ui.key.nextLab': "next lab",
  'ui.key.stop': "stop",
  'ui.key.follow': "follow",
  'ui.key.run': "run",
  'ui.key.runYours': "run yours",
  'ui.key.scenario': "scenario",
  'ui.key.fewerEvents': "fewer events",
  'ui.key.allEvents': "all events",
  'ui.key.yesCreate': "yes, create it",
  'ui.key.no': "no",
  'ui.key.grade': "grade",
  'ui.key.hint': "hint",
  'ui.key.nextTrace': "next trace",
  'ui.key.solution': "solution",
  'ui.key.createFile': "create file",
  'ui.key.anyKey': "any key",
  'ui.key.close': "close",
  'ui.lesson.none': "{lab} has no lesson yet. Press {r} to run its demo, or {three} for the exercise.",
  'ui.more': "↓ more below: ↑↓ scroll, PgUp PgDn pages",
  'ui.lesson.moreWide': "; < > move the code sideways",
  'ui.lesson.codeBack': "< moves the code back; > further right",
  'ui.lesson.codeWide': "Some code is wider than the screen (›): > shows the rest, < goes back.",
  'ui.lesson.done': "Done reading? r runs the demo and shows its live trace; 3 opens the exercise.",
  'ui.lesson.next': "→ or Enter: next step",
  'ui.trace.events': { one: "{count} event", other: "{count} events" },
  'ui.trace.in': " in {time}",
  'ui.trace.cannotRun': "Cannot run here: {reason}",
  'ui.trace.pressRun': "Press {r} to run it.",
  'ui.trace.starting': "● starting {name}…",
  'ui.trace.running': "● running {name}… {events}",
  'ui.trace.finished': "✓ {name} finished: {events}{time}",
  'ui.trace.failed': "✗ {name} failed: {events}{time}",
  'ui.trace.stopped': "■ {name} stopped: {events}{time}",
  'ui.trace.dropped': "… {count} earlier rows not kept (netlab run {lab} --json keeps every event)",
  'ui.trace.intro1': "netlab starts the lab's programs as separate processes with real sockets on this machine and shows every event Node emits in them, as it happens:",
  'ui.trace.intro2': "Time is in ms since the run started (one clock for every process); each actor has its own colour; events are named as Node spells them; bytes show as a count and an escaped preview; a flood of identical events is folded into one row. Lines with » are netlab's narration.",
  'ui.trace.intro3': "r runs the demo with the reference solution; u runs it with your own file instead.",
  'ui.trace.intro3Scenarios': " ←→ chooses another scenario.",
  'ui.trace.tipRunning': "Streaming… x stops the run; ↑ scrolls back, End follows again.",
  'ui.trace.tipMore': "↑↓ PgUp PgDn Home End scroll the trace",
  'ui.trace.tipAgain': "r runs the reference again, u your file; ←→ another scenario",
  'ui.trace.tipRun': "r runs the demo, u runs it with your file",
  'ui.confirm.addTo': "Add the missing starter files to {dir}? (y/n)",
  'ui.confirm.create': "Create {dir} with a starter file per lab? (y/n)",
  'ui.confirm.addShort': "Add the missing starter files to your workspace? (y/n)",
  'ui.confirm.createShort': "Create the workspace folder named above, with a starter file per lab? (y/n)",
  'ui.help.row1': "move in a list, scroll a page",
  'ui.help.row2': "scroll by pages, to the top, to the end",
  'ui.help.row3': "open the chosen lab (in a lesson: next step)",
  'ui.help.row4': "previous / next lesson step; choose a demo scenario",
  'ui.help.row5': "switch between lesson, trace and exercise",
  'ui.help.row6': "run the demo: r the reference, u your file; x stops it",
  'ui.help.row7': "show every event in the trace, quiet ones too (or not)",
  'ui.help.row8': "grade your exercise",
  'ui.help.row9': "reveal the next hint",
  'ui.help.row10': "show the reference solution (once your exercise passed)",
  'ui.help.row11': "show the next failing check's trace",
  'ui.help.row12': "move code wider than the screen sideways",
  'ui.help.row13': "create your workspace (netlab init), after asking",
  'ui.help.row14': "next lab",
  'ui.help.row15': "back; on the list of labs: quit",
  'ui.help.row16': "quit (every process netlab started is stopped)",
  'ui.help.language': "switch the language (English, Chinese)",
  'ui.help.keys': "Keys",
  'ui.help.footer': "Passes and hints are saved in your workspace. Also: netlab list, run, grade.",
  'ui.language.saved': 'Now in English. Remembered in your workspace.',
  'ui.language.switched': 'Now in English (there is no workspace to remember it in).',
  'ui.help.close': "Any key closes the help.",
} as const;
