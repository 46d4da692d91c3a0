import type { ChalkInstance } from 'chalk';
import type { Json, ResultLine } from './event.js';

/**
 * The human form of a run's result: a lab may return `summary.lines` (pre-drawn text such as a
 * waterfall or a timing table) and any other facts, shown as `key: value`.
 */
export function renderSummary(result: ResultLine, chalk: ChalkInstance): string {
  if (!result.ok) {
    return `${chalk.red('✗ the demo failed:')} ${result.error?.message ?? 'unknown error'}`;
  }
  const out: string[] = [];
  const { lines, skipped, packets, ...facts } = result.summary as Record<string, Json>;
  if (typeof skipped === 'string') return chalk.yellow(`skipped: ${skipped}`);
  if (Array.isArray(lines)) out.push(...lines.map(String));
  for (const [key, value] of Object.entries(facts)) {
    out.push(`${chalk.dim(key + ':')} ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
  }
  if (packets && typeof packets === 'object' && !Array.isArray(packets)) {
    const { captured, traced } = packets as { captured: number | null; traced: number };
    const counted = captured === null ? 'tcpdump gave no count' : captured === traced ? `tcpdump counted ${captured}` : chalk.red(`tcpdump counted ${captured}: ${captured - traced} missing`);
    out.push(`${chalk.dim('packets:')} ${traced} on the trace (${counted})`);
  }
  out.push(chalk.green(`✓ ${result.lab} / ${result.scenario} finished`));
  return out.join('\n');
}
