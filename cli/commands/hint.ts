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
import { t } from '../../src/i18n/messages.js';

export async function hintCommand(id: string, options: { dir?: string }): Promise<void> {
  const lab = await findLab(id);
  const hints = readSections(lab.hintsPath);
  if (hints.length === 0) throw new NetlabError('NETLAB_ERR_BAD_LAB', t('hint.none', { lab: lab.id }));
  const dir = workspaceDir(options.dir);
  const remembered = existsSync(dir);
  const seen = remembered ? (readProgress(dir).labs[lab.id]?.hintsShown ?? 0) : 0;
  const index = Math.min(seen, hints.length - 1);
  const hint = hints[index]!;
  if (remembered && seen < hints.length) updateProgress(dir, lab.id, (p) => ({ ...p, hintsShown: index + 1 }));
  const chalk = colourFor(process.stdout);
  const out = [`${chalk.bold(t('hint.heading', { n: index + 1, count: hints.length }))} ${chalk.dim(`(${lab.id})`)}: ${chalk.bold(hint.title)}`, '', hint.body, ''];
  if (seen >= hints.length) out.push(chalk.dim(t('hint.last', { lab: lab.id })));
  else if (index + 1 < hints.length) out.push(chalk.dim(t('hint.more', { lab: lab.id })));
  if (!remembered) out.push(chalk.dim(t('hint.noWorkspace', { dir: options.dir ?? './netlab-exercises' })));
  process.stdout.write(out.join('\n') + '\n');
}
