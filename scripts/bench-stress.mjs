#!/usr/bin/env node
// Verdicts independent of load: grade every lab's reference, starter and fixtures N rounds,
// each round once alone and once while three `netlab grade` of all labs run at the same time,
// and report every check whose verdict differs from the first run (a flake), and every bad
// fixture whose check failed for another reason than the one its `says` gives.
//   node scripts/bench-stress.mjs [rounds]     (npm run bench runs it with BENCH_STRESS_ROUNDS, default 1)
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).bin.netlab);
const dist = (path) => pathToFileURL(join(root, 'dist', path)).href;

/** Every submission the project's own tests grade: reference, starter and fixtures of every lab. */
async function submissions(labs, dir) {
  const { labFixtures, writeFixture } = await import(dist('src/lab/fixtures.js'));
  const out = [];
  for (const lab of labs) {
    // Fixtures are edits of the lab's source solution, as in the contract test.
    const src = join(root, 'labs', lab.id);
    out.push({ lab, file: join(src, 'exercise', 'solution.ts'), what: 'solution' });
    out.push({ lab, file: join(src, 'exercise', 'starter.ts'), what: 'starter' });
    for (const f of await labFixtures(src)) out.push({ lab, file: writeFixture(src, f, dir), what: f.id, fixture: f });
  }
  return out;
}

/**
 * `lab/submission/check` → status of one grading of all submissions, and the bad fixtures whose
 * check (the one their mistake is about) failed without saying what their `says` gives.
 */
async function gradeAll(subs) {
  const { gradeSubmissions } = await import(dist('src/grade/runner.js'));
  const { checkAbout, messageSays } = await import(dist('src/lab/fixtures.js'));
  const reports = await gradeSubmissions(subs.map(({ lab, file }) => ({ lab, file })));
  const verdicts = new Map();
  const reasons = [];
  reports.forEach((r, i) => {
    if (r.error) verdicts.set(`${subs[i].lab.id}/${subs[i].what}/(lab error)`, r.error.split('\n')[0]);
    for (const c of r.checks) verdicts.set(`${subs[i].lab.id}/${subs[i].what}/${c.id}`, c.status === 'failed' ? `failed: ${(c.message ?? '').split('\n')[0]}` : c.status);
    const f = subs[i].fixture;
    const about = f && checkAbout(f);
    if (about === undefined || f.says === undefined) return;
    const check = r.checks.find((c) => c.id === about);
    if (check?.status !== 'failed') return; // a verdict change, reported as such
    const message = check.message ?? '';
    if (!messageSays(f.says, message)) reasons.push({ key: `${subs[i].lab.id}/${f.id}/${about}`, says: String(f.says), message: message.split('\n')[0] });
  });
  return { verdicts, reasons };
}

/** Three `netlab grade` of all labs' reference solutions, restarted as they end, until stopped. */
function load(workspace, count = 3) {
  const children = new Set();
  let stopped = false;
  let runs = 0;
  const start = () => {
    if (stopped) return;
    const child = spawn(process.execPath, [cli, 'grade', '--dir', workspace, '--reporter', 'json'], { stdio: 'ignore' });
    children.add(child);
    child.on('close', () => {
      children.delete(child);
      runs++;
      start();
    });
  };
  for (let i = 0; i < count; i++) start();
  return async () => {
    stopped = true;
    await Promise.all([...children].map((c) => new Promise((resolve) => (c.once('close', resolve), c.kill('SIGTERM')))));
    return runs;
  };
}

/**
 * Runs `rounds` rounds; resolves with { verdicts, runs, changed: [{ key, first, then, when }],
 * reasons: [{ key, says, message, when }], loadRuns, load }.
 * `onRun` is told about each graded run as it ends.
 */
export async function benchStress({ rounds = 1, onRun } = {}) {
  const { loadLabs } = await import(dist('src/lab/registry.js'));
  const labs = (await loadLabs()).filter((l) => !l.unsupported?.());
  const dir = mkdtempSync(join(tmpdir(), 'netlab-stress-'));
  const refs = join(dir, 'refs');
  const fixtures = join(dir, 'fixtures');
  try {
    mkdirSync(refs);
    mkdirSync(fixtures);
    for (const lab of labs) {
      const solution = join(root, 'labs', lab.id, 'exercise', 'solution.ts');
      if (existsSync(solution)) cpSync(solution, join(refs, `${lab.id}.ts`));
    }
    const subs = await submissions(labs, fixtures);
    let first;
    const changed = [];
    const reasons = [];
    let runs = 0;
    let loadRuns = 0;
    const loads = [];
    for (let round = 1; round <= rounds; round++) {
      for (const loaded of [false, true]) {
        const when = `round ${round}, ${loaded ? 'with 3× netlab grade' : 'alone'}`;
        const stop = loaded ? load(refs) : undefined;
        const started = performance.now();
        const graded = await gradeAll(subs);
        const verdicts = graded.verdicts;
        for (const r of graded.reasons) reasons.push({ ...r, when });
        const seconds = (performance.now() - started) / 1000;
        loads.push(loadavg()[0]);
        if (stop) loadRuns += await stop();
        runs++;
        onRun?.({ when, seconds, checks: verdicts.size });
        if (!first) {
          first = verdicts;
          continue;
        }
        for (const key of new Set([...first.keys(), ...verdicts.keys()])) {
          const a = first.get(key);
          const b = verdicts.get(key);
          // Failing for a different reason is no change of verdict; passing vs failing is.
          const verdict = (v) => (v === undefined ? 'absent' : v.startsWith('failed') ? 'failed' : v);
          if (verdict(a) !== verdict(b)) changed.push({ key, first: a ?? 'absent', then: b ?? 'absent', when });
        }
      }
    }
    return { checks: first?.size ?? 0, submissions: subs.length, runs, changed, reasons, loadRuns, load: Math.max(...loads) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rounds = Number(process.argv[2] ?? process.env.BENCH_STRESS_ROUNDS ?? 1) || 1;
  const r = await benchStress({ rounds, onRun: (x) => console.log(`${x.when}: ${x.checks} checks graded in ${x.seconds.toFixed(1)} s`) });
  console.log(`\n${r.submissions} submissions, ${r.checks} checks, ${r.runs} gradings, ${r.loadRuns} \`netlab grade\` runs as load, peak load average ${r.load.toFixed(1)}`);
  for (const c of r.changed) console.log(`changed: ${c.key} (${c.when})\n  first: ${c.first}\n  then:  ${c.then}`);
  for (const c of r.reasons) console.log(`another reason: ${c.key} (${c.when})\n  says:    ${c.says}\n  message: ${c.message}`);
  console.log(`${r.changed.length} verdict(s) changed, ${r.reasons.length} failure(s) for another reason than the fixture's \`says\``);
  process.exitCode = r.changed.length || r.reasons.length ? 1 : 0;
}
