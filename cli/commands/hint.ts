/**
 * `netlab hint <lab>`: the next hint of a lab (hints.md, one per `## ` heading), remembered in
 * the workspace's progress so the next call shows the one after.
 */
import { existsSync } from 'node:fs';
import { findLab } from '../../src/lab/registry.js';
import { readSections } from '../../src/lab/lesson.js';
import { NetlabError } from '../../src/errors.js';
import { readProgress, updateProgress, workspaceDir } from '../../src/workspace/workspace.js';
import { colourFor } from '../io.js';

export async function hintCommand(id: string, options: { dir?: string }): Promise<void> {
  const lab = await findLab(id);
  const hints = readSections(lab.hintsPath);
  if (hints.length === 0) throw new NetlabError('NETLAB_ERR_BAD_LAB', `lab ${lab.id} has no hints`);
  const dir = workspaceDir(options.dir);
  const remembered = existsSync(dir);
  const seen = remembered ? (readProgress(dir).labs[lab.id]?.hintsShown ?? 0) : 0;
  const index = Math.min(seen, hints.length - 1);
  const hint = hints[index]!;
  if (remembered && seen < hints.length) updateProgress(dir, lab.id, (p) => ({ ...p, hintsShown: index + 1 }));
  const chalk = colourFor(process.stdout);
  const out = [`${chalk.bold(`Hint ${index + 1} of ${hints.length}`)} ${chalk.dim(`(${lab.id})`)}: ${chalk.bold(hint.title)}`, '', hint.body, ''];
  if (seen >= hints.length) out.push(chalk.dim('That was the last hint. Once your exercise passes, `netlab solution ' + lab.id + '` shows the reference solution.'));
  else if (index + 1 < hints.length) out.push(chalk.dim(`Still stuck? \`netlab hint ${lab.id}\` again shows the next one.`));
  if (!remembered) out.push(chalk.dim(`(No workspace at ${options.dir ?? './netlab-exercises'}, so netlab cannot remember which hints you have seen: \`netlab init\` creates it.)`));
  process.stdout.write(out.join('\n') + '\n');
}
