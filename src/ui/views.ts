/**
 * What each screen shows, as rows of text of the frame's width (pure functions of the app
 * state). The Ink components only place these rows; tests can read them directly.
 */
import type { AppState, Tab } from './app-reducer.js';
import { labContext, TABS } from './app-reducer.js';
import { exerciseDoc, exerciseTip } from './exercise-doc.js';
import { exerciseWindow } from './exercise-reducer.js';
import { contentWidth, layout } from './layout.js';
import { lessonDoc, lessonHeader, lessonWindow } from './lesson-reducer.js';
import { displayPath } from './exercise-doc.js';
import type { Theme } from './theme.js';
import { padEnd, textWidth, truncate, wrapText } from './text.js';
import { isRunning, scenarioRows, traceWindow } from './trace-reducer.js';
import type { LabStanding } from '../workspace/workspace.js';
import { formatTime } from '../trace/format.js';

export interface Frame {
  header: string;
  body: string[];
  /** One row, or two (joined by a newline) when it is too long for one: the body is a row shorter. */
  status: string;
  keys: string;
}

const TAB_NAMES: Record<Tab, string> = { lesson: 'Lesson', trace: 'Trace', exercise: 'Exercise' };

/** `left` and `right` on one row of `width` columns; `left` is cut first. */
function spread(left: string, right: string, width: number): string {
  const room = width - textWidth(right) - 1;
  if (room < 8) return truncate(left, width);
  return padEnd(truncate(left, room), room) + ' ' + right;
}

function statusMark(status: LabStanding, theme: Theme): string {
  return status === 'passed' ? theme.ok('● passed ') : status === 'started' ? theme.warn('◐ started') : theme.dim('○ new    ');
}

export function progressBar(done: number, total: number, cells: number): string {
  const filled = total === 0 ? 0 : Math.round((done / total) * cells);
  return '█'.repeat(filled) + '░'.repeat(cells - filled);
}

/**
 * The key bar: `key label` pairs, as many as fit; the last `keep` pairs (help, back/quit)
 * are always shown.
 */
function keyBar(pairs: Array<[string, string]>, theme: Theme, width: number, keep = 2): string {
  const fixed = pairs.slice(pairs.length - keep);
  const optional = pairs.slice(0, pairs.length - keep);
  const size = (list: Array<[string, string]>) => list.reduce((n, [k, l]) => n + (n ? 2 : 0) + textWidth(`${k} ${l}`), 0);
  const chosen: Array<[string, string]> = [];
  for (const pair of optional) {
    if (size([...chosen, pair, ...fixed]) > width) break;
    chosen.push(pair);
  }
  return [...chosen, ...fixed].map(([k, l]) => `${theme.key(k)} ${theme.dim(l)}`).join('  ');
}

function noticeRow(state: AppState, theme: Theme): string | null {
  const n = state.notice;
  if (!n) return null;
  const icon = n.level === 'ok' ? theme.ok('✓') : n.level === 'warn' ? theme.warn('!') : n.level === 'error' ? theme.fail('✗') : theme.accent('›');
  const text = n.level === 'error' ? theme.fail(n.text) : n.text;
  return `${icon} ${text}`;
}

function window(rows: string[], offset: number, height: number): string[] {
  return rows.slice(offset, offset + height);
}

export function homeFrame(state: AppState, theme: Theme): Frame {
  const { width, body } = layout(state.size);
  const cw = contentWidth(state.size);
  const labs = state.labs;
  const passed = labs.filter((l) => state.progress[l.id]?.passed).length;
  const rows: string[] = [];
  rows.push(...wrapText(theme.dim('Learn network programming with Node.js: real servers and clients on this machine, a live trace of the events Node emits, and exercises graded through real sockets.'), cw));
  rows.push('');
  rows.push(`${theme.bold('Progress')}  ${theme.ok(progressBar(passed, labs.length, 24))}  ${passed} of ${labs.length} labs passed`);
  rows.push('');
  const idWidth = Math.max(0, ...labs.map((l) => l.id.length));
  const listTop = rows.length;
  labs.forEach((lab, i) => {
    const selected = i === state.home.selected;
    const status = state.progress[lab.id]?.status ?? 'new';
    const line = `${selected ? theme.accent('›') : ' '} ${String(i + 1).padStart(2)}. ${selected ? theme.bold(lab.id.padEnd(idWidth)) : lab.id.padEnd(idWidth)}  ${statusMark(status, theme)}  ${lab.title}${lab.unsupported ? theme.dim(' (not on this machine)') : ''}`;
    rows.push(truncate(line, cw));
  });
  const selected = labs[state.home.selected];
  const details: string[] = [''];
  if (selected) {
    details.push(...wrapText(`${theme.bold(selected.id)}: ${selected.summary}`, cw));
    if (selected.unsupported) details.push(...wrapText(theme.warn(`This machine cannot run it: ${selected.unsupported}`), cw));
  }
  details.push('');
  const ws = state.workspace.exists
    ? `${theme.dim('Workspace')}  ${displayPath(state.workspace.dir)}`
    : `${theme.dim('Workspace')}  ${displayPath(state.workspace.dir)} ${theme.dim("(not created yet: press i on a lab's exercise screen)")}`;
  details.push(...wrapText(ws, cw, '           '));
  // With many labs, keep the chosen one in view and the details below.
  const room = body - listTop - details.length;
  let list = rows.slice(listTop);
  if (list.length > room && room > 0) {
    const start = Math.min(Math.max(0, state.home.selected - Math.floor(room / 2)), list.length - room);
    list = list.slice(start, start + room);
  }
  const all = [...rows.slice(0, listTop), ...list, ...details];
  const first = labs[0];
  const tips =
    passed === 0 && first && state.home.selected === 0
      ? [`New here? Press Enter to open ${first.id}: read the lesson, watch the demo, then solve the exercise.`, `New here? Enter opens ${first.id}: its lesson, its live demo, then the exercise.`, `New here? Enter opens ${first.id}.`]
      : ['Enter opens the chosen lab.'];
  const tip = tips.find((t) => textWidth(t) <= width) ?? tips[tips.length - 1]!;
  return {
    header: spread(theme.title('netlab') + theme.dim('  learn network programming with Node.js'), `${passed}/${labs.length} passed`, width),
    body: all.slice(0, body),
    status: noticeRow(state, theme) ?? theme.dim(tip),
    keys: keyBar([['↑↓', 'choose'], ['Enter', 'open'], ['?', 'help'], ['q', 'quit']], theme, width),
  };
}

function labHeader(state: AppState, theme: Theme): string {
  const { width } = layout(state.size);
  const lab = state.labs[state.lab!.index]!;
  const tabs = TABS.map((t, i) => (t === state.lab!.tab ? theme.selected(`[${i + 1} ${TAB_NAMES[t]}]`) : theme.dim(` ${i + 1} ${TAB_NAMES[t]} `))).join('');
  // The lab's title goes first when the row is short, never half of it (the home screen and
  // the lesson show it whole).
  const room = width - textWidth(tabs) - 1;
  const full = `${theme.title('netlab')} ${theme.dim('›')} ${theme.bold(lab.id)}  ${theme.dim(lab.title)}`;
  const left = textWidth(full) <= room ? full : `${theme.title('netlab')} ${theme.dim('›')} ${theme.bold(lab.id)}`;
  return spread(left, tabs, width);
}

const BACK: [string, string] = ['q', 'back'];
const HELP: [string, string] = ['?', 'help'];

function lessonFrame(state: AppState, theme: Theme): Frame {
  const ctx = labContext(state, theme)!;
  const { lab } = ctx;
  const { width } = layout(state.size);
  const cw = contentWidth(state.size);
  const ls = state.lab!.lesson;
  const height = lessonWindow(state.size, lab, ls.step, theme);
  const body: string[] = [];
  let more = false;
  let wide = false;
  if (lab.steps.length === 0) {
    body.push(...wrapText(`${lab.id} has no lesson yet. Press ${theme.key('r')} to run its demo, or ${theme.key('3')} for the exercise.`, cw));
  } else {
    body.push(...lessonHeader(lab, ls.step, cw, theme));
    const doc = lessonDoc(lab, ls.step, state.size, theme, ls.codeShift);
    body.push(...window(doc.rows, ls.offset, height));
    more = ls.offset + height < doc.rows.length;
    wide = doc.codeOverflow > 0;
  }
  const lastStep = ls.step + 1 >= lab.steps.length;
  const tip = more
    ? `↓ more below: ↑↓ scroll, PgUp PgDn pages${wide ? '; < > move the code sideways' : ''}`
    : wide
      ? ls.codeShift > 0 ? '< moves the code back; > further right' : 'Some code is wider than the screen (›): > shows the rest, < goes back.'
      : lastStep ? 'Done reading? r runs the demo and shows its live trace; 3 opens the exercise.' : '→ or Enter: next step';
  const keys: Array<[string, string]> = [['←→', 'step'], ['↑↓', 'scroll']];
  if (wide) keys.push(['<>', 'code']);
  keys.push(['r', 'run demo'], ['Tab', 'screens'], ['n', 'next lab'], HELP, BACK);
  return {
    header: labHeader(state, theme),
    body,
    status: noticeRow(state, theme) ?? theme.dim(tip),
    keys: keyBar(keys, theme, width),
  };
}

function traceFrame(state: AppState, theme: Theme): Frame {
  const ctx = labContext(state, theme)!;
  const { lab } = ctx;
  const { width } = layout(state.size);
  const cw = contentWidth(state.size);
  const tr = state.lab!.trace;
  const running = isRunning(tr);
  const scenario = lab.scenarios[tr.scenario];
  const body: string[] = scenarioRows(lab, tr, cw, theme);
  const headerRows = body.length;
  const log = tr.log;
  const packets = tr.runPackets && log ? (tr.wireNote ? ', no packets' : `, ${tr.packetCount} packet${tr.packetCount === 1 ? '' : 's'}`) : '';
  const events = log ? `${log.received} event${log.received === 1 ? '' : 's'}${packets}` : '';
  const time = tr.elapsed !== null ? ` in ${formatTime(tr.elapsed).trim()}` : '';
  switch (tr.status) {
    case 'idle':
      body.push(lab.unsupported ? theme.warn(`Cannot run here: ${lab.unsupported}`) : `Press ${theme.key('r')} to run it.`);
      break;
    case 'starting':
      body.push(theme.warn(`● starting ${scenario?.name ?? ''}…`));
      break;
    case 'running':
      body.push(theme.warn(`● running ${tr.ran}… ${events}`));
      break;
    case 'passed':
      body.push(theme.ok(`✓ ${tr.ran} finished: ${events}${time}`));
      break;
    case 'failed':
      body.push(theme.fail(`✗ ${tr.ran} failed: ${events}${time}`));
      break;
    case 'stopped':
      body.push(theme.warn(`■ ${tr.ran} stopped: ${events}${time}`));
      break;
  }
  const height = traceWindow(state.size, headerRows);
  let more = false;
  const diagram = tr.diagram;
  if (log && diagram) {
    body.push(theme.bold(diagram.header));
    if (diagram.rows.length === 0) body.push(theme.dim('  (nothing to draw yet)'));
    body.push(...window(diagram.rows, tr.offset, height - 1).map((row) => theme.dim(row.slice(0, 9)) + row.slice(9)));
    more = tr.offset + height - 1 < diagram.rows.length;
  } else if (log) {
    if (log.dropped > 0 && tr.offset === 0) body.push(theme.dim(`… ${log.dropped} earlier rows not kept (netlab run ${lab.id} --json keeps every event)`));
    body.push(...window(log.rows, tr.offset, height - (log.dropped > 0 && tr.offset === 0 ? 1 : 0)));
    more = tr.offset + height < log.rows.length;
  } else {
    body.push('');
    const intro = [
      `netlab starts the lab's programs as separate processes with real sockets on this machine and shows every event Node emits in them, as it happens:`,
      '',
      `  ${theme.dim('time')}      ${theme.dim('actor')}      ${theme.dim('object')}                 ${theme.dim('event')}        ${theme.dim('details')}`,
      `  ${formatTime(12.3)}  ${theme.tracePaint().actor('server', 'server    ')} net.Socket#1           ${theme.bold('data')}         5 B "hello"`,
      '',
      `Time is in ms since the run started (one clock for every process); each actor has its own colour; events are named as Node spells them; bytes show as a count and an escaped preview; a flood of identical events is folded into one row. Lines with » are netlab's narration.`,
      '',
      `r runs the demo with the reference solution; u runs it with your own file instead.${lab.scenarios.length > 1 ? ' ←→ chooses another scenario.' : ''}`,
    ];
    for (const p of intro) body.push(...(p === '' ? [''] : wrapText(p, cw)));
  }
  const sideways = diagram && diagram.left + diagram.right > 0 ? `${diagram.left ? `‹ ${diagram.left} ` : ''}< > more actors${diagram.right ? ` ${diagram.right} ›` : ''}` : '';
  const tip = running
    ? 'Streaming… x stops the run; ↑ scrolls back, End follows again.'
    : sideways
      ? `${sideways}; ↑↓ scroll; d the log`
      : more
        ? '↑↓ PgUp PgDn Home End scroll the trace'
        : tr.log
          ? tr.packets ? 'r runs it again with packets, u your file; d diagram, p no packets' : 'r runs the reference again, u your file; p with its packets; d diagram'
          : 'r runs the demo, u runs it with your file, p with its packets';
  const view: [string, string] = ['d', tr.view === 'log' ? 'diagram' : 'log'];
  const wire: [string, string] = ['p', tr.packets ? 'no packets' : 'packets'];
  const keys: Array<[string, string]> = running
    ? [['x', 'stop'], wire, view, ['↑↓', 'scroll'], ['End', 'follow'], ['Tab', 'screens'], HELP, BACK]
    : [['r', 'run'], ['u', 'yours'], wire, view, ...(sideways ? [['<>', 'actors'] as [string, string]] : []), ['a', tr.allEvents ? 'fewer events' : 'all events'], ['←→', 'scenario'], ['↑↓', 'scroll'], ['Tab', 'screens'], ['n', 'next lab'], HELP, BACK];
  return { header: labHeader(state, theme), body: body.slice(0, layout(state.size).body), status: noticeRow(state, theme) ?? theme.dim(tip), keys: keyBar(keys, theme, width) };
}

function confirmQuestion(dir: string, exists: boolean, width: number, theme: Theme): string {
  const full = exists ? `Add the missing starter files to ${dir}? (y/n)` : `Create ${dir} with a starter file per lab? (y/n)`;
  const short = exists ? 'Add the missing starter files to your workspace? (y/n)' : 'Create the workspace folder named above, with a starter file per lab? (y/n)';
  const text = textWidth(full) + 2 <= width ? full : short;
  return `${theme.warn('?')} ${text}`;
}

function exerciseFrame(state: AppState, theme: Theme): Frame {
  const ctx = labContext(state, theme)!;
  const { width } = layout(state.size);
  const ex = state.lab!.exercise;
  const doc = exerciseDoc(ex, ctx);
  const height = exerciseWindow(state.size);
  const body = window(doc.rows, ex.offset, height);
  const more = ex.offset + height < doc.rows.length;
  if (ex.confirmInit) {
    return {
      header: labHeader(state, theme),
      body,
      status: confirmQuestion(displayPath(ctx.workspace.dir), ctx.workspace.exists, width, theme),
      keys: keyBar([['y', 'yes, create it'], ['n', 'no']], theme, width, 0),
    };
  }
  const keys: Array<[string, string]> = [['g', 'grade'], ['h', 'hint']];
  const failing = ex.grade ? ex.grade.checks.filter((c) => c.status === 'failed' && c.trace?.length).length : 0;
  if (failing > 1) keys.push(['t', 'next trace']);
  if (ctx.progress.passed) keys.push(['s', 'solution']);
  if (!ctx.progress.file) keys.push(['i', 'create file']);
  if (doc.codeOverflow > 0) keys.push(['<>', 'code']);
  keys.push(['n', 'next lab'], ['↑↓', 'scroll'], ['Tab', 'screens'], HELP, BACK);
  return {
    header: labHeader(state, theme),
    body,
    status: noticeRow(state, theme) ?? theme.dim(more && !ex.grading ? '↓ more below: ↑↓ scroll, PgUp PgDn pages' : exerciseTip(ex, ctx.progress)),
    keys: keyBar(keys, theme, width),
  };
}

const HELP_ROWS: Array<[string, string]> = [
  ['↑ ↓  j k', 'move in a list, scroll a page'],
  ['PgUp PgDn Home End', 'scroll by pages, to the top, to the end'],
  ['Enter', 'open the chosen lab (in a lesson: next step)'],
  ['← →', 'previous / next lesson step; choose a demo scenario'],
  ['Tab  1 2 3', 'switch between lesson, trace and exercise'],
  ['r  u  x', 'run the demo: r the reference, u your file; x stops it'],
  ['p  d', 'p: capture the packets too (or not); d: diagram or log'],
  ['a', 'show every event in the trace, quiet ones too (or not)'],
  ['g  h', 'grade your exercise; reveal the next hint'],
  ['s', 'show the reference solution (once your exercise passed)'],
  ['t', "show the next failing check's trace"],
  ['< >', 'move wide code, or the diagram\'s actors, sideways'],
  ['i', 'create your workspace (netlab init), after asking'],
  ['n', 'next lab'],
  ['q  Esc', 'back; on the list of labs: quit'],
  ['Ctrl-C', 'quit (every process netlab started is stopped)'],
];

function helpFrame(state: AppState, theme: Theme, under: Frame): Frame {
  const { width } = layout(state.size);
  const cw = contentWidth(state.size);
  const body: string[] = [theme.heading('Keys')];
  for (const [k, what] of HELP_ROWS) body.push(truncate(`  ${padEnd(theme.key(k), 20)} ${what}`, cw));
  body.push('');
  body.push(...wrapText(theme.dim('Passes and hints are saved in your workspace. Also: netlab list, run, grade.'), cw));
  return { header: under.header, body: body.slice(0, layout(state.size).body), status: theme.dim('Any key closes the help.'), keys: keyBar([['any key', 'close']], theme, width, 0) };
}

export function frame(state: AppState, theme: Theme): Frame {
  let f: Frame;
  if (state.screen === 'home' || !state.lab) f = homeFrame(state, theme);
  else if (state.lab.tab === 'lesson') f = lessonFrame(state, theme);
  else if (state.lab.tab === 'trace') f = traceFrame(state, theme);
  else f = exerciseFrame(state, theme);
  if (state.help) f = helpFrame(state, theme, f);
  // Nothing wider than the frame, whatever a screen produced. A status too long for one row
  // (a notice, a grader's message) takes a second row from the body rather than being cut.
  const { width, body } = layout(state.size);
  const cw = contentWidth(state.size);
  const status = wrapText(f.status, width);
  if (status.length > 2) status.splice(1, status.length - 1, truncate(status[1]! + ' …', width));
  return {
    header: truncate(f.header, width),
    body: f.body.slice(0, body - (status.length - 1)).map((r) => truncate(r, cw)),
    status: status.join('\n'),
    keys: truncate(f.keys, width),
  };
}
