/**
 * The live trace screen: pick a scenario (←/→), `r` runs it, the trace streams in (the
 * window follows the end while it runs), the lab's summary is appended when it ends, and the
 * whole log stays scrollable afterwards. `r` runs the reference implementation, `u` the
 * learner's file; `x` stops a run.
 */
import { renderSummary } from '../trace/summary.js';
import type { Input } from './input.js';
import { contentWidth, layout, type Size } from './layout.js';
import { clampOffset, maxOffset, scrollBy } from './scroll.js';
import type { LabContext, Step } from './screen.js';
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

function settle(state: TraceState, ctx: LabContext): TraceState {
  const { size } = ctx;
  const total = state.log?.rows.length ?? 0;
  const height = traceWindow(size, scenarioRows(ctx.lab, state, contentWidth(size), ctx.theme).length);
  return { ...state, version: total + (state.log?.dropped ?? 0), offset: state.follow ? maxOffset(total, height) : clampOffset(state.offset, total, height) };
}

export function isRunning(state: TraceState): boolean {
  return state.status === 'starting' || state.status === 'running';
}

/**
 * `r` runs the chosen scenario with the reference solution, `u` with the learner's file (what
 * `netlab run <lab> --use <file>` does).
 */
function startRun(state: TraceState, learnerCode: boolean, ctx: LabContext): Step<TraceState> {
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
    commands: [{ type: 'run', lab: lab.id, scenario, learnerCode }],
  };
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
      return { state: settle({ ...state, status: 'running', runId: input.runId, ran: input.scenario, log, follow: true, offset: 0, elapsed: null, learnerCode: input.learnerCode }, ctx) };
    }
    case 'trace': {
      if (input.runId !== state.runId || !state.log) return { state };
      state.log.append(input.lines);
      const last = input.lines[input.lines.length - 1];
      return { state: settle({ ...state, elapsed: last ? last.t : state.elapsed }, ctx) };
    }
    case 'run-ended': {
      if (input.runId !== state.runId || !state.log) return { state };
      const { result } = input;
      state.log.end();
      const summary = renderSummary(result, theme.chalk).split('\n');
      state.log.text(['']);
      state.log.rule(`${result.lab} / ${result.scenario}`);
      state.log.text(summary);
      const status: RunStatus = input.stopped ? 'stopped' : result.ok ? 'passed' : 'failed';
      const notice = input.stopped
        ? { level: 'info' as const, text: t('ui.trace.stoppedNotice') }
        : result.ok
          ? { level: 'ok' as const, text: t('ui.trace.finishedNotice') }
          : { level: 'error' as const, text: t('ui.trace.demoFailed', { message: result.error?.message.split('\n')[0] ?? 'unknown error' }) };
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
    case 'left':
    case 'right': {
      if (running) return { state, notice: { level: 'info', text: t('ui.trace.waitScenario') } };
      const n = lab.scenarios.length;
      if (n < 2) return { state };
      const scenario = (state.scenario + (key === 'right' ? 1 : n - 1)) % n;
      return { state: { ...state, scenario } };
    }
  }
  const total = state.log?.rows.length ?? 0;
  const height = traceWindow(size, scenarioRows(lab, state, contentWidth(size), theme).length);
  const offset = scrollBy(key, state.offset, total, height);
  if (offset === undefined) return { state };
  return { state: { ...state, offset, follow: offset >= maxOffset(total, height) } };
}
