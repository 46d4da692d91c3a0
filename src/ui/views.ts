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
import { t, type MessageKey } from '../i18n/index.js';

export interface Frame {
  header: string;
  body: string[];
  /** One row, or two (joined by a newline) when it is too long for one: the body is a row shorter. */
  status: string;
  keys: string;
}

const tabName = (tab: Tab): string => t(tab === 'lesson' ? 'ui.tab.lesson' : tab === 'trace' ? 'ui.tab.trace' : 'ui.tab.exercise');

/** `left` and `right` on one row of `width` columns; `left` is cut first. */
function spread(left: string, right: string, width: number): string {
  const room = width - textWidth(right) - 1;
  if (room < 8) return truncate(left, width);
  return padEnd(truncate(left, room), room) + ' ' + right;
}

function statusMark(status: LabStanding, theme: Theme): string {
  return status === 'passed' ? theme.ok(t('list.status.passed')) : status === 'started' ? theme.warn(t('list.status.started')) : theme.dim(t('list.status.new'));
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

/**
 * What a scrolled window shows when a two-row status took one of its rows (`shrink`): the
 * reducers scroll for the full window (`full` rows), so at the end of the rows (or following
 * them) the shorter window moves down to keep showing the last row; elsewhere it starts at
 * `offset` and the row it lost is further down.
 */
function scrolled(rows: string[], offset: number, full: number, shrink: number, follow = false): { rows: string[]; more: boolean } {
  const height = Math.max(1, full - shrink);
  const atEnd = shrink > 0 && offset + full >= rows.length && (offset > 0 || follow);
  const start = atEnd ? Math.max(0, rows.length - height) : offset;
  return { rows: rows.slice(start, start + height), more: start + height < rows.length };
}

export function homeFrame(state: AppState, theme: Theme, shrink = 0): Frame {
  const { width } = layout(state.size);
  const body = layout(state.size).body - shrink;
  const cw = contentWidth(state.size);
  const labs = state.labs;
  const passed = labs.filter((l) => state.progress[l.id]?.passed).length;
  const rows: string[] = [];
  rows.push(...wrapText(theme.dim(t('ui.home.intro')), cw));
  rows.push('');
  rows.push(`${theme.bold(t('ui.home.progress'))}  ${theme.ok(progressBar(passed, labs.length, 24))}  ${t('ui.home.passedOf', { passed, count: labs.length })}`);
  rows.push('');
  const idWidth = Math.max(0, ...labs.map((l) => l.id.length));
  const listTop = rows.length;
  labs.forEach((lab, i) => {
    const selected = i === state.home.selected;
    const status = state.progress[lab.id]?.status ?? 'new';
    const line = `${selected ? theme.accent('›') : ' '} ${String(i + 1).padStart(2)}. ${selected ? theme.bold(lab.id.padEnd(idWidth)) : lab.id.padEnd(idWidth)}  ${statusMark(status, theme)}  ${lab.title}${lab.unsupported ? theme.dim(t('ui.home.notHere')) : ''}`;
    rows.push(truncate(line, cw));
  });
  const selected = labs[state.home.selected];
  const details: string[] = [''];
  if (selected) {
    details.push(...wrapText(`${theme.bold(selected.id)}: ${selected.summary}`, cw));
    if (selected.unsupported) details.push(...wrapText(theme.warn(t('ui.home.cannotRun', { reason: selected.unsupported })), cw));
  }
  details.push('');
  const ws = state.workspace.exists
    ? `${theme.dim(t('ui.home.workspace'))}  ${displayPath(state.workspace.dir)}`
    : `${theme.dim(t('ui.home.workspace'))}  ${displayPath(state.workspace.dir)} ${theme.dim(t('ui.home.workspaceMissing'))}`;
  details.push(...wrapText(ws, cw, ' '.repeat(textWidth(t('ui.home.workspace')) + 2)));
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
      ? [t('ui.home.tipNew1', { lab: first.id }), t('ui.home.tipNew2', { lab: first.id }), t('ui.home.tipNew3', { lab: first.id })]
      : [t('ui.home.tipOpen')];
  const tip = tips.find((text) => textWidth(text) <= width) ?? tips[tips.length - 1]!;
  return {
    header: spread(theme.title('netlab') + theme.dim(t('ui.home.tagline')), t('ui.home.passedShort', { passed, total: labs.length }), width),
    body: all.slice(0, body),
    status: noticeRow(state, theme) ?? theme.dim(tip),
    keys: keyBar([['↑↓', t('ui.key.choose')], ['Enter', t('ui.key.open')], ['L', t('ui.key.language')], ['?', t('ui.key.help')], ['q', t('ui.key.quit')]], theme, width),
  };
}

function labHeader(state: AppState, theme: Theme): string {
  const { width } = layout(state.size);
  const lab = state.labs[state.lab!.index]!;
  const tabs = TABS.map((t, i) => (t === state.lab!.tab ? theme.selected(`[${i + 1} ${tabName(t)}]`) : theme.dim(` ${i + 1} ${tabName(t)} `))).join('');
  // The lab's title goes first when the row is short, never half of it (the home screen and
  // the lesson show it whole).
  const room = width - textWidth(tabs) - 1;
  const full = `${theme.title('netlab')} ${theme.dim('›')} ${theme.bold(lab.id)}  ${theme.dim(lab.title)}`;
  const left = textWidth(full) <= room ? full : `${theme.title('netlab')} ${theme.dim('›')} ${theme.bold(lab.id)}`;
  return spread(left, tabs, width);
}

const back = (): [string, string] => ['q', t('ui.key.back')];
const help = (): [string, string] => ['?', t('ui.key.help')];

function lessonFrame(state: AppState, theme: Theme, shrink: number): Frame {
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
    body.push(...wrapText(t('ui.lesson.none', { lab: lab.id, r: theme.key('r'), three: theme.key('3') }), cw));
  } else {
    body.push(...lessonHeader(lab, ls.step, cw, theme));
    const doc = lessonDoc(lab, ls.step, state.size, theme, ls.codeShift);
    const shown = scrolled(doc.rows, ls.offset, height, shrink);
    body.push(...shown.rows);
    more = shown.more;
    wide = doc.codeOverflow > 0;
  }
  const lastStep = ls.step + 1 >= lab.steps.length;
  const tip = more
    ? t('ui.more') + (wide ? t('ui.lesson.moreWide') : '')
    : wide
      ? ls.codeShift > 0 ? t('ui.lesson.codeBack') : t('ui.lesson.codeWide')
      : lastStep ? t('ui.lesson.done') : t('ui.lesson.next');
  const keys: Array<[string, string]> = [['←→', t('ui.key.step')], ['↑↓', t('ui.key.scroll')]];
  if (wide) keys.push(['<>', t('ui.key.code')]);
  keys.push(['r', t('ui.key.runDemo')], ['Tab', t('ui.key.screens')], ['n', t('ui.key.nextLab')], help(), back());
  return {
    header: labHeader(state, theme),
    body,
    status: noticeRow(state, theme) ?? theme.dim(tip),
    keys: keyBar(keys, theme, width),
  };
}

function traceFrame(state: AppState, theme: Theme, shrink: number): Frame {
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
  const packets = tr.runPackets && log ? (tr.wireNote ? t('ui.trace.noPackets') : t('ui.trace.packetCount', { count: tr.packetCount })) : '';
  const events = log ? t('ui.trace.events', { count: log.received }) + packets : '';
  const time = tr.elapsed !== null ? t('ui.trace.in', { time: formatTime(tr.elapsed).trim() }) : '';
  switch (tr.status) {
    case 'idle':
      body.push(lab.unsupported ? theme.warn(t('ui.trace.cannotRun', { reason: lab.unsupported })) : t('ui.trace.pressRun', { r: theme.key('r') }));
      break;
    case 'starting':
      body.push(theme.warn(t('ui.trace.starting', { name: scenario?.name ?? '' })));
      break;
    case 'running':
      body.push(theme.warn(t('ui.trace.running', { name: tr.ran ?? '', events })));
      break;
    case 'passed':
      body.push(theme.ok(t('ui.trace.finished', { name: tr.ran ?? '', events, time })));
      break;
    case 'failed':
      body.push(theme.fail(t('ui.trace.failed', { name: tr.ran ?? '', events, time })));
      break;
    case 'stopped':
      body.push(theme.warn(t('ui.trace.stopped', { name: tr.ran ?? '', events, time })));
      break;
  }
  const height = traceWindow(state.size, headerRows);
  let more = false;
  const diagram = tr.diagram;
  if (log && diagram) {
    body.push(theme.bold(diagram.header));
    if (diagram.rows.length === 0) body.push(theme.dim(`  ${t('ui.trace.nothingToDraw')}`));
    const shown = scrolled(diagram.rows, tr.offset, height - 1, shrink, tr.follow);
    body.push(...shown.rows.map((row) => theme.dim(row.slice(0, 9)) + row.slice(9)));
    more = shown.more;
  } else if (log) {
    if (log.dropped > 0 && tr.offset === 0) body.push(theme.dim(t('ui.trace.dropped', { count: log.dropped, lab: lab.id })));
    const shown = scrolled(log.rows, tr.offset, height, shrink + (log.dropped > 0 && tr.offset === 0 ? 1 : 0), tr.follow);
    body.push(...shown.rows);
    more = shown.more;
  } else {
    body.push('');
    // A column label, dimmed, padded to the width of the example row's column below it.
    const column = (key: MessageKey, width: number) => theme.dim(t(key)) + ' '.repeat(Math.max(1, width - textWidth(t(key))));
    const intro = [
      t('ui.trace.intro1'),
      '',
      `  ${column('ui.trace.col.time', 11)}${column('ui.trace.col.actor', 11)}${column('ui.trace.col.object', 23)}${column('ui.trace.col.event', 13)}${theme.dim(t('ui.trace.col.details'))}`,
      `  ${formatTime(12.3)}  ${theme.tracePaint().actor('server', 'server    ')} net.Socket#1           ${theme.bold('data')}         5 B "hello"`,
      '',
      t('ui.trace.intro2'),
      '',
      t('ui.trace.intro3') + (lab.scenarios.length > 1 ? t('ui.trace.intro3Scenarios') : ''),
    ];
    for (const p of intro) body.push(...(p === '' ? [''] : wrapText(p, cw)));
  }
  const sideways = diagram && diagram.left + diagram.right > 0 ? `${diagram.left ? `‹ ${diagram.left} ` : ''}${t('ui.trace.moreActors')}${diagram.right ? ` ${diagram.right} ›` : ''}` : '';
  const tip = running
    ? t('ui.trace.tipRunning')
    : sideways
      ? t('ui.trace.tipSideways', { sideways })
      : more
        ? t('ui.trace.tipMore')
        : tr.log
          ? t(tr.packets ? 'ui.trace.tipAgainPackets' : 'ui.trace.tipAgainNoPackets')
          : t('ui.trace.tipRunPackets');
  const view: [string, string] = ['d', t(tr.view === 'log' ? 'ui.key.diagram' : 'ui.key.log')];
  const wire: [string, string] = ['p', t(tr.packets ? 'ui.key.noPackets' : 'ui.key.packets')];
  const keys: Array<[string, string]> = running
    ? [['x', t('ui.key.stop')], wire, view, ['↑↓', t('ui.key.scroll')], ['End', t('ui.key.follow')], ['Tab', t('ui.key.screens')], help(), back()]
    : [['r', t('ui.key.run')], ['u', t('ui.key.yours')], wire, view, ...(sideways ? [['<>', t('ui.key.actors')] as [string, string]] : []), ['a', t(tr.allEvents ? 'ui.key.fewerEvents' : 'ui.key.allEvents')], ['←→', t('ui.key.scenario')], ['↑↓', t('ui.key.scroll')], ['Tab', t('ui.key.screens')], ['n', t('ui.key.nextLab')], help(), back()];
  return { header: labHeader(state, theme), body: body.slice(0, layout(state.size).body - shrink), status: noticeRow(state, theme) ?? theme.dim(tip), keys: keyBar(keys, theme, width) };
}

function confirmQuestion(dir: string, exists: boolean, width: number, theme: Theme): string {
  const full = exists ? t('ui.confirm.addTo', { dir }) : t('ui.confirm.create', { dir });
  const short = exists ? t('ui.confirm.addShort') : t('ui.confirm.createShort');
  const text = textWidth(full) + 2 <= width ? full : short;
  return `${theme.warn('?')} ${text}`;
}

function exerciseFrame(state: AppState, theme: Theme, shrink: number): Frame {
  const ctx = labContext(state, theme)!;
  const { width } = layout(state.size);
  const ex = state.lab!.exercise;
  const doc = exerciseDoc(ex, ctx);
  const height = exerciseWindow(state.size);
  const { rows: body, more } = scrolled(doc.rows, ex.offset, height, shrink);
  if (ex.confirmInit) {
    return {
      header: labHeader(state, theme),
      body,
      status: confirmQuestion(displayPath(ctx.workspace.dir), ctx.workspace.exists, width, theme),
      keys: keyBar([['y', t('ui.key.yesCreate')], ['n', t('ui.key.no')]], theme, width, 0),
    };
  }
  const keys: Array<[string, string]> = [['g', t('ui.key.grade')], ['h', t('ui.key.hint')]];
  const failing = ex.grade ? ex.grade.checks.filter((c) => c.status === 'failed' && c.trace?.length).length : 0;
  if (failing > 1) keys.push(['t', t('ui.key.nextTrace')]);
  if (ctx.progress.passed) keys.push(['s', t('ui.key.solution')]);
  if (!ctx.progress.file) keys.push(['i', t('ui.key.createFile')]);
  if (doc.codeOverflow > 0) keys.push(['<>', t('ui.key.code')]);
  keys.push(['n', t('ui.key.nextLab')], ['↑↓', t('ui.key.scroll')], ['Tab', t('ui.key.screens')], help(), back());
  return {
    header: labHeader(state, theme),
    body,
    status: noticeRow(state, theme) ?? theme.dim(more && !ex.grading ? t('ui.more') : exerciseTip(ex, ctx.progress)),
    keys: keyBar(keys, theme, width),
  };
}

const HELP_ROWS: Array<[string, MessageKey]> = [
  ['↑ ↓  j k', 'ui.help.row1'],
  ['PgUp PgDn Home End', 'ui.help.row2'],
  ['Enter', 'ui.help.row3'],
  ['← →', 'ui.help.row4'],
  ['Tab  1 2 3', 'ui.help.row5'],
  ['r  u  x', 'ui.help.row6'],
  ['p  d', 'ui.help.packets'],
  ['a', 'ui.help.row7'],
  ['g  h', 'ui.help.row8'],
  ['s', 'ui.help.row10'],
  ['t', 'ui.help.row11'],
  ['< >', 'ui.help.row12'],
  ['i', 'ui.help.row13'],
  ['n', 'ui.help.row14'],
  ['L', 'ui.help.language'],
  ['q  Esc', 'ui.help.row15'],
  ['Ctrl-C', 'ui.help.row16'],
];

function helpFrame(state: AppState, theme: Theme, under: Frame): Frame {
  const { width } = layout(state.size);
  const cw = contentWidth(state.size);
  const body: string[] = [theme.heading(t('ui.help.keys'))];
  for (const [k, what] of HELP_ROWS) body.push(truncate(`  ${padEnd(theme.key(k), 20)} ${t(what)}`, cw));
  body.push('');
  body.push(...wrapText(theme.dim(t('ui.help.footer')), cw));
  return { header: under.header, body: body.slice(0, layout(state.size).body), status: theme.dim(t('ui.help.close')), keys: keyBar([[t('ui.key.anyKey'), t('ui.key.close')]], theme, width, 0) };
}

/** The screen's frame with its body `shrink` rows shorter than the layout's. */
function screenFrame(state: AppState, theme: Theme, shrink: number): Frame {
  let f: Frame;
  if (state.screen === 'home' || !state.lab) f = homeFrame(state, theme, shrink);
  else if (state.lab.tab === 'lesson') f = lessonFrame(state, theme, shrink);
  else if (state.lab.tab === 'trace') f = traceFrame(state, theme, shrink);
  else f = exerciseFrame(state, theme, shrink);
  if (state.help) f = helpFrame(state, theme, f);
  return f;
}

export function frame(state: AppState, theme: Theme): Frame {
  // Nothing wider than the frame, whatever a screen produced. A status too long for one row
  // (a notice, a grader's message) takes a second row from the body rather than being cut:
  // the screen is laid out again a row shorter, so its window still ends at its last row.
  const { width, body } = layout(state.size);
  let f = screenFrame(state, theme, 0);
  if (wrapText(f.status, width).length > 1) f = screenFrame(state, theme, 1);
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
