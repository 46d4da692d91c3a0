#!/usr/bin/env node
// The agent-maxsockets accuracy bar (SPEC §7): measured / ideal within 1.00–1.10 for
// maxSockets k = 1, 5, Infinity. Runs the lab's default demo (`netlab run agent-maxsockets
// --json`: N = 10 requests, D = 200 ms) several times as a whole process, and reads the times
// the demo's client measured inside itself, from its first request to its last response.
//
//   node scripts/bench-agent.mjs            (after `npm run build`)
//   BENCH_AGENT_RUNS=9 node scripts/bench-agent.mjs
//
// benchAgent() resolves with one row per k: { name, measured, ideal, ratio } (median run),
// plus { worst, runs, load, ok } (load: the 1-minute load average when it started). The main bench (scripts/bench.mjs) calls it.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist/cli/main.js');
const KS = ['1', '5', 'Infinity'];
const BAR = { min: 1.0, max: 1.1 };

function runDemo() {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [cli, 'run', 'agent-maxsockets', '--json', '--set', `k=${KS.join(',')}`], { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      let result;
      try {
        result = JSON.parse(last);
      } catch {
        reject(new Error(`netlab run agent-maxsockets printed no result line${err ? ` (${err.message})` : ''}\n${stderr}`));
        return;
      }
      if (!result.ok) reject(new Error(`the agent-maxsockets demo failed: ${result.error?.message ?? 'unknown error'}`));
      else resolve(result.summary);
    });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

/**
 * Run the demo `runs` times; one row per k with the median measured time, the ideal
 * ceil(N/k)·D, their ratio, the worst ratio seen, and whether the median is within the bar.
 */
export async function benchAgent({ runs = Number(process.env.BENCH_AGENT_RUNS) || 5 } = {}) {
  if (!existsSync(cli)) throw new Error('dist/cli/main.js is missing: run `npm run build` first');
  const samples = Object.fromEntries(KS.map((k) => [k, []]));
  // Other processes competing for the CPU make timers fire late: say how busy the machine was.
  const load = loadavg()[0];
  let ideal = {};
  let n;
  let delay;
  for (let i = 0; i < runs; i++) {
    const summary = await runDemo();
    ideal = summary.idealMs;
    n = summary.requests;
    delay = summary.delayMs;
    for (const k of KS) samples[k].push(summary.measuredMs[k]);
  }
  return KS.map((k) => {
    const measured = median(samples[k]);
    const ratio = measured / ideal[k];
    const worst = Math.max(...samples[k]) / ideal[k];
    return {
      name: `agent-maxsockets k=${k === 'Infinity' ? '∞' : k} (N=${n}, D=${delay} ms, median of ${runs})`,
      measured: round(measured, 1),
      ideal: ideal[k],
      ratio: round(ratio),
      worst: round(worst),
      runs,
      load: round(load, 2),
      ok: ratio >= BAR.min && ratio <= BAR.max,
    };
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = await benchAgent();
  const width = Math.max(...rows.map((r) => r.name.length));
  console.log(`${'what'.padEnd(width)}  ${'measured'.padStart(10)}  ${'ideal'.padStart(8)}  ratio  worst  bar ${BAR.min.toFixed(2)}–${BAR.max.toFixed(2)}`);
  for (const r of rows) {
    console.log(`${r.name.padEnd(width)}  ${`${r.measured.toFixed(1)} ms`.padStart(10)}  ${`${r.ideal} ms`.padStart(8)}  ${r.ratio.toFixed(3)}  ${r.worst.toFixed(3)}  ${r.ok ? 'ok' : 'MISSED'}`);
  }
  console.log(`load average when the runs started: ${rows[0].load} (the machine has ${(await import('node:os')).availableParallelism()} cores)`);
  process.exitCode = rows.every((r) => r.ok) ? 0 : 1;
}
