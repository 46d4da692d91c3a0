/**
 * The interactive lab's root reducer. It owns what is global (help, quitting, which screen,
 * which lab, the tabs, the learner's progress) and hands every input to the screens' own
 * reducers: keys to the screen on view, the controller's events to the screen they concern
 * (trace lines reach the trace screen even while the learner reads the lesson).
 *
 * Global keys: Ctrl-C quits; `?` help; `L` the next language; `q`/Esc back (home: quit); Tab / Shift-Tab / 1 2 3
 * switch between lesson, trace and exercise; `n` next lab; `r` `u` `p` and `x` act on the trace
 * screen and `g` `h` `s` `i` `t` on the exercise screen from anywhere in a lab.
 */
import type { LabProgressView, LabView, SessionCommand, SessionSnapshot, WorkspaceView } from '../session/types.js';
import { initialExercise, exerciseReducer, type ExerciseState } from './exercise-reducer.js';
import { homeReducer, initialHome, type HomeState } from './home-reducer.js';
import type { Input } from './input.js';
import type { Size } from './layout.js';
import { initialLesson, lessonReducer, type LessonState } from './lesson-reducer.js';
import { NO_PROGRESS, type LabContext, type Notice, type Step } from './reducer.js';
import type { Theme } from './theme.js';
import { initialTrace, isRunning, traceReducer, type TraceState } from './trace-reducer.js';
import { t } from '../i18n/index.js';

export type Tab = 'lesson' | 'trace' | 'exercise';
export const TABS: readonly Tab[] = ['lesson', 'trace', 'exercise'];

export interface LabScreens {
  /** Index of the open lab in `labs`. */
  index: number;
  tab: Tab;
  lesson: LessonState;
  trace: TraceState;
  exercise: ExerciseState;
}

export interface AppState {
  size: Size;
  labs: LabView[];
  workspace: WorkspaceView;
  progress: Record<string, LabProgressView>;
  screen: 'home' | 'lab';
  help: boolean;
  home: HomeState;
  lab: LabScreens | null;
  notice: Notice | null;
  /** The learner quit: the app unmounts, the command stops everything. */
  quitting: boolean;
  /** Demo runs capture their packets (`p` on the trace), in every lab until `p` again. */
  packets?: boolean;
}

export interface AppStep {
  state: AppState;
  commands: SessionCommand[];
}

export function labContext(state: AppState, theme: Theme): LabContext | null {
  if (!state.lab) return null;
  const lab = state.labs[state.lab.index]!;
  return { lab, progress: state.progress[lab.id] ?? NO_PROGRESS, workspace: state.workspace, size: state.size, theme };
}

function openLab(state: AppState, index: number): AppStep {
  const lab = state.labs[index]!;
  const commands: SessionCommand[] = [];
  if (state.lab) commands.push({ type: 'close', lab: state.labs[state.lab.index]!.id });
  commands.push({ type: 'open', lab: lab.id });
  return {
    state: {
      ...state,
      screen: 'lab',
      help: false,
      home: { selected: index },
      lab: { index, tab: lab.steps.length ? 'lesson' : 'trace', lesson: initialLesson, trace: { ...initialTrace, packets: state.packets === true }, exercise: initialExercise },
      notice: null,
    },
    commands,
  };
}

export function initialState(snapshot: SessionSnapshot, size: Size, openAt?: string): AppStep {
  const state: AppState = {
    size,
    labs: snapshot.labs,
    workspace: snapshot.workspace,
    progress: snapshot.progress,
    screen: 'home',
    help: false,
    home: initialHome(snapshot.labs, snapshot.progress),
    lab: null,
    notice: null,
    quitting: false,
  };
  const index = openAt === undefined ? -1 : snapshot.labs.findIndex((l) => l.id === openAt);
  return index >= 0 ? openLab(state, index) : { state, commands: [] };
}

/** Apply a screen reducer's step to the open lab. */
function withLab<K extends 'lesson' | 'trace' | 'exercise'>(
  state: AppState,
  key: K,
  step: Step<LabScreens[K]>,
  commands: SessionCommand[],
  tab?: Tab,
): AppStep {
  const lab = state.lab!;
  // The trace's `p` is remembered for the session, not only for this lab.
  const packets = key === 'trace' ? (step.state as TraceState).packets : state.packets;
  // With packets on, grading puts each failing check's packets on its trace too.
  const own = (step.commands ?? []).map((c) => (c.type === 'grade' && packets ? { ...c, packets: true } : c));
  return {
    state: { ...state, packets, lab: { ...lab, [key]: step.state, ...(tab ? { tab } : {}) }, notice: step.notice ?? state.notice },
    commands: [...commands, ...own],
  };
}

/** Route a controller event or a resize to every lab screen. */
function broadcast(state: AppState, input: Input, theme: Theme): AppStep {
  const ctx = labContext(state, theme);
  if (!ctx || !state.lab) return { state, commands: [] };
  const lesson = lessonReducer(state.lab.lesson, input, ctx);
  const trace = traceReducer(state.lab.trace, input, ctx);
  const exercise = exerciseReducer(state.lab.exercise, input, ctx);
  return {
    state: {
      ...state,
      lab: { ...state.lab, lesson: lesson.state, trace: trace.state, exercise: exercise.state },
      notice: exercise.notice ?? trace.notice ?? lesson.notice ?? state.notice,
    },
    commands: [...(lesson.commands ?? []), ...(trace.commands ?? []), ...(exercise.commands ?? [])],
  };
}

const quit = (state: AppState, commands: SessionCommand[] = []): AppStep => ({ state: { ...state, quitting: true }, commands: [...commands, { type: 'stop' }] });

export function appReducer(state: AppState, input: Input, theme: Theme): AppStep {
  if (state.quitting) return { state, commands: [] };
  switch (input.type) {
    case 'abort':
      return quit(state);
    case 'resize':
      return broadcast({ ...state, size: { columns: input.columns, rows: input.rows } }, input, theme);
    case 'progress': {
      // Screens compare with the progress they knew, so they see it first.
      const step = broadcast(state, input, theme);
      return { state: { ...step.state, progress: input.progress, workspace: input.workspace }, commands: step.commands };
    }
    case 'notice':
      return { state: { ...state, notice: { level: input.level, text: input.text } }, commands: [] };
    case 'language':
      // Same labs, same order: only their texts changed (a lesson keeps its step).
      return { state: { ...state, labs: input.labs }, commands: [] };
    case 'key':
      return onKey({ ...state, notice: null }, input.key, input, theme);
    default:
      return broadcast(state, input, theme);
  }
}

function onKey(state: AppState, key: string, input: Input, theme: Theme): AppStep {
  if (key === 'ctrl-c') return quit(state);
  if (state.help) return { state: { ...state, help: false }, commands: [] };

  const ctx = labContext(state, theme);
  // A question on screen takes the next key.
  if (ctx && state.lab!.exercise.confirmInit) {
    return withLab(state, 'exercise', exerciseReducer(state.lab!.exercise, input, ctx), [], 'exercise');
  }
  if (key === '?') return { state: { ...state, help: true }, commands: [] };
  if (key === 'L') return { state, commands: [{ type: 'language' }] };

  if (state.screen === 'home' || !ctx || !state.lab) {
    if (key === 'q' || key === 'escape') return quit(state);
    if ((key === 'enter' || key === 'right') && state.labs.length > 0) return openLab(state, state.home.selected);
    const step = homeReducer(state.home, input, state.labs);
    return { state: { ...state, home: step.state }, commands: [] };
  }

  const lab = state.lab;
  switch (key) {
    case 'q':
    case 'escape':
      return {
        state: { ...state, screen: 'home', lab: null, home: { selected: lab.index }, notice: isRunning(lab.trace) ? { level: 'info', text: t('ui.app.demoStopped') } : null },
        commands: [{ type: 'close', lab: ctx.lab.id }],
      };
    case 'tab':
    case 'backtab': {
      const i = TABS.indexOf(lab.tab);
      const tab = TABS[(i + (key === 'tab' ? 1 : TABS.length - 1)) % TABS.length]!;
      return { state: { ...state, lab: { ...lab, tab } }, commands: [] };
    }
    case '1':
    case '2':
    case '3':
      return { state: { ...state, lab: { ...lab, tab: TABS[Number(key) - 1]! } }, commands: [] };
    case 'n': {
      if (lab.index + 1 >= state.labs.length) return { state: { ...state, notice: { level: 'info', text: t('ui.app.lastLab') } }, commands: [] };
      return openLab(state, lab.index + 1);
    }
    case 'r':
    case 'x':
    case 'u':
    case 'p':
      return withLab(state, 'trace', traceReducer(lab.trace, input, ctx), [], 'trace');
    case 'g':
    case 'h':
    case 's':
    case 'i':
    case 't':
      return withLab(state, 'exercise', exerciseReducer(lab.exercise, input, ctx), [], 'exercise');
  }
  switch (lab.tab) {
    case 'lesson':
      return withLab(state, 'lesson', lessonReducer(lab.lesson, input, ctx), []);
    case 'trace':
      return withLab(state, 'trace', traceReducer(lab.trace, input, ctx), []);
    case 'exercise':
      return withLab(state, 'exercise', exerciseReducer(lab.exercise, input, ctx), []);
  }
}
