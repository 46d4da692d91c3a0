/**
 * `netlab solution <lab>`: the reference solution, once the lab passed (recorded by
 * `netlab grade`). `--force` shows it before, and records that it did.
 */
import { readFileSync } from 'node:fs';
import { findLab } from '../../src/lab/registry.js';
import { NetlabError } from '../../src/errors.js';
import { readProgress, updateProgress, workspaceDir } from '../../src/workspace/workspace.js';
import { existsSync } from 'node:fs';
import { colourFor } from '../io.js';

export async function solutionCommand(id: string, options: { dir?: string; force?: boolean }): Promise<void> {
  const lab = await findLab(id);
  const dir = workspaceDir(options.dir);
  const progress = existsSync(dir) ? readProgress(dir).labs[lab.id] : undefined;
  if (!progress?.passedAt && !options.force) {
    throw new NetlabError(
      'NETLAB_ERR_NOT_PASSED',
      `the ${lab.id} solution opens once your exercise passes: \`netlab grade ${lab.id}${options.dir ? ` --dir ${options.dir}` : ''}\`. ` +
        `Stuck? \`netlab hint ${lab.id}\`. To see it anyway: \`netlab solution ${lab.id} --force\` (netlab notes that you did).`,
    );
  }
  if (!progress?.passedAt && options.force && existsSync(dir)) {
    updateProgress(dir, lab.id, (p) => ({ ...p, solutionForced: true }));
  }
  const chalk = colourFor(process.stderr);
  process.stderr.write(chalk.dim(`// netlab: reference solution of ${lab.id}${progress?.passedAt ? '' : ' (shown with --force, before a pass)'}\n`));
  process.stdout.write(readFileSync(lab.solutionPath, 'utf8'));
}
