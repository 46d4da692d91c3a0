/**
 * `netlab hint <lab>`: the next hint of a lab (hints.md, one per `## ` heading), remembered in
 * the workspace's progress so the next call shows the one after.
 */
import { findLab } from '../../src/lab/registry.js';
import { NetlabError } from '../../src/errors.js';
import { workspaceDir } from '../../src/workspace/workspace.js';
import { revealHint } from '../../src/session/course.js';
import { colourFor } from '../io.js';
import { t } from '../../src/i18n/messages.js';

export async function hintCommand(id: string, options: { dir?: string }): Promise<void> {
  const lab = await findLab(id);
  const dir = workspaceDir(options.dir);
  const reveal = revealHint(dir, lab);
  if (!reveal) throw new NetlabError('NETLAB_ERR_BAD_LAB', t('hint.none', { lab: lab.id }));
  // A workspace that cannot be written (a file given as --dir, say) is the learner's to fix.
  if (reveal.unsaved) throw reveal.unsaved;
  const { number, total, hint } = reveal;
  const chalk = colourFor(process.stdout);
  const out = [`${chalk.bold(t('hint.heading', { n: number, count: total }))} ${chalk.dim(`(${lab.id})`)}: ${chalk.bold(hint.title)}`, '', hint.body, ''];
  if (reveal.again) out.push(chalk.dim(t('hint.last', { lab: lab.id })));
  else if (number < total) out.push(chalk.dim(t('hint.more', { lab: lab.id })));
  if (!reveal.remembered) out.push(chalk.dim(t('hint.noWorkspace', { dir: options.dir ?? './netlab-exercises' })));
  process.stdout.write(out.join('\n') + '\n');
}
