/**
 * `netlab hint <lab>`: the next hint of a lab (hints.md, one per `## ` heading), remembered in
 * the workspace's progress so the next call shows the one after.
 */
import { findLab } from '../../src/lab/registry.js';
import { NetlabError } from '../../src/errors.js';
import { workspaceDir } from '../../src/workspace/workspace.js';
import { revealHint } from '../../src/session/course.js';
import { colourFor } from '../io.js';

export async function hintCommand(id: string, options: { dir?: string }): Promise<void> {
  const lab = await findLab(id);
  const dir = workspaceDir(options.dir);
  const reveal = revealHint(dir, lab);
  if (!reveal) throw new NetlabError('NETLAB_ERR_BAD_LAB', `lab ${lab.id} has no hints`);
  // A workspace that cannot be written (a file given as --dir, say) is the learner's to fix.
  if (reveal.unsaved) throw reveal.unsaved;
  const { number, total, hint } = reveal;
  const chalk = colourFor(process.stdout);
  const out = [`${chalk.bold(`Hint ${number} of ${total}`)} ${chalk.dim(`(${lab.id})`)}: ${chalk.bold(hint.title)}`, '', hint.body, ''];
  if (reveal.again) out.push(chalk.dim('That was the last hint. Once your exercise passes, `netlab solution ' + lab.id + '` shows the reference solution.'));
  else if (number < total) out.push(chalk.dim(`Still stuck? \`netlab hint ${lab.id}\` again shows the next one.`));
  if (!reveal.remembered) out.push(chalk.dim(`(No workspace at ${options.dir ?? './netlab-exercises'}, so netlab cannot remember which hints you have seen: \`netlab init\` creates it.)`));
  process.stdout.write(out.join('\n') + '\n');
}
