/**
 * `netlab init [dir]`: create the learner's workspace (default ./netlab-exercises). Never
 * overwrites a file: existing files are listed as skipped. Exit 0 when every file is there
 * afterwards (also when it had nothing to do); exit 1 when a file could not be created.
 */
import { relative } from 'node:path';
import { loadLabs } from '../../src/lab/registry.js';
import { initWorkspace, noteCreator } from '../../src/workspace/init.js';
import { workspaceDir } from '../../src/workspace/workspace.js';
import { colourFor, thisNetlab } from '../io.js';
import { t } from '../../src/i18n/messages.js';

export async function initCommand(dir: string | undefined): Promise<void> {
  const labs = await loadLabs();
  const target = workspaceDir(dir);
  const result = initWorkspace(target, labs);
  // For the workspace's launcher (`npm run grade`): this netlab, on this machine. Best effort:
  // without the note the launcher still finds an installed netlab, and a folder where it
  // cannot be written has had its failures reported below.
  try {
    const me = thisNetlab();
    noteCreator(target, me.cli, me.version);
  } catch {
    /* reported through result.failed, or harmless */
  }
  const chalk = colourFor(process.stdout);
  const shown = relative(process.cwd(), target) || '.';
  const out: string[] = [];
  if (result.created.length) {
    out.push(t('cli.init.createdIn', { created: chalk.green(t('cli.init.created')), dir: shown }));
    for (const file of result.created) out.push(`  ${file}`);
  }
  if (result.skipped.length) {
    out.push(t('cli.init.skippedWhy', { skipped: chalk.yellow(t('cli.init.skipped')) }));
    for (const file of result.skipped) out.push(`  ${file}`);
  }
  if (result.failed.length) {
    process.stdout.write(out.length ? out.join('\n') + '\n' : '');
    for (const f of result.failed) process.stderr.write(`${colourFor(process.stderr).red('netlab:')} ${t('cli.init.couldNotCreate', { path: f.path, message: f.message })}\n`);
    process.exitCode = 1;
    return;
  }
  if (result.created.length === 0) {
    out.push(t('cli.init.nothingToDo', { dir: shown }));
    process.stdout.write(out.join('\n') + '\n');
    return;
  }
  const first = labs[0]?.id ?? '<lab>';
  const isDefault = dir === undefined || workspaceDir(undefined) === target;
  const dirFlag = isDefault || shown === '.' ? '' : ` --dir ${shown}`;
  out.push(
    '',
    t('cli.init.next'),
    `  netlab run ${first}                ${t('cli.init.seeDemo')}`,
    `  ${t('cli.init.edit', { file: `${shown === '.' ? '' : `${shown}/`}${first}.ts` })}`,
    `  netlab grade ${first}${dirFlag}${' '.repeat(Math.max(1, 18 - dirFlag.length))}${t('cli.init.gradeIt')}${dirFlag ? t('cli.init.inside', { dir: shown }) : ''}`,
  );
  process.stdout.write(out.join('\n') + '\n');
}
