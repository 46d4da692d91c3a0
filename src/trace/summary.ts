import type { ChalkInstance } from 'chalk';
import type { Json, ResultLine } from './event.js';
import { t } from '../i18n/messages.js';

/**
 * The human form of a run's result: a lab may return `summary.lines` (pre-drawn text such as a
 * waterfall or a timing table) and any other facts, shown as `key: value`. `labels` names the
 * keys in the reader's language (the lab's `summaryLabels`); a key without one shows as it is,
 * the way `--json` spells it.
 */
export function renderSummary(result: ResultLine, chalk: ChalkInstance, labels: Record<string, string> = {}): string {
  if (!result.ok) {
    return `${chalk.red(t('run.summary.failed'))} ${result.error?.message ?? t('run.summary.unknownError')}`;
  }
  const out: string[] = [];
  const { lines, skipped, packets, ...facts } = result.summary as Record<string, Json>;
  if (typeof skipped === 'string') return chalk.yellow(t('run.summary.skipped', { reason: skipped }));
  if (Array.isArray(lines)) out.push(...lines.map(String));
  for (const [key, value] of Object.entries(facts)) {
    out.push(`${chalk.dim((labels[key] || key) + ':')} ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
  }
  if (packets && typeof packets === 'object' && !Array.isArray(packets)) {
    const { captured, traced } = packets as { captured: number | null; traced: number };
    const counted =
      captured === null
        ? t('run.summary.noCount')
        : captured === traced
          ? t('run.summary.counted', { captured })
          : chalk.red(t('run.summary.missing', { captured, missing: captured - traced }));
    out.push(`${chalk.dim(t('run.summary.packets'))} ${t('run.summary.onTrace', { traced, counted })}`);
  }
  out.push(chalk.green(t('run.summary.finished', { lab: result.lab, scenario: result.scenario })));
  return out.join('\n');
}
