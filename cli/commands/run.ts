import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { findLab } from '../../src/lab/registry.js';
import { pickScenario, runDemo, serveLab } from '../../src/runtime/demo.js';
import { onInterrupt, cleanupNow } from '../../src/runtime/cleanup.js';
import { NdjsonWriter } from '../../src/trace/ndjson.js';
import { PrettyTracePrinter } from '../../src/trace/pretty.js';
import type { ResultLine, TraceLine } from '../../src/trace/event.js';
import { renderSummary } from '../../src/trace/summary.js';
import { NetlabError } from '../../src/errors.js';
import { colourFor } from '../io.js';
import { t } from '../../src/i18n/messages.js';

export interface RunOptions {
  json?: boolean;
  scenario?: string;
  serve?: boolean;
  use?: string;
  set?: string[];
  timeout: string;
  allEvents?: boolean;
  packets?: boolean;
  diagram?: boolean;
}

function parseSets(sets: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new NetlabError('NETLAB_ERR_USAGE', t('run.badSet', { got: s }));
    out[s.slice(0, eq)] = s.slice(eq + 1);
  }
  return out;
}

export async function runCommand(id: string, options: RunOptions): Promise<void> {
  const lab = await findLab(id);
  const timeoutMs = Number(options.timeout);
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new NetlabError('NETLAB_ERR_USAGE', t('run.badTimeout', { got: String(options.timeout) }));
  if (options.scenario === 'help' || options.scenario === 'list') {
    for (const [name, s] of Object.entries(lab.scenarios)) process.stdout.write(`${name.padEnd(16)} ${s.title}\n`);
    return;
  }
  const scenario = options.serve ? 'serve' : pickScenario(lab, options.scenario);
  let use: string | undefined;
  if (options.use !== undefined) {
    use = resolve(options.use);
    if (!existsSync(use)) throw new NetlabError('NETLAB_ERR_USAGE', t('run.noUseFile', { file: use }));
  }
  const sets = parseSets(options.set);
  const human = options.json ? process.stderr : process.stdout;
  const chalk = colourFor(human);
  const json = options.json ? new NdjsonWriter(process.stdout) : undefined;
  const pretty = options.json ? undefined : new PrettyTracePrinter(process.stdout, chalk, options.allEvents, lab.trace);
  // The title waits for the demo's first line: a usage error found while the lab reads its
  // options (`--set foo=1`) is then the only thing printed.
  let title = options.json || options.serve ? undefined : `${chalk.bold(lab.title)} ${chalk.dim(t('run.title', { name: scenario, title: lab.scenarios[scenario]?.title ?? '' }))}\n\n`;
  const printTitle = () => {
    if (title !== undefined) human.write(title);
    title = undefined;
  };
  // The diagram is drawn from the whole run, at its end.
  const drawn: TraceLine[] = [];
  const onLine = (line: TraceLine) => {
    printTitle();
    if (options.diagram) drawn.push(line);
    if (json) json.write(line);
    else pretty!.write(line);
  };
  const onPacketsUnavailable = (reason: string) => human.write(`${chalk.yellow(t('run.packetsNotCaptured'))} ${reason}\n`);
  const packets = { packets: options.packets === true, onPacketsUnavailable };

  if (options.serve) {
    const controller = new AbortController();
    const handle = await serveLab(lab, { use, onLine, options: sets, signal: controller.signal, ...packets });
    json?.write({ type: 'serve', lab: lab.id, address: handle.info.address, commands: handle.info.commands });
    human.write(
      `\n${chalk.bold(t('run.serving', { title: lab.title, address: handle.info.address }))}\n${t('run.tryIt')}\n${handle.info.commands.map((c) => `  ${chalk.cyan(c)}`).join('\n')}\n${t('run.tracedBelow')}\n\n`,
    );
    await new Promise<void>((resolveStop) => {
      onInterrupt(() => resolveStop());
    });
    await handle.stop();
    pretty?.end();
    json?.write({ type: 'result', ok: true, lab: lab.id, scenario: 'serve', summary: { address: handle.info.address } } satisfies ResultLine);
    await json?.flush();
    cleanupNow();
    process.exit(0);
  }

  const controller = new AbortController();
  const off = onInterrupt(() => controller.abort());
  const result = await runDemo(lab, { scenario, use, onLine, options: sets, timeoutMs, signal: controller.signal, ...packets });
  off();
  pretty?.end();
  if (options.diagram) {
    const { renderDiagram } = await import('../../src/wire/diagram.js');
    const width = (human as NodeJS.WriteStream).columns || 80;
    human.write(`\n${renderDiagram(drawn, { width, policy: lab.trace, allEvents: options.allEvents }).rows.join('\n')}\n`);
  }
  // A bad `--set` value is found by the lab when it reads its options: still a usage error.
  const usage = result.error?.code === 'NETLAB_ERR_USAGE';
  if (json) {
    json.write(result);
    await json.flush();
  } else if (!usage) {
    printTitle();
    human.write('\n' + renderSummary(result, chalk, lab.summaryLabels) + '\n');
  }
  if (usage) {
    process.stderr.write(`${chalk.red('netlab:')} ${result.error!.message}\n`);
    process.exitCode = 2;
  } else if (controller.signal.aborted) process.exitCode = 130;
  else process.exitCode = result.ok ? 0 : 1;
}
