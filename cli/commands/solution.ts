/**
 * `netlab solution <lab>`: the reference solution, once the lab passed (recorded by
 * `netlab grade`). `--force` shows it before, and records that it did.
 */
import { findLab } from '../../src/lab/registry.js';
import { NetlabError } from '../../src/errors.js';
import { workspaceDir } from '../../src/workspace/workspace.js';
import { openSolution } from '../../src/session/course.js';
import { colourFor } from '../io.js';
import { t } from '../../src/i18n/messages.js';

export async function solutionCommand(id: string, options: { dir?: string; force?: boolean }): Promise<void> {
  const lab = await findLab(id);
  const access = openSolution(workspaceDir(options.dir), lab, { force: options.force });
  if (!access.open) {
    throw new NetlabError(
      'NETLAB_ERR_NOT_PASSED',
      t('cli.solution.locked', { lab: lab.id, dirFlag: options.dir ? ` --dir ${options.dir}` : '' }),
    );
  }
  const chalk = colourFor(process.stderr);
  process.stderr.write(chalk.dim(`${t('cli.solution.heading', { lab: lab.id })}${access.forced ? t('cli.solution.forced') : ''}\n`));
  process.stdout.write(access.source);
}
