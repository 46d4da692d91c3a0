/**
 * `netlab init [dir]`: create the learner's workspace (default ./netlab-exercises). Never
 * overwrites a file. Exit 0 when it created something (existing files are listed as skipped);
 * exit 1 when everything already exists, so nothing could be created without overwriting.
 */
import { relative } from 'node:path';
import { loadLabs } from '../../src/lab/registry.js';
import { initWorkspace, noteCreator } from '../../src/workspace/init.js';
import { workspaceDir } from '../../src/workspace/workspace.js';
import { colourFor, thisNetlab } from '../io.js';

export async function initCommand(dir: string | undefined): Promise<void> {
  const labs = await loadLabs();
  const target = workspaceDir(dir);
  const result = initWorkspace(target, labs);
  // For the workspace's launcher (`npm run grade`): this netlab, on this machine.
  const me = thisNetlab();
  noteCreator(target, me.cli, me.version);
  const chalk = colourFor(process.stdout);
  const shown = relative(process.cwd(), target) || '.';
  const out: string[] = [];
  if (result.created.length) {
    out.push(`${chalk.green('Created')} ${shown}/ with:`);
    for (const file of result.created) out.push(`  ${file}`);
  }
  if (result.skipped.length) {
    out.push(`${chalk.yellow('Skipped')} (already there; netlab never overwrites your files):`);
    for (const file of result.skipped) out.push(`  ${file}`);
  }
  if (result.created.length === 0) {
    out.push(`Nothing to do: ${shown}/ already has every file. To start an exercise over: netlab reset <lab> --dir ${shown}`);
    process.stdout.write(out.join('\n') + '\n');
    process.exitCode = 1;
    return;
  }
  const first = labs[0]?.id ?? '<lab>';
  const isDefault = dir === undefined || workspaceDir(undefined) === target;
  const dirFlag = isDefault || shown === '.' ? '' : ` --dir ${shown}`;
  out.push(
    '',
    'Next:',
    `  netlab run ${first}                see the first lab's demo and its trace`,
    `  edit ${shown === '.' ? '' : `${shown}/`}${first}.ts, then`,
    `  netlab grade ${first}${dirFlag}${' '.repeat(Math.max(1, 18 - dirFlag.length))}grade it${dirFlag ? ` (inside ${shown}/, plain \`netlab grade\` works)` : ''}`,
  );
  process.stdout.write(out.join('\n') + '\n');
}
