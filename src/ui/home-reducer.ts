/**
 * The home screen: the labs in course order, each with the learner's status, and a progress
 * bar. ↑/↓ (j/k) choose, Enter opens (the app reducer does the opening).
 */
import type { Input } from './input.js';
import type { Step } from './reducer.js';
import type { LabProgressView, LabView } from '../session/types.js';

export interface HomeState {
  /** Index of the chosen lab. */
  selected: number;
}

/** Start at the first lab not passed yet. */
export function initialHome(labs: readonly LabView[], progress: Record<string, LabProgressView>): HomeState {
  const next = labs.findIndex((l) => !progress[l.id]?.passed);
  return { selected: next < 0 ? 0 : next };
}

export function homeReducer(state: HomeState, input: Input, labs: readonly LabView[]): Step<HomeState> {
  if (input.type !== 'key' || labs.length === 0) return { state };
  const last = labs.length - 1;
  switch (input.key) {
    case 'up':
    case 'k':
      return { state: { selected: Math.max(0, state.selected - 1) } };
    case 'down':
    case 'j':
      return { state: { selected: Math.min(last, state.selected + 1) } };
    case 'home':
    case 'pageup':
      return { state: { selected: 0 } };
    case 'end':
    case 'pagedown':
      return { state: { selected: last } };
    default:
      return { state };
  }
}
