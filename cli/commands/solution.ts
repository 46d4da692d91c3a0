/**
 * `netlab solution <lab>`: the reference solution, once the lab passed (recorded by
 * `netlab grade`). `--force` shows it before, and records that it did.
 */
import { findLab } from '../../src/lab/registry.js';
import { NetlabError } from '../../src/errors.js';
import { workspaceDir } from '../../src/workspace/workspace.js';
import { openSolution } from '../../src/session/course.js';
import { colourFor } from '../io.js';

export async function solutionCommand(id: string, options: { dir?: string; force?: boolean }): Promise<void> {
  const lab = await findLab(id);
  const access = openSolution(workspaceDir(options.dir), lab, { force: options.force });
  if (!access.open) {
    throw new NetlabError(
      'NETLAB_ERR_NOT_PASSED',
      `the ${lab.id} solution opens once your exercise passes: \`netlab grade ${lab.id}${options.dir ? ` --dir ${options.dir}` : ''}\`. ` +
        `Stuck? \`netlab hint ${lab.id}\`. To see it anyway: \`netlab solution ${lab.id} --force\` (netlab notes that you did).`,
    );
  }
  const chalk = colourFor(process.stderr);
  process.stderr.write(chalk.dim(`// netlab: reference solution of ${lab.id}${access.forced ? ' (shown with --force, before a pass)' : ''}\n`));
  process.stdout.write(access.source);
}
