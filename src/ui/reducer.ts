/**
 * What every screen's reducer shares: it takes its state, an {@link Input} and the context
 * it reads (the lab, the learner's progress, the terminal size, the theme), and returns its
 * next state plus the commands for the controller and a notice for the status row. Reducers
 * are pure apart from the append-only trace logs they own.
 */
import type { LabProgressView, LabView, SessionCommand, WorkspaceView } from '../session/types.js';
import type { Size } from './layout.js';
import type { Theme } from './theme.js';

export interface Notice {
  level: 'info' | 'ok' | 'warn' | 'error';
  text: string;
}

export interface Step<S> {
  state: S;
  commands?: SessionCommand[];
  notice?: Notice;
}

export interface LabContext {
  lab: LabView;
  progress: LabProgressView;
  workspace: WorkspaceView;
  size: Size;
  theme: Theme;
}

export const NO_PROGRESS: LabProgressView = { status: 'new', file: null, hintsShown: 0, passed: false, lastScore: null };
