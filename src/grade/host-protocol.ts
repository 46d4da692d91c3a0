/**
 * What the harness (in a vitest worker) and a lab's host (in the learner's process) agree on.
 * Kept apart from host.ts, which has side effects on import (it is a child program), so the
 * harness can import these without them.
 */
import type { WireError } from '../runtime/protocol.js';
import type { NetlabErrorCode } from '../errors.js';

/** Internal command names; labs' operations must not use the `netlab:` prefix. */
export const HOST_PING = 'netlab:ping';
export const HOST_EXIT = 'netlab:exit';

/** The error code of a problem a host explains itself (see `hostFail`): shown as is, without a stack. */
export const HOST_FAILURE = 'NETLAB_HOST_FAILURE' satisfies NetlabErrorCode;

/** What the harness passes to the host process (`params()`). */
export interface HostParams {
  /** The lab being graded. */
  lab: string;
  /** Absolute path of the learner's module. */
  submission: string;
  /** Names the module must export as functions (the lab's `exports`). */
  exports: string[];
  /** The process kills itself after this many ms, whatever it is doing. */
  maxLifetimeMs: number;
  /** The learner's TypeScript already transpiled to JavaScript (saves starting esbuild per check). */
  transpiled?: string;
  /**
   * A JavaScript file to import instead of `submission`: the same module (transpiled, with a
   * source map to the learner's lines) when it imports nothing but Node's own modules, so the
   * process needs no module hooks. `submission` still names the file in messages.
   */
  module?: string;
}

/** The `ready()` payload of a host: the module loaded and has every export, or why not. */
export type HostReady =
  | { ok: true; exports: string[] }
  | { ok: false; stage: 'import' | 'exports'; error: WireError };
