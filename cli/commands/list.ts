import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { labCatalog } from '../../src/lab/registry.js';
import { findSubmission, labStatus, readProgress, workspaceDir } from '../../src/workspace/workspace.js';
import { colourLevel } from '../colour-level.js';
import { maybeTerminal, writeOut } from '../stdout.js';
import { t } from '../../src/i18n/messages.js';

export async function listCommand(options: { json?: boolean; dir?: string }): Promise<void> {
  const labs = await labCatalog();
  const dir = workspaceDir(options.dir);
  const progress = readProgress(dir);
  const rows = labs.map((lab) => {
    // The starter is read only to tell an untouched file from a started one.
    const starterPath = join(lab.dir, 'exercise', 'starter.ts');
    const starter = findSubmission(dir, lab.id) && existsSync(starterPath) ? readFileSync(starterPath, 'utf8') : undefined;
    return {
      id: lab.id,
      title: lab.title,
      summary: lab.summary,
      status: labStatus(dir, lab.id, starter, progress),
      unsupported: lab.unsupported,
    };
  });
  if (options.json) {
    writeOut(rows.map((row) => JSON.stringify({ type: 'lab', ...row }) + '\n').join(''));
    return;
  }
  // chalk is loaded only when there is colour to print.
  // Only a terminal makes the stdout stream: a pipe or a file is written to directly.
  const level = colourLevel(maybeTerminal() ? process.stdout : { isTTY: false });
  const chalk = level > 0 ? new (await import('chalk')).Chalk({ level }) : { dim: plain, yellow: plain, green: plain, bold: plain };
  const mark = { new: chalk.dim(t('list.status.new')), started: chalk.yellow(t('list.status.started')), passed: chalk.green(t('list.status.passed')) };
  const width = Math.max(...rows.map((r) => r.id.length));
  let text = '';
  rows.forEach((row, i) => {
    const skip = row.unsupported ? chalk.dim(` (${t('lab.unsupported', { reason: row.unsupported })})`) : '';
    text += `${String(i + 1).padStart(2)}. ${chalk.bold(row.id.padEnd(width))}  ${mark[row.status]}  ${row.title}${skip}\n`;
    text += `    ${' '.repeat(width)}             ${chalk.dim(row.summary)}\n`;
  });
  const passed = rows.filter((r) => r.status === 'passed').length;
  writeOut(`${text}\n${t('list.footer', { passed, total: rows.length, lab: rows[0]?.id ?? '<lab>' })}\n`);
}

function plain(text: string): string {
  return text;
}
