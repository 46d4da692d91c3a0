/** Times shared by the grading host (in the learner's process) and the grader. */

/**
 * keepAliveTimeout while grading: long enough that a connection closed "at once" can never be
 * confused with one that merely timed out.
 */
export const KEEP_ALIVE_MS = 30_000;

/** How long a connection may take to close when it should close at once (far below KEEP_ALIVE_MS). */
export const AT_ONCE_MS = 4000;
