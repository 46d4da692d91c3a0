import type { Json, UnsequencedLine } from '../trace/event.js';

/** Environment variables through which a parent configures a child it spawns (the clock's start is T0_ENV, in clock.ts). */
export const ENV = {
  actor: 'NETLAB_ACTOR',
  params: 'NETLAB_PARAMS',
  /** Set when the kernel kills the child as soon as its parent dies (see `ActorProcess`). */
  diesWithParent: 'NETLAB_DIES_WITH_PARENT',
} as const;

/** An error as it crosses a process boundary. */
export interface WireError {
  code?: string;
  message: string;
  stack?: string;
}

/** Messages a child sends its parent over IPC. */
export type ChildMessage =
  | { k: 'line'; line: UnsequencedLine }
  | { k: 'ready'; info: Json }
  | { k: 'reply'; id: number; ok: true; value: Json }
  | { k: 'reply'; id: number; ok: false; error: WireError }
  | { k: 'fatal'; error: WireError };

/** Messages a parent sends a child over IPC. */
export type ParentMessage = { k: 'cmd'; id: number; name: string; arg: Json };

export function toWireError(err: unknown): WireError {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { message: err.message, stack: err.stack, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { message: String(err) };
}
