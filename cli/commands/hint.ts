import { NetlabError } from '../../src/errors.js';

// Placeholder until grading lands (issue 2, in progress).
export async function hintCommand(..._args: unknown[]): Promise<void> {
  throw new NetlabError('NETLAB_ERR_UNSUPPORTED', '`netlab hint` is not built yet');
}
