/** `netlab reset <lab> [--dir]`: the starter again, the learner's file kept as a backup. */
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { NetlabError } from '../../src/errors.js';
import { findLab } from '../../src/lab/registry.js';
import { resetLab } from '../../src/workspace/reset.js';
import { workspaceDir } from '../../src/workspace/workspace.js';
import { colourFor } from '../io.js';
import { t } from '../../src/i18n/messages.js';

export async function resetCommand(id: string, options: { dir?: string }): Promise<void> {
  const lab = await findLab(id);
  const dir = workspaceDir(options.dir);
  const show = (p: string) => relative(process.cwd(), p) || p;
  // Outside a workspace there is nothing to reset: creating a folder with one starter in it
  // would only hide the mistake (a wrong folder, a mistyped --dir).
  if (!existsSync(dir)) {
    throw new NetlabError(
      'NETLAB_ERR_NO_WORKSPACE',
      t('cli.reset.noWorkspace', { dir: show(dir) }),
      2,
    );
  }
  const result = resetLab(dir, lab);
  const chalk = colourFor(process.stdout);
  const lines = [t('cli.reset.toStarter', { reset: chalk.green(t('cli.reset.done')), file: show(result.file), lab: lab.id })];
  if (result.backup) lines.push(t('cli.reset.backup', { file: show(result.backup) }));
  process.stdout.write(lines.join('\n') + '\n');
}
