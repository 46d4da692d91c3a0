/** `netlab reset <lab> [--dir]`: the starter again, the learner's file kept as a backup. */
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { NetlabError } from '../../src/errors.js';
import { findLab } from '../../src/lab/registry.js';
import { resetLab } from '../../src/workspace/reset.js';
import { workspaceDir } from '../../src/workspace/workspace.js';
import { colourFor } from '../io.js';

export async function resetCommand(id: string, options: { dir?: string }): Promise<void> {
  const lab = await findLab(id);
  const dir = workspaceDir(options.dir);
  const show = (p: string) => relative(process.cwd(), p) || p;
  // Outside a workspace there is nothing to reset: creating a folder with one starter in it
  // would only hide the mistake (a wrong folder, a mistyped --dir).
  if (!existsSync(dir)) {
    throw new NetlabError(
      'NETLAB_ERR_NO_WORKSPACE',
      `no workspace at ${show(dir)}: run it in your workspace, name it with --dir <folder>, or create one with \`netlab init\``,
      2,
    );
  }
  const result = resetLab(dir, lab);
  const chalk = colourFor(process.stdout);
  const lines = [`${chalk.green('Reset')} ${show(result.file)} to the starter of ${lab.id}.`];
  if (result.backup) lines.push(`Your previous file is kept at ${show(result.backup)}.`);
  process.stdout.write(lines.join('\n') + '\n');
}
