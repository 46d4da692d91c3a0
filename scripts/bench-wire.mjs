// The wire's bars for scripts/bench.mjs: what `--packets` costs (a whole `netlab run tcp-echo`
// with and without it, interleaved in one run so machine noise hits both alike) and whether
// every packet tcpdump counted on a lab's loopback reached the trace (`summary.packets` of the
// `--json` result: `captured` is tcpdump's count, `traced` the `wire` lines).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Labs whose demos put packets on the loopback, run a few times each for completeness. */
const LABS = ['tcp-echo', 'udp', 'dns', 'http-lifecycle', 'websocket-handshake', 'backpressure'];

function timedRun(cli, args) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [cli, 'run', ...args, '--json'], { encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const last = r.stdout.trim().split('\n').pop() ?? '';
  let result;
  try {
    result = JSON.parse(last);
  } catch {
    result = undefined;
  }
  if (r.status !== 0 || result?.type !== 'result') throw new Error(`netlab run ${args.join(' ')} exited ${r.status}: ${r.stderr.trim().split('\n').pop()}`);
  return { ms, packets: result.summary?.packets, stderr: r.stderr };
}

/** Rows `{ name, value, bar, ok, note }` for the bench's table. */
export async function benchWire({ root, cli, runs, median }) {
  const namespace = join(root, 'dist/src/runtime/namespace.js');
  const reason = existsSync(namespace) ? (await import(namespace)).captureUnavailable() : 'netlab is not built';
  if (reason) return [{ name: 'wire: --packets overhead (tcp-echo)', value: 'not measured', bar: '≤ 1.50×', ok: true, note: `no capture here: ${reason}` }];

  const rows = [];
  const n = Math.max(3, Math.ceil(runs / 2));
  const plain = [];
  const wired = [];
  for (let i = 0; i < n; i++) {
    plain.push(timedRun(cli, ['tcp-echo']).ms);
    wired.push(timedRun(cli, ['tcp-echo', '--packets']).ms);
  }
  const ratio = median(wired) / median(plain);
  rows.push({ name: 'wire: --packets overhead (tcp-echo)', value: `${median(wired).toFixed(0)} ms / ${median(plain).toFixed(0)} ms = ${ratio.toFixed(2)}×`, bar: '≤ 1.50×', ok: ratio <= 1.5, note: `median of ${n} interleaved runs` });

  let captured = 0;
  let traced = 0;
  const short = [];
  const perLab = [];
  for (const lab of LABS) {
    let labCaptured = 0;
    for (let i = 0; i < 3; i++) {
      const { packets, stderr } = timedRun(cli, [lab, '--packets']);
      if (!packets) {
        short.push(`${lab}: no capture (${stderr.trim().split('\n').pop()})`);
        continue;
      }
      captured += packets.captured;
      traced += packets.traced;
      labCaptured += packets.captured;
      if (packets.traced !== packets.captured) short.push(`${lab} run ${i + 1}: ${packets.traced} of ${packets.captured}`);
    }
    perLab.push(`${lab} ${labCaptured}`);
  }
  rows.push({
    name: 'wire: packets on the trace / tcpdump',
    value: `${traced} of ${captured} (${LABS.length} labs × 3)`,
    bar: 'all',
    ok: short.length === 0 && captured > 0,
    note: short.length ? short.join('; ') : perLab.join(', '),
  });
  return rows;
}
