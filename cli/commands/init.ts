import { NetlabError } from '../../src/errors.js';

// Placeholder until grading lands (issue 2, in progress).
export async function initCommand(..._args: unknown[]): Promise<void> {
  throw new NetlabError('NETLAB_ERR_UNSUPPORTED', '`netlab init` is not built yet');
}
