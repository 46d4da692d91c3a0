import { NetlabError } from '../../src/errors.js';

// Placeholder until grading lands (issue 2, in progress).
export async function gradeCommand(..._args: unknown[]): Promise<void> {
  throw new NetlabError('NETLAB_ERR_UNSUPPORTED', '`netlab grade` is not built yet');
}
