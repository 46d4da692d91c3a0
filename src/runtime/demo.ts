/**
 * Runs a lab's scenario (or its `serve`) outside any UI: the scenario's {@link DemoContext} is
 * a view of one {@link ProcessScope} (the programs it spawns, its temporary directories) and
 * one {@link TraceCollector} (their trace lines, in time order). A hard time limit applies, and
 * what the run started is always killed and removed.
 */
import type { JsonObject, ResultLine, TraceLine } from '../trace/event.js';
import { TraceCollector } from '../trace/collector.js';
import type { DemoContext, DemoSpawnOptions, Lab, ServeInfo } from '../lab/types.js';
import type { Program } from './contract.js';
import { existsSync } from 'node:fs';
import { resolveProgram } from './spawn.js';
import { plainCopyOf } from './plain-module.js';
import { ProcessScope } from './scope.js';
import { NetlabError } from '../errors.js';
import { t } from '../i18n/messages.js';
import { localize } from '../i18n/localized.js';

export interface DemoOptions {
  scenario?: string;
  /** The learner's implementation to run instead of the reference solution. */
  use?: string;
  /** Receives every trace line, numbered, in the order the lines happened. */
  onLine: (line: TraceLine) => void;
  /** `--set key=value` values. */
  options?: Record<string, string>;
  /** Hard limit for the whole run (default 30 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * Capture the packets on the wire too: the run's programs go into a private network whose
   * loopback tcpdump records, and each packet is a `wire` event. Where that is impossible, the
   * run goes on without packets and `onPacketsUnavailable` hears why, in one line.
   */
  packets?: boolean;
  onPacketsUnavailable?: (reason: string) => void;
}

/** A run's scope, its trace feeding `onLine`. */
function openScope(onLine: (line: TraceLine) => void): ProcessScope {
  const collector = new TraceCollector();
  collector.subscribe(onLine);
  return new ProcessScope(collector);
}

/** The scenario's view of a scope: what a lab may do, nothing more. */
function demoContext(lab: Lab, scenario: string, scope: ProcessScope, options: Omit<DemoOptions, 'onLine'>): DemoContext {
  const defaults = Object.fromEntries(Object.entries(lab.options ?? {}).map(([k, o]) => [k, o.default]));
  for (const key of Object.keys(options.options ?? {})) {
    if (!(key in defaults)) {
      const known = Object.keys(defaults);
      throw new NetlabError('NETLAB_ERR_USAGE', t(known.length ? 'run.noOptionKnown' : 'run.noOption', { lab: lab.id, key, known: known.join(', ') }));
    }
  }
  // The reference solution as the build wrote it in plain JavaScript (when it imports only Node's
  // own modules): with the lab's built programs, its processes need no module hooks.
  const plain = options.use === undefined ? plainCopyOf(lab.solutionPath) : undefined;
  const reference = plain !== undefined && existsSync(plain) ? plain : undefined;
  return {
    lab,
    scenario,
    implementation: options.use ?? reference ?? lab.solutionPath,
    usingLearnerCode: options.use !== undefined,
    options: { ...defaults, ...options.options },
    signal: scope.signal,
    spawn: ((actor: string, program: string | Program, spawnOptions: DemoSpawnOptions & { params?: object } = {}) => {
      const path = resolveProgram(lab.dir, typeof program === 'string' ? program : program.path);
      return scope.spawn({ actor, program: path, ...(reference !== undefined && path.endsWith('.js') ? { hooks: false } : {}), ...spawnOptions });
    }) as DemoContext['spawn'],
    note: (text) => scope.collector.note('netlab', localize(text)),
    tempDir: () => scope.tempDir(),
    privateNetwork: (files) => scope.privateNetwork(files),
  };
}

/** With `--packets`, start the capture before any program; say why not where it cannot be. */
async function startCapture(scope: ProcessScope, options: Pick<DemoOptions, 'packets' | 'onPacketsUnavailable'>): Promise<void> {
  if (!options.packets) return;
  const reason = await scope.capturePackets();
  if (reason) options.onPacketsUnavailable?.(reason);
}

/** The summary, with what the capture saw (the completeness of the wire trace). */
function withWire(summary: JsonObject, scope: ProcessScope): JsonObject {
  return scope.wire ? { ...summary, packets: { captured: scope.wire.captured, traced: scope.wire.traced } } : summary;
}

export function pickScenario(lab: Lab, name?: string): string {
  const names = Object.keys(lab.scenarios);
  if (name === undefined) return names[0]!;
  if (!lab.scenarios[name]) {
    throw new NetlabError('NETLAB_ERR_UNKNOWN_SCENARIO', t('run.unknownScenario', { lab: lab.id, name, names: names.join(', ') }));
  }
  return name;
}

/** Run one scenario to the end. Never throws for a failing demo: the result says `ok: false`. */
export async function runDemo(lab: Lab, options: DemoOptions): Promise<ResultLine> {
  const scenario = pickScenario(lab, options.scenario);
  const unsupported = lab.unsupported?.();
  if (unsupported) {
    return { type: 'result', ok: true, lab: lab.id, scenario, summary: { skipped: unsupported } };
  }
  const scope = openScope(options.onLine);
  let ctx: DemoContext;
  try {
    ctx = demoContext(lab, scenario, scope, options);
  } catch (err) {
    await scope.dispose();
    throw err;
  }
  await startCapture(scope, options);
  const timeoutMs = options.timeoutMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  const onAbort = () => scope.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const summary = await Promise.race([
      lab.scenarios[scenario]!.run(ctx),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new NetlabError('NETLAB_ERR_TIMEOUT', t('run.timedOut', { lab: lab.id, ms: timeoutMs }))), timeoutMs);
      }),
      new Promise<never>((_, reject) => {
        scope.signal.addEventListener('abort', () => reject(new NetlabError('NETLAB_ERR_DEMO_FAILED', t('run.interrupted'))), { once: true });
      }),
    ]);
    await scope.dispose();
    return { type: 'result', ok: true, lab: lab.id, scenario, summary: withWire((summary ?? {}) as JsonObject, scope) };
  } catch (err) {
    const e = err as { code?: string; message?: string };
    return {
      type: 'result',
      ok: false,
      lab: lab.id,
      scenario,
      summary: {},
      error: { code: e.code ?? 'NETLAB_ERR_DEMO_FAILED', message: e.message ?? String(err) },
    };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    await scope.dispose();
  }
}

export interface ServeHandle {
  info: ServeInfo;
  /** Stop the server and every process, remove temp dirs. */
  stop(): Promise<void>;
}

/** Start the lab's server for real tools; it runs until `stop()`. */
export async function serveLab(lab: Lab, options: Omit<DemoOptions, 'scenario' | 'timeoutMs'>): Promise<ServeHandle> {
  if (!lab.serve) throw new NetlabError('NETLAB_ERR_UNSUPPORTED', t('run.noServe', { lab: lab.id }));
  const unsupported = lab.unsupported?.();
  if (unsupported) throw new NetlabError('NETLAB_ERR_UNSUPPORTED', t('run.cannotRunHere', { lab: lab.id, reason: unsupported }));
  const scope = openScope(options.onLine);
  try {
    const ctx = demoContext(lab, 'serve', scope, options);
    await startCapture(scope, options);
    const info = await lab.serve(ctx);
    return { info, stop: () => scope.dispose() };
  } catch (err) {
    await scope.dispose();
    throw err;
  }
}
