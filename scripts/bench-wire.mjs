// The wire's bars for scripts/bench.mjs: what `--packets` costs (a whole `netlab run tcp-echo`
// with and without it, interleaved in one run so machine noise hits both alike; `netlab grade`
// of every reference solution likewise, with the same verdicts) and whether
// every packet tcpdump counted on a lab's loopback reached the trace (`summary.packets` of the
// `--json` result: `captured` is tcpdump's count, `traced` the `wire` lines).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Labs whose demos put packets on the loopback, run a few times each for completeness. */
const LABS = ['tcp-echo', 'udp', 'dns', 'http-lifecycle', 'websocket-handshake', 'backpressure'];

function timedRun(cli, args) {
  const start = process.hrtime.bigint();
  // A run's NDJSON with its packets passes 1 MiB (backpressure: ~1700 packets), spawnSync's default.
  const r = spawnSync(process.execPath, [cli, 'run', ...args, '--json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
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

/**
 * `netlab grade --packets` of every reference solution against the same grading without it,
 * interleaved: what running the grading in a captured private network costs, and whether any
 * verdict changed (it must not).
 */
function gradeRow(root, cli, median) {
  const name = 'wire: grade --packets overhead (references)';
  const ws = mkdtempSync(join(tmpdir(), 'netlab-bench-wire-'));
  try {
    const labs = readdirSync(join(root, 'dist/labs')).filter((id) => existsSync(join(root, 'dist/labs', id, 'exercise/solution.ts')));
    for (const id of labs) cpSync(join(root, 'dist/labs', id, 'exercise/solution.ts'), join(ws, `${id}.ts`));
    const grade = (extra) => {
      const start = process.hrtime.bigint();
      const r = spawnSync(process.execPath, [cli, 'grade', '--dir', ws, '--reporter', 'json', ...extra], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const verdicts = JSON.parse(r.stdout).tests.map((t) => `${t.lab}/${t.id}: ${t.status}`);
      return { ms, verdicts };
    };
    const plain = [];
    const wired = [];
    const changed = new Set();
    for (let i = 0; i < 2; i++) {
      const a = grade([]);
      const b = grade(['--packets']);
      plain.push(a.ms);
      wired.push(b.ms);
      a.verdicts.forEach((v, j) => v !== b.verdicts[j] && changed.add(`${v} → ${b.verdicts[j]}`));
    }
    const ratio = median(wired) / median(plain);
    const value = `${(median(wired) / 1000).toFixed(1)} s / ${(median(plain) / 1000).toFixed(1)} s = ${ratio.toFixed(2)}×`;
    const note = changed.size ? `verdicts changed: ${[...changed].join('; ')}` : `${labs.length} labs, verdicts identical, median of 2 interleaved`;
    return { name, value, bar: '≤ 1.50×, same verdicts', ok: ratio <= 1.5 && changed.size === 0, note };
  } catch (err) {
    return { name, value: 'failed', bar: '≤ 1.50×, same verdicts', ok: false, note: err.message };
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
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

  rows.push(gradeRow(root, cli, median));

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
