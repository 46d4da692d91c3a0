/**
 * `netlab grade` end to end, as a learner or a CI job runs it: exit codes, clear messages for
 * a missing workspace or file, the pretty and json reports, `--output`, progress that `netlab
 * list` and `netlab solution` see, and a busy-looping submission that still ends in time.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { CLI, cmdlineOf, collect, descendantsOf, goneWithin, isAlive, runCli, spawnRecorder } from './helpers/cli.js';
import { ROOT, cleanEnv, measurePace, tempDir } from './grade-support.js';
import { parseNdjson } from '../src/trace/ndjson.js';
import { writeFixtureTo } from './helpers/fixtures.js';

const tmp = tempDir('netlab-grade-cli-');
afterAll(() => tmp.remove());

function workspace(name: string, files: Record<string, string> = {}): string {
  const dir = join(tmp.dir, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, from] of Object.entries(files)) copyFileSync(from, join(dir, file));
  return dir;
}

const env = cleanEnv();
const run = (args: string[], options: { cwd?: string; timeoutMs?: number } = {}) => runCli(args, { env, cwd: options.cwd ?? tmp.dir, timeoutMs: options.timeoutMs ?? 120_000 });

/** A small JSON Schema (2020-12 subset: type, const, enum, required, properties, additionalProperties, items, $ref, minimum) validator. */
function validate(schema: Record<string, unknown>, value: unknown, root = schema, path = '$'): string[] {
  if (typeof schema.$ref === 'string') {
    const target = (schema.$ref as string).replace(/^#\//, '').split('/').reduce<Record<string, unknown>>((node, key) => node[key] as Record<string, unknown>, root);
    return validate(target, value, root, path);
  }
  const errors: string[] = [];
  const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);
  if (schema.type !== undefined) {
    const types = ([] as string[]).concat(schema.type as string | string[]);
    const actual = typeOf(value);
    if (!types.some((t) => t === actual || (t === 'number' && actual === 'integer'))) return [`${path}: expected ${types.join('|')}, got ${actual}`];
  }
  if ('const' in schema && value !== schema.const) errors.push(`${path}: expected ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) errors.push(`${path}: ${JSON.stringify(value)} not in ${JSON.stringify(schema.enum)}`);
  if (typeof schema.minimum === 'number' && typeof value === 'number' && value < schema.minimum) errors.push(`${path}: below ${schema.minimum}`);
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
    for (const key of (schema.required as string[] | undefined) ?? []) if (!(key in obj)) errors.push(`${path}: missing ${key}`);
    for (const [key, v] of Object.entries(obj)) {
      if (props[key]) errors.push(...validate(props[key]!, v, root, `${path}.${key}`));
      else if (schema.additionalProperties === false) errors.push(`${path}: unexpected ${key}`);
    }
  }
  if (Array.isArray(value) && schema.items) value.forEach((v, i) => errors.push(...validate(schema.items as Record<string, unknown>, v, root, `${path}[${i}]`)));
  return errors;
}

describe('usage errors: exit 2, one clear line', () => {
  test.each([
    [['grade', 'tcp-ech'], /unknown lab "tcp-ech"\. Did you mean "tcp-echo"\?/],
    [['grade', 'tcp-echo', '--reporter', 'xml'], /argument 'xml' is invalid\. Allowed choices are pretty, json, junit, github/],
    [['grade', 'tcp-echo', '--timeout', 'soon'], /--timeout takes a positive number of milliseconds, got "soon"/],
    [['grade', 'tcp-echo', '--timeout', '0'], /--timeout takes a positive number/],
  ])('netlab %j', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });
});

describe('a missing workspace or file is a message, not a stack trace', () => {
  test('no workspace: exit 2 (a broken set-up, not a failing student), one line that says to run netlab init', async () => {
    const r = await run(['grade', '--dir', join(tmp.dir, 'nowhere')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^netlab: no workspace at .*nowhere: run `netlab init .*nowhere` to create one[^\n]*\n$/);
    expect(r.stdout).toBe('');
  });

  test('a file given as the workspace: exit 2, one line', async () => {
    const file = join(tmp.dir, 'not-a-folder');
    writeFileSync(file, 'x');
    const r = await run(['grade', '--dir', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^netlab: .*not-a-folder is a file, not a workspace folder\n$/);
  });

  test('no file for the lab: "not started", exit 1, and the check lines end with the counts', async () => {
    const dir = workspace('empty');
    const r = await run(['grade', 'tcp-echo', '--dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/tcp-echo\s+TCP echo server: not started\. Create .*tcp-echo\.ts \(`netlab init` writes a starter\)/);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('0 passed, 0 failed');
  });
});

describe('right after netlab init: every lab "not started", nothing runs', () => {
  test('pretty: one line per lab, no trace, 0 points, exit 1; json and junit say not started too', async () => {
    const dir = join(tmp.dir, 'fresh');
    const init = await run(['init', dir]);
    expect(init.code, init.stderr).toBe(0);
    // Every process netlab would start, written down.
    const recorder = spawnRecorder(tmp.dir);
    const r = await runCli(['grade', '--dir', dir], { env: { ...env, ...recorder.env }, cwd: tmp.dir, timeoutMs: 120_000 });
    expect(r.code).toBe(1);
    expect(r.stderr, 'nothing on stderr (a deprecation warning of a library once was)').toBe('');
    expect(recorder.spawned(), 'no process started: no vitest, no learner code').toEqual([]);
    const lines = r.stdout.trimEnd().split('\n');
    const labs = lines.filter((l) => /: not started\. /.test(l));
    expect(labs.length).toBeGreaterThanOrEqual(6);
    for (const l of labs) expect(l).toMatch(/is still the starter: make it do what its \/\/ TODO comments ask, then grade again\.$/);
    expect(r.stdout).not.toMatch(/trace of this check|✗|✓/);
    expect(lines.length).toBeLessThan(labs.length * 2 + 4);
    expect(r.stdout).toMatch(/^Points 0\/\d+ · labs: \d+ not started/m);
    expect(lines.at(-1)).toBe('0 passed, 0 failed');

    const json = JSON.parse((await run(['grade', 'tcp-echo', '--dir', dir, '--reporter', 'json'])).stdout);
    expect(json).toMatchObject({ status: 'fail', message: 'not started: tcp-echo', points: { earned: 0 } });
    expect(json.points.possible).toBeGreaterThan(0);
    expect(json.labs[0]).toMatchObject({ status: 'not-started', message: expect.stringMatching(/tcp-echo\.ts is still the starter/) });
    expect(json.tests.length).toBeGreaterThan(0);
    for (const test of json.tests) {
      expect(test).toMatchObject({ status: 'skip', message: 'not started' });
      expect(test).not.toHaveProperty('trace');
    }

    const junit = (await run(['grade', 'tcp-echo', '--dir', dir, '--reporter', 'junit'])).stdout;
    expect(junit.match(/<failure type="not-started"/g)?.length).toBe(json.tests.length);
    expect(junit).toMatch(/<property name="status" value="not-started"\/>/);
  }, 180_000);
});

describe('a file that cannot load is reported once per lab, in the learner\'s terms', () => {
  test('a directory and a syntax error: once each in pretty, github, junit and json; no internal paths', async () => {
    const dir = workspace('unloadable');
    mkdirSync(join(dir, 'tcp-echo.ts'));
    writeFileSync(join(dir, 'udp.ts'), 'export function createUdpServer() {\n  let x y = 1;\n}\n');
    const args = ['grade', 'tcp-echo', 'udp', '--dir', dir];

    // Nothing can run: the checks are listed from the graders, failed as not loaded, and
    // neither vitest nor any learner process starts (esbuild, which found the syntax error, does;
    // so does the pace's `node -e 0`, measured meanwhile).
    const recorder = spawnRecorder(tmp.dir);
    const pretty = await runCli(args, { env: { ...env, ...recorder.env }, cwd: tmp.dir, timeoutMs: 120_000 });
    expect(pretty.code).toBe(1);
    expect(pretty.stderr).toBe('');
    expect(recorder.spawned().filter((a) => a.some((x) => /vitest|grade\/host/.test(x))), 'no vitest worker, no learner process').toEqual([]);
    expect(recorder.spawned().length, 'the recorder sees what netlab starts').toBeGreaterThan(0);
    expect(pretty.stdout.match(/unloadable\/tcp-echo\.ts is a directory, not a file/g)).toHaveLength(1);
    expect(pretty.stdout).not.toMatch(/ERR_UNSUPPORTED_DIR_IMPORT|dist\/src|host\.js/);
    expect(pretty.stdout.match(/unloadable\/udp\.ts:2:9: syntax error: Expected ";" but found "y"/g)).toHaveLength(1);
    expect(pretty.stdout.match(/did not load/g)).toHaveLength(2);
    expect(pretty.stdout.trimEnd().split('\n').at(-1)).toMatch(/^0 passed, [1-9]\d* failed$/);

    const github = await run([...args, '--reporter', 'github'], { cwd: tmp.dir });
    const annotations = github.stdout.split('\n').filter((l) => l.startsWith('::error'));
    expect(annotations).toHaveLength(2);
    expect(annotations[0]).toMatch(/^::error file=unloadable\/tcp-echo\.ts,line=1,title=tcp-echo%3A .* did not load/);
    expect(annotations[1]).toMatch(/^::error file=unloadable\/udp\.ts,line=2,.*syntax error/);

    const junit = (await run([...args, '--reporter', 'junit'], { cwd: tmp.dir })).stdout;
    expect(junit.match(/<failure type="load-error"/g)).toHaveLength(2);
    expect(junit.match(/is a directory, not a file/g)).toHaveLength(2); // the attribute and the text of one failure

    const json = JSON.parse((await run([...args, '--reporter', 'json'], { cwd: tmp.dir })).stdout);
    expect(json).toMatchObject({ status: 'fail', message: 'did not load: tcp-echo, udp', points: { earned: 0 } });
    expect(json.labs.map((l: { message: string }) => l.message)).toEqual([expect.stringMatching(/is a directory, not a file/), expect.stringMatching(/syntax error/)]);
    for (const test of json.tests) expect(test.message).toMatch(/^not run: (tcp-echo|udp)\.ts did not load$/);
  }, 180_000);

  test('a module that throws at import: the stack once, not once per check', async () => {
    const dir = workspace('throws');
    writeFileSync(join(dir, 'tcp-echo.ts'), "import * as net from 'node:net';\nthrow new Error('boom at import');\nexport function createEchoServer(): net.Server { return net.createServer(); }\n");
    const r = await run(['grade', 'tcp-echo', '--dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout.match(/boom at import/g)).toHaveLength(1);
    expect(r.stdout).toMatch(/throws\/tcp-echo\.ts:2:7/);
  }, 120_000);
});

describe('solution --force is recorded where a teacher sees it', () => {
  test('a committed record in the workspace, shown by every reporter for that lab', async () => {
    const dir = join(tmp.dir, 'peeked');
    expect((await run(['init', dir])).code).toBe(0);
    const forced = await run(['solution', 'tcp-echo', '--force', '--dir', dir]);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toBe(readFileSync(join(ROOT, 'labs/tcp-echo/exercise/solution.ts'), 'utf8'));
    const record = JSON.parse(readFileSync(join(dir, 'netlab-record.json'), 'utf8'));
    expect(record.labs['tcp-echo'].solutionViewedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(Object.keys(record.labs)).toEqual(['tcp-echo']);
    // The workspace's .gitignore leaves it to be committed with the learner's work.
    spawnSync('git', ['init', '-q'], { cwd: dir });
    expect(spawnSync('git', ['check-ignore', '-q', 'netlab-record.json'], { cwd: dir }).status, 'not ignored by git').toBe(1);
    expect(spawnSync('git', ['check-ignore', '-q', '.netlab/progress.json'], { cwd: dir }).status, 'progress is ignored').toBe(0);

    const pretty = await run(['grade', 'tcp-echo', 'udp', '--dir', dir]);
    expect(pretty.stdout.match(/the reference solution was viewed \(netlab solution --force\) on \d{4}-\d\d-\d\d [\d:]+ UTC, before this lab passed/g)).toHaveLength(1);
    expect(pretty.stdout.split('\n\n')[0]).toMatch(/^tcp-echo [\s\S]*solution was viewed/);

    const json = JSON.parse((await run(['grade', 'tcp-echo', 'udp', '--dir', dir, '--reporter', 'json'])).stdout);
    expect(json.labs.map((l: { solution_viewed_at: string | null }) => l.solution_viewed_at)).toEqual([record.labs['tcp-echo'].solutionViewedAt, null]);
    expect(validate(JSON.parse(readFileSync(join(ROOT, 'docs/grade-report.schema.json'), 'utf8')), json)).toEqual([]);
    const junit = (await run(['grade', 'tcp-echo', '--dir', dir, '--reporter', 'junit'])).stdout;
    expect(junit).toContain(`<property name="solution-viewed-at" value="${record.labs['tcp-echo'].solutionViewedAt}"/>`);
    const github = (await run(['grade', 'tcp-echo', '--dir', dir, '--reporter', 'github'])).stdout;
    expect(github).toMatch(/^::warning title=tcp-echo%3A solution viewed::the reference solution was viewed/m);
  }, 180_000);
});

describe('grading a workspace', () => {
  test('the reference solution: exit 0, one ✓ line per check, `N passed, 0 failed` last; progress recorded', async () => {
    const dir = workspace('solved', { 'tcp-echo.ts': join(ROOT, 'labs/tcp-echo/exercise/solution.ts') });
    const before = await run(['solution', 'tcp-echo', '--dir', dir]);
    expect(before.code).toBe(1);
    expect(before.stderr).toMatch(/opens once your exercise passes/);

    const r = await run(['grade', 'tcp-echo', '--dir', dir]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(/^(\d+) passed, 0 failed$/);
    const n = Number(/^(\d+)/.exec(lines.at(-1)!)![1]);
    expect(lines.filter((l) => /^ {2}✓ /.test(l))).toHaveLength(n);
    expect(r.stdout).toMatch(/✓ binary-safe\s+echoes any bytes unchanged/);
    expect(r.stdout).not.toMatch(/\x1b\[/);

    const list = await run(['list', '--json', '--dir', dir]);
    expect(parseNdjson<{ id: string; status: string }>(list.stdout).find((l) => l.id === 'tcp-echo')?.status).toBe('passed');
    const progress = JSON.parse(readFileSync(join(dir, '.netlab/progress.json'), 'utf8'));
    expect(progress.labs['tcp-echo']).toMatchObject({ lastScore: { passed: n, total: n } });
    expect(progress.labs['tcp-echo'].passedAt).toEqual(expect.any(String));

    const after = await run(['solution', 'tcp-echo', '--dir', dir]);
    expect(after.code).toBe(0);
    expect(after.stdout).toBe(readFileSync(join(ROOT, 'labs/tcp-echo/exercise/solution.ts'), 'utf8'));
  }, 180_000);

  test('a broken echo, --reporter json --output: the file matches the schema; the failing test has the message and its trace', async () => {
    const dir = workspace('broken');
    await writeFixtureTo('tcp-echo', 'bad--binary-safe--to-string', join(dir, 'tcp-echo.ts'));
    const out = join(tmp.dir, 'reports/grade.json');
    const r = await run(['grade', 'tcp-echo', '--dir', dir, '--reporter', 'json', '--output', out]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/json report written to .*grade\.json/);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/^\d+ passed, 1 failed$/);
    expect(existsSync(out)).toBe(true);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    const schema = JSON.parse(readFileSync(join(ROOT, 'docs/grade-report.schema.json'), 'utf8'));
    expect(validate(schema, report)).toEqual([]);
    expect(report).toMatchObject({ version: 3, status: 'fail', counts: { failed: 1 } });
    const failed = report.tests.filter((t: { status: string }) => t.status === 'fail');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ lab: 'tcp-echo', id: 'binary-safe', name: expect.stringMatching(/^tcp-echo › /), points: { earned: 0, possible: 2 } });
    expect(failed[0].message).toMatch(/did you convert the chunk to a string/);
    expect(failed[0].trace.some((l: { name?: string; actor: string }) => l.actor === 'learner' && l.name === 'data')).toBe(true);
    expect(report.points.earned).toBe(report.points.possible - 2);
    expect(report.labs[0]).toMatchObject({ id: 'tcp-echo', status: 'fail', points: { earned: report.points.possible - 2 } });

    // Without --output, stdout is only the JSON document.
    const direct = await run(['grade', 'tcp-echo', '--dir', dir, '--reporter', 'json']);
    expect(direct.code).toBe(1);
    expect(validate(schema, JSON.parse(direct.stdout))).toEqual([]);
  }, 240_000);

  test('Ctrl-C while grading, as a terminal sends it (to the whole process group): interrupted, not the learner\'s fault; exits 130, leaves no process', async () => {
    const dir = workspace('interrupted');
    // Starters with one change of the learner's (an untouched starter is not graded at all): a
    // top-level await that never settles, so every check waits for the module (as long as a
    // check's limit, 15 s) and grading is surely mid-way when Ctrl-C comes, however busy the
    // machine. (Starters that only fail their checks were graded completely, once, on a loaded
    // machine before the test had seen their processes and sent Ctrl-C: exit 1, not 130.)
    const labs = ['tcp-echo', 'udp', 'unix-socket'];
    for (const lab of labs) writeFileSync(join(dir, `${lab}.ts`), `${readFileSync(join(ROOT, `labs/${lab}/exercise/starter.ts`), 'utf8')}\n// started\nawait new Promise(() => {});\n`);
    // Its own process group, like a shell's foreground job: the group gets the SIGINT.
    const child = spawn(process.execPath, [CLI, 'grade', ...labs, '--dir', dir], { cwd: tmp.dir, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const exited = collect(child, 60_000);
    let seen: number[] = [];
    for (let i = 0; i < 400 && !seen.some((pid) => cmdlineOf(pid).includes('grade/host')); i++) {
      seen = (await descendantsOf(child.pid!)).map((p) => p.pid);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(seen.map(cmdlineOf).filter((c) => c.includes('grade/host')).length, 'learner processes are running').toBeGreaterThan(0);
    const stopped = Date.now();
    process.kill(-child.pid!, 'SIGINT');
    const r = await exited;
    expect(Date.now() - stopped).toBeLessThan(10_000);
    expect(r.code, r.stdout + r.stderr).toBe(130);
    // Nothing blames the learner or netlab's labs for the stop.
    expect(r.stdout).not.toMatch(/SIGINT|ended by itself|grader error|0\/0 checks/);
    expect(r.stdout).toMatch(/○ \S+\s+.* \(interrupted\)|interrupted before (it was graded|any of its checks finished)/);
    expect(r.stdout).toMatch(/^Points \d+\/\d+ · labs: .*\d+ interrupted/m);
    for (const lab of labs) expect(r.stdout).toMatch(new RegExp(`^${lab} `, 'm'));
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/^\d+ passed, \d+ failed$/);
    // Gone, or a zombie its parent has not reaped yet (it no longer runs).
    const running = (pid: number) => {
      if (!isAlive(pid)) return false;
      try {
        return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 60 && seen.some(running); i++) await new Promise((r) => setTimeout(r, 50));
    for (const pid of seen) expect(running(pid), `process ${pid} (${cmdlineOf(pid)}) is gone`).toBe(false);
  }, 90_000);

  test('Ctrl-C the moment grading starts (a vitest worker still starting): exit 130, the labs interrupted, no crash', async () => {
    // The terminal signals its foreground process group. When the vitest workers were in it, a
    // worker that had not yet set up its handlers died of the signal, vitest threw "Worker exited
    // unexpectedly" and netlab crashed with exit 1 (about one Ctrl-C in two, this early).
    const dir = workspace('early-ctrl-c');
    for (const lab of ['tcp-echo', 'udp']) writeFileSync(join(dir, `${lab}.ts`), `${readFileSync(join(ROOT, `labs/${lab}/exercise/starter.ts`), 'utf8')}\n// started\n`);
    const child = spawn(process.execPath, [CLI, 'grade', 'tcp-echo', 'udp', '--dir', dir], { cwd: tmp.dir, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const exited = collect(child, 60_000);
    let found: number[] = [];
    for (let i = 0; i < 6000 && found.length === 0 && child.exitCode === null; i++) {
      found = (await descendantsOf(child.pid!)).filter((p) => /vitest\/dist\/workers/.test(p.cmdline)).map((p) => p.pid);
      if (found.length === 0) await new Promise((r) => setTimeout(r, 5));
    }
    expect(found.length, 'a vitest worker started').toBeGreaterThan(0);
    process.kill(-child.pid!, 'SIGINT');
    const r = await exited;
    expect(r.stderr).not.toMatch(/Worker exited unexpectedly/);
    expect(r.code, r.stdout + r.stderr).toBe(130);
    expect(r.stdout).toMatch(/^Points 0\/\d+ · labs: 2 interrupted/m);
    for (const pid of found) expect(await goneWithin(pid), `worker ${pid} is gone`).toBe(true);
  }, 90_000);

  test('a SIGINT sent to the grading worker itself stops its checks at once: none starts a learner process after it', async () => {
    // Workers run in process groups of their own (src/grade/pool.ts), so Ctrl-C reaches netlab
    // alone; a signal sent to a worker is handled there too. Before, the worker went on grading
    // (a vitest worker turns process.exit into a thrown error), each next check started a learner
    // process that waited for a module that never loads, and grading ended only when the
    // checks' limits ran out.
    const dir = workspace('worker-signal');
    writeFileSync(join(dir, 'tcp-echo.ts'), `${readFileSync(join(ROOT, 'labs/tcp-echo/exercise/starter.ts'), 'utf8')}\n// started\nawait new Promise(() => {});\n`);
    const child = spawn(process.execPath, [CLI, 'grade', 'tcp-echo', '--dir', dir, '--timeout', '120000'], { cwd: tmp.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = collect(child, 120_000);
    let hosts: Array<{ pid: number; parent: number }> = [];
    for (let i = 0; i < 600 && hosts.length === 0; i++) {
      hosts = (await descendantsOf(child.pid!)).filter((p) => p.cmdline.includes('grade/host'));
      if (hosts.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(hosts.length, 'learner processes are running').toBeGreaterThan(0);
    const worker = hosts[0]!.parent;
    expect(cmdlineOf(worker)).toMatch(/vitest/);
    const stopped = Date.now();
    process.kill(worker, 'SIGINT');
    const r = await exited;
    // Each check waits up to its limit (15 s at least) for a module that never loads.
    expect(Date.now() - stopped, r.stdout).toBeLessThan(10_000);
    // Not the learner's fault, nor a module that did not load: the lab did not finish.
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^tcp-echo .*interrupted/m);
    expect(r.stdout).toMatch(/^Points 0\/\d+ · labs: 1 interrupted/m);
    expect(r.stdout).not.toMatch(/did not (finish )?load|✗|✓/);
    for (const { pid } of hosts) expect(isAlive(pid), `learner process ${pid} is gone`).toBe(false);
  }, 150_000);

  test('a busy loop at import: the lab fails as unresponsive and grading ends within its limit plus a few seconds', async () => {
    const dir = workspace('busy');
    writeFileSync(join(dir, 'tcp-echo.ts'), "import * as net from 'node:net';\nwhile (Date.now() > 0) {}\nexport function createEchoServer(): net.Server { return net.createServer(); }\n");
    const limit = 4000;
    // How much slower than a quiet machine this one is now: the "few seconds" scale with it.
    const pace = await measurePace();
    const started = Date.now();
    const r = await run(['grade', 'tcp-echo', '--dir', dir, '--timeout', String(limit)]);
    const took = Date.now() - started;
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/did not finish loading within \d+ ms and stopped responding: is there a busy loop/);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/^0 passed, \d+ failed$/);
    // vitest's start-up (scaled by the machine's pace) is the "few seconds".
    expect(took).toBeLessThan(limit + 12_000 * pace);
  }, 60_000);
});
