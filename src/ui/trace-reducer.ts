/**
 * The live trace screen: pick a scenario (←/→), `r` runs it, the trace streams in (the
 * window follows the end while it runs), the lab's summary is appended when it ends, and the
 * whole log stays scrollable afterwards. `r` runs the reference implementation, `u` the
 * learner's file; `x` stops a run. `p` runs it again with its packets captured (and keeps doing
 * so until pressed again); `d` shows the run as a sequence diagram instead of the log (`<` `>`
 * move its columns sideways when there are more actors than fit).
 */
import { renderDiagram } from '../wire/diagram.js';
import { WIRE_ACTOR } from '../wire/format.js';
import { renderSummary } from '../trace/summary.js';
import type { Input } from './input.js';
import { contentWidth, layout, type Size } from './layout.js';
import { clampOffset, maxOffset, scrollBy } from './scroll.js';
import type { LabContext, Step } from './reducer.js';
import { TraceLog } from './trace-log.js';
import { padEnd, textWidth, wrapText } from './text.js';
import type { Theme } from './theme.js';
import type { LabView } from '../session/types.js';
import { t } from '../i18n/index.js';

export type RunStatus = 'idle' | 'starting' | 'running' | 'passed' | 'failed' | 'stopped';

export interface TraceState {
  /** Index of the chosen scenario. */
  scenario: number;
  /** The run shown (or starting) uses the learner's file instead of the reference solution. */
  learnerCode: boolean;
  status: RunStatus;
  /** The run whose lines are shown. */
  runId: number | null;
  /** Scenario name of that run. */
  ran: string | null;
  log: TraceLog | null;
  /** Rows in the log when this state was made (the log is append-only: this is its version). */
  version: number;
  /** Top row of the window. */
  offset: number;
  /** Keep the window on the last rows as lines arrive. */
  follow: boolean;
  /** Run time in ms, from the last trace line's time, when a run ended. */
  elapsed: number | null;
  /** Show the lines the lab keeps quiet too (the `a` key). */
  allEvents: boolean;
  /** Runs capture their packets (the `p` key); the app keeps it from lab to lab. */
  packets: boolean;
  /** The run shown asked for its packets. */
  runPackets: boolean;
  /** Packets on the trace of the run shown. */
  packetCount: number;
  /** Why the run shown has no packets although it asked for them. */
  wireNote: string | null;
  /** The log, or the run drawn as a sequence diagram (the `d` key). */
  view: 'log' | 'diagram';
  /** The first actor column of the diagram (`<` `>`). */
  firstActor: number;
  /** The diagram's rows at this width (its first row, the actors' names, stays on top), or null in the log view. */
  diagram: DiagramView | null;
}

export interface DiagramView {
  header: string;
  rows: string[];
  /** Actors off-screen on the left and on the right. */
  left: number;
  right: number;
}

export const initialTrace: TraceState = {
  scenario: 0,
  learnerCode: false,
  status: 'idle',
  runId: null,
  ran: null,
  log: null,
  version: 0,
  offset: 0,
  follow: true,
  elapsed: null,
  allEvents: false,
  packets: false,
  runPackets: false,
  packetCount: 0,
  wireNote: null,
  view: 'log',
  firstActor: 0,
  diagram: null,
};

/**
 * The scenario chosen, with its title wrapped (never cut) and, on the right of the first
 * row, which implementation the run on screen uses (nothing before the first run).
 */
export function scenarioRows(lab: LabView, state: TraceState, width: number, theme: Theme): string[] {
  const scenario = lab.scenarios[state.scenario];
  const which = state.status === 'idle' ? '' : state.learnerCode ? theme.warn(t('ui.trace.yourCode')) : theme.dim(t('ui.trace.referenceCode'));
  const arrows = lab.scenarios.length > 1 ? [theme.dim('‹ '), theme.dim(' ›')] : ['', ''];
  const name = `${theme.dim(t('ui.trace.scenario'))} ${arrows[0]}${theme.bold(scenario?.name ?? '-')}${arrows[1]} ${theme.dim(`${state.scenario + 1}/${lab.scenarios.length}`)}`;
  const left = `${name} ${scenario?.title ?? ''}`;
  const room = width - (which ? textWidth(which) + 1 : 0);
  const rows = wrapText(left, room, '  ');
  if (which) rows[0] = padEnd(rows[0]!, room) + ' ' + which;
  return rows;
}

/** Rows of the log's window under `headerRows` scenario rows and the run's status row. */
export function traceWindow(size: Size, headerRows = 1): number {
  return Math.max(1, layout(size).body - headerRows - 1);
}

/**
 * The diagram draws the last lines of a run only: it is drawn again whole as lines arrive, and a
 * flood of thousands of events would make every batch cost seconds (the log keeps them all).
 */
export const DIAGRAM_LINES = 400;

/** The run as a sequence diagram `width` columns wide, from the log's last lines. */
function drawDiagram(state: TraceState, ctx: LabContext): DiagramView {
  const all = state.log?.lines ?? [];
  const left = Math.max(0, all.length - DIAGRAM_LINES);
  const drawing = renderDiagram(left ? all.slice(left) : all, { width: contentWidth(ctx.size), firstActor: state.firstActor, policy: ctx.lab.trace, allEvents: state.allEvents });
  const first = drawing.shown.length ? drawing.actors.indexOf(drawing.shown[0]!) : 0;
  // The drawing ends with a row naming the actors off-screen: the key bar says it instead.
  const hidden = drawing.shown.length < drawing.actors.length;
  const rows = drawing.rows.slice(1, hidden ? -1 : undefined);
  if (left) rows.unshift(t('ui.trace.notDrawn', { count: left }));
  return { header: drawing.rows[0] ?? '', rows, left: first, right: drawing.actors.length - first - drawing.shown.length };
}

/** Rows the window scrolls over, and the window's height, in the view on screen. */
function scrollable(state: TraceState, ctx: LabContext): { total: number; height: number } {
  const height = traceWindow(ctx.size, scenarioRows(ctx.lab, state, contentWidth(ctx.size), ctx.theme).length);
  // The diagram's header row (the actors' names) stays above its window.
  if (state.diagram) return { total: state.diagram.rows.length, height: Math.max(1, height - 1) };
  return { total: state.log?.rows.length ?? 0, height };
}

function settle(state: TraceState, ctx: LabContext): TraceState {
  const diagram = state.view === 'diagram' ? drawDiagram(state, ctx) : null;
  const next = { ...state, diagram, firstActor: diagram ? diagram.left : state.firstActor };
  const { total, height } = scrollable(next, ctx);
  return { ...next, version: (state.log?.rows.length ?? 0) + (state.log?.dropped ?? 0), offset: state.follow ? maxOffset(total, height) : clampOffset(state.offset, total, height) };
}

export function isRunning(state: TraceState): boolean {
  return state.status === 'starting' || state.status === 'running';
}

/**
 * `r` runs the chosen scenario with the reference solution, `u` with the learner's file (what
 * `netlab run <lab> --use <file>` does).
 */
function startRun(state: TraceState, learnerCode: boolean, ctx: LabContext, packets = state.packets): Step<TraceState> {
  const { lab } = ctx;
  if (isRunning(state)) return { state, notice: { level: 'info', text: t('ui.trace.busy') } };
  if (lab.unsupported) return { state, notice: { level: 'warn', text: t('ui.trace.cannotRunLab', { lab: lab.id, reason: lab.unsupported }) } };
  const scenario = lab.scenarios[state.scenario]?.name;
  if (!scenario) return { state };
  if (learnerCode && !ctx.progress.file) {
    return { state, notice: { level: 'warn', text: t('ui.trace.noFile') } };
  }
  return {
    state: { ...state, status: 'starting', learnerCode },
    commands: [{ type: 'run', lab: lab.id, scenario, learnerCode, ...(packets ? { packets: true } : {}) }],
  };
}

/** `p`: capture the packets of this run and the next ones, or stop capturing them. */
function togglePackets(state: TraceState, ctx: LabContext): Step<TraceState> {
  const packets = !state.packets;
  const next = { ...state, packets };
  if (!packets) return { state: next, notice: { level: 'info', text: t('ui.trace.packetsOff') } };
  if (isRunning(state)) return { state: next, notice: { level: 'info', text: t('ui.trace.packetsOn') } };
  const step = startRun(next, state.status === 'idle' ? false : state.learnerCode, ctx, true);
  if (!step.commands?.length) return { state: next, notice: step.notice };
  return { ...step, notice: { level: 'info', text: t('ui.trace.packetsRerun') } };
}

export function traceReducer(state: TraceState, input: Input, ctx: LabContext): Step<TraceState> {
  const { lab, size, theme } = ctx;
  switch (input.type) {
    case 'resize':
      state.log?.resize(contentWidth(size));
      return { state: settle(state, ctx) };
    case 'run-started': {
      if (input.lab !== lab.id) return { state };
      const log = new TraceLog(theme, contentWidth(size), undefined, lab.trace, state.allEvents);
      const wire = { runPackets: input.packets === true, packetCount: 0, wireNote: null };
      return { state: settle({ ...state, ...wire, status: 'running', runId: input.runId, ran: input.scenario, log, follow: true, offset: 0, elapsed: null, learnerCode: input.learnerCode }, ctx) };
    }
    case 'packets-unavailable': {
      if (input.runId !== state.runId) return { state };
      return { state: { ...state, wireNote: input.reason }, notice: { level: 'warn', text: t('ui.trace.noPacketsWhy', { reason: input.reason }) } };
    }
    case 'trace': {
      if (input.runId !== state.runId || !state.log) return { state };
      state.log.append(input.lines);
      const last = input.lines[input.lines.length - 1];
      let packetCount = state.packetCount;
      for (const line of input.lines) if (line.actor === WIRE_ACTOR && line.type === 'event') packetCount++;
      return { state: settle({ ...state, packetCount, elapsed: last ? last.t : state.elapsed }, ctx) };
    }
    case 'run-ended': {
      if (input.runId !== state.runId || !state.log) return { state };
      const { result } = input;
      state.log.end();
      const summary = renderSummary(result, theme.chalk, ctx.lab.summaryLabels).split('\n');
      state.log.text(['']);
      state.log.rule(`${result.lab} / ${result.scenario}`);
      state.log.text(summary);
      const status: RunStatus = input.stopped ? 'stopped' : result.ok ? 'passed' : 'failed';
      const notice = input.stopped
        ? { level: 'info' as const, text: t('ui.trace.stoppedNotice') }
        : result.ok && state.wireNote
          ? { level: 'warn' as const, text: t('ui.trace.finishedNoPackets', { reason: state.wireNote }) }
        : result.ok
          ? { level: 'ok' as const, text: t('ui.trace.finishedNotice') }
          : { level: 'error' as const, text: t('ui.trace.demoFailed', { message: result.error?.message.split('\n')[0] ?? t('run.summary.unknownError') }) };
      return { state: settle({ ...state, status }, ctx), notice };
    }
    case 'key':
      break;
    default:
      return { state };
  }

  const key = input.key;
  const running = isRunning(state);
  switch (key) {
    case 'r':
    case 'u':
      return startRun(state, key === 'u', ctx);
    case 'a': {
      const allEvents = !state.allEvents;
      state.log?.setAllEvents(allEvents);
      return {
        state: settle({ ...state, allEvents }, ctx),
        notice: { level: 'info', text: allEvents ? t('ui.trace.allShown') : t('ui.trace.quietHidden', { lab: lab.id }) },
      };
    }
    case 'x':
      if (!running) return { state };
      return { state, commands: [{ type: 'stop' }] };
    case 'p':
      return togglePackets(state, ctx);
    case 'd': {
      const view = state.view === 'log' ? 'diagram' : 'log';
      const text =
        view === 'log'
          ? t('ui.trace.logAgain')
          : state.packetCount > 0 || !state.log
            ? t('ui.trace.diagramShown')
            : t('ui.trace.diagramEvents');
      return { state: settle({ ...state, view, follow: state.follow || !state.log }, ctx), notice: { level: 'info', text } };
    }
    case '<':
    case '>':
    case ',':
    case '.': {
      if (!state.diagram) return { state };
      const step = key === '>' || key === '.' ? 1 : -1;
      if ((step > 0 && state.diagram.right === 0) || (step < 0 && state.diagram.left === 0)) return { state };
      return { state: settle({ ...state, firstActor: state.diagram.left + step }, ctx) };
    }
    case 'left':
    case 'right': {
      if (running) return { state, notice: { level: 'info', text: t('ui.trace.waitScenario') } };
      const n = lab.scenarios.length;
      if (n < 2) return { state };
      const scenario = (state.scenario + (key === 'right' ? 1 : n - 1)) % n;
      return { state: { ...state, scenario } };
    }
  }
  const { total, height } = scrollable(state, ctx);
  const offset = scrollBy(key, state.offset, total, height);
  if (offset === undefined) return { state };
  return { state: { ...state, offset, follow: offset >= maxOffset(total, height) } };
}
