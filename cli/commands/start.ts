import { loadLabs } from '../../src/lab/registry.js';
import { NetlabError, closest } from '../../src/errors.js';
import { runCommand } from './run.js';

const COMMANDS = ['start', 'list', 'run', 'init', 'grade', 'hint', 'solution', 'watch'];

/**
 * `netlab start [lab]`. Until the interactive lab lands, it runs the lab's demo (the first
 * lab by default) so `npm start` shows a live trace.
 */
export async function startCommand(id: string | undefined, _options: { dir?: string }): Promise<void> {
  const labs = await loadLabs();
  if (id !== undefined && !labs.some((l) => l.id === id)) {
    const guess = closest(id, [...labs.map((l) => l.id), ...COMMANDS]);
    throw new NetlabError('NETLAB_ERR_UNKNOWN_LAB', `unknown lab or command "${id}".${guess ? ` Did you mean "${guess}"?` : ''} Run \`netlab --help\` or \`netlab list\`.`);
  }
  await runCommand(id ?? labs[0]!.id, { timeout: '30000' });
}
