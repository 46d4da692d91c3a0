/**
 * Errors that netlab reports to a person carry a stable code (like undici's `UND_ERR_*`) and
 * a message that says what to do next.
 */
export type NetlabErrorCode =
  | 'NETLAB_ERR_UNKNOWN_LAB'
  | 'NETLAB_ERR_UNKNOWN_SCENARIO'
  | 'NETLAB_ERR_USAGE'
  | 'NETLAB_ERR_NO_WORKSPACE'
  | 'NETLAB_ERR_EXISTS'
  | 'NETLAB_ERR_NOT_PASSED'
  | 'NETLAB_ERR_BAD_LAB'
  | 'NETLAB_ERR_NO_PROGRAM'
  | 'NETLAB_ERR_CHILD_EXITED'
  | 'NETLAB_ERR_TIMEOUT'
  | 'NETLAB_ERR_UNSUPPORTED'
  | 'NETLAB_ERR_DEMO_FAILED'
  /** A child process was sent a command it does not handle (a lab bug). */
  | 'NETLAB_ERR_NO_COMMAND'
  /** Grading itself failed in its worker (not a failing check). */
  | 'NETLAB_ERR_GRADE'
  /** A lab's grade host explains a problem itself (`hostFail`): shown as is, without a stack. */
  | 'NETLAB_HOST_FAILURE';

export class NetlabError extends Error {
  constructor(
    readonly code: NetlabErrorCode,
    message: string,
    /** Process exit code when this error ends a command. */
    readonly exitCode: number = code === 'NETLAB_ERR_USAGE' || code === 'NETLAB_ERR_UNKNOWN_LAB' || code === 'NETLAB_ERR_UNKNOWN_SCENARIO' ? 2 : 1,
  ) {
    super(message);
    this.name = 'NetlabError';
  }
}

/** Levenshtein distance, for "did you mean …?". */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/** The closest candidate to `input`, if it is close enough to be a typo. */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = candidate.startsWith(input) || candidate.includes(input) ? 1 : editDistance(input, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(input.length / 3)) ? best : undefined;
}
