/** `netlab reset <lab> [--dir]`: the starter again, the learner's file kept as a backup. */
import { mkdirSync } from 'node:fs';
import { relative } from 'node:path';
import { findLab } from '../../src/lab/registry.js';
import { resetLab } from '../../src/workspace/reset.js';
import { workspaceDir } from '../../src/workspace/workspace.js';
import { colourFor } from '../io.js';

export async function resetCommand(id: string, options: { dir?: string }): Promise<void> {
  const lab = await findLab(id);
  const dir = workspaceDir(options.dir);
  mkdirSync(dir, { recursive: true });
  const result = resetLab(dir, lab);
  const chalk = colourFor(process.stdout);
  const show = (p: string) => relative(process.cwd(), p) || p;
  const lines = [`${chalk.green('Reset')} ${show(result.file)} to the starter of ${lab.id}.`];
  if (result.backup) lines.push(`Your previous file is kept at ${show(result.backup)}.`);
  process.stdout.write(lines.join('\n') + '\n');
}
