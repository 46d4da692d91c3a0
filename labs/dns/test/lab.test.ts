/**
 * The dns lab: its private network (runtime/namespace.ts), its DNS server, its demo through the
 * real CLI, the fallback, --serve, and the promise that the machine's resolver files are never
 * written and nothing outlives a run.
 */
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promises as dnsPromises } from 'node:dns';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as packet from 'dns-packet';
import { JsonLines, collect, isAlive, processesMarked, runCli, startCli, startServing } from '../../../test/helpers/cli.js';
import { parseNdjson } from '../../../src/trace/ndjson.js';
import { writeFixtureTo } from '../../../test/helpers/fixtures.js';
import type { ResultLine, TraceEvent } from '../../../src/trace/event.js';
import { DISABLE_ENV, openPrivateNetwork, privateNetworkUnavailable } from '../../../src/runtime/namespace.js';
import { answerQuery } from '../demo/answer.js';
import { LAB_ZONE } from '../demo/zone.js';

type Line = { type: string; [k: string]: unknown };

const MACHINE_FILES = ['/etc/hosts', '/etc/resolv.conf', '/etc/nsswitch.conf'];
const unavailable = privateNetworkUnavailable();

function snapshot(): Map<string, { bytes: Buffer; mtimeMs: number } | null> {
  return new Map(
    MACHINE_FILES.map((f) => {
      try {
        return [f, { bytes: readFileSync(f), mtimeMs: statSync(f).mtimeMs }];
      } catch {
        return [f, null];
      }
    }),
  );
}

async function noneLeft(marker: string): Promise<number[]> {
  // Children end on their own once their parent's pipes close; give them a moment, bounded.
  for (let i = 0; i < 50; i++) {
    const left = processesMarked(marker);
    if (left.length === 0) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
  return processesMarked(marker);
}

const events = (lines: Line[]) => lines.filter((l): l is Line & TraceEvent => l.type === 'event');

let before: ReturnType<typeof snapshot>;
beforeAll(() => {
  before = snapshot();
});
afterAll(() => {
  // Everything in this file ran: the demo, every scenario, the fallback, --serve.
  expect(snapshot()).toEqual(before);
});

describe('the lab DNS server answers from its zone (dns-packet on the wire)', () => {
  const ask = (name: string, type: packet.RecordType) => {
    const query = packet.encode({ type: 'query', id: 7, flags: packet.RECURSION_DESIRED, questions: [{ type, name }] } as packet.Packet);
    const handled = answerQuery(query, LAB_ZONE)!;
    // dns-packet decodes the header's rcode too; its type definitions leave it out.
    return { handled, decoded: packet.decode(handled.response) as packet.DecodedPacket & { rcode: string; flag_aa: boolean } };
  };

  test('A record: NOERROR, authoritative, same id and question', () => {
    const { handled, decoded } = ask('shop.netlab.test', 'A');
    expect(decoded.id).toBe(7);
    expect(decoded.rcode).toBe('NOERROR');
    expect(decoded.flag_aa).toBe(true);
    expect(decoded.questions).toEqual([{ name: 'shop.netlab.test', type: 'A', class: 'IN' }]);
    expect(decoded.answers!.map((a) => (a as { data: unknown }).data)).toEqual(['203.0.113.10']);
    expect(handled.query).toMatchObject({ question: 'A shop.netlab.test', rd: true });
  });

  test('unknown name: NXDOMAIN; known name without that type: NOERROR and no answers', () => {
    expect(ask('nowhere.netlab.test', 'A').decoded.rcode).toBe('NXDOMAIN');
    const nodata = ask('shop.netlab.test', 'AAAA').decoded;
    expect(nodata.rcode).toBe('NOERROR');
    expect(nodata.answers).toEqual([]);
  });

  test('an alias answers with its CNAME and the target address', () => {
    expect(ask('www.netlab.test', 'A').handled.answer.answers).toEqual(['CNAME shop.netlab.test', 'A 203.0.113.10']);
  });

  test('bytes that are not DNS are dropped or get FORMERR, never a crash', () => {
    expect(answerQuery(Buffer.from('hi'), LAB_ZONE)).toBeNull();
    const garbage = Buffer.alloc(20, 0xff);
    const handled = answerQuery(garbage, LAB_ZONE);
    if (handled) expect(handled.answer.rcode).toBe('FORMERR');
  });
});

describe('a private network (unshare --user --map-root-user --mount --net)', () => {
  test('the disable switch gives a reason instead of a network', () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', `import('${new URL('../../../dist/src/runtime/namespace.js', import.meta.url).href}').then(m => console.log(m.privateNetworkUnavailable()))`], {
      env: { ...process.env, [DISABLE_ENV]: '1' },
      encoding: 'utf8',
    });
    expect(r.stdout).toContain(`disabled by ${DISABLE_ENV}`);
  });

  test.skipIf(unavailable)('a program inside sees the lab hosts file and resolv.conf; the machine does not', async () => {
    const net = await openPrivateNetwork({ hosts: '192.0.2.77 inside.netlab.test\n', resolvConf: 'nameserver 127.0.0.1\n' });
    try {
      const [cmd, ...args] = net.launcher();
      const code = `const dns = require('node:dns');
dns.lookup('inside.netlab.test', { all: true }, (err, a) => {
  console.log(JSON.stringify({ hosts: require('node:fs').readFileSync('/etc/hosts', 'utf8'), servers: dns.getServers(), a, err: err && err.code }));
});`;
      const r = spawnSync(cmd!, [...args, process.execPath, '-e', code], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const seen = JSON.parse(r.stdout) as { hosts: string; servers: string[]; a: Array<{ address: string }> };
      expect(seen.hosts).toBe('192.0.2.77 inside.netlab.test\n');
      expect(seen.servers).toEqual(['127.0.0.1']);
      expect(seen.a.map((x) => x.address)).toEqual(['192.0.2.77']);
      expect(readFileSync('/etc/hosts', 'utf8')).not.toContain('inside.netlab.test');
    } finally {
      await net.close();
    }
    expect(isAlive(net.pid)).toBe(false);
    expect(() => net.launcher()).toThrow(/closed/);
  });
});

describe('netlab run dns', () => {
  test.skipIf(unavailable)('tour: lookup gives the hosts-file address, resolve4 the DNS server\'s, and the server traces every query', async () => {
    const r = await runCli(['run', 'dns', '--json']);
    const lines = parseNdjson<Line>(r.stdout);
    const result = lines.at(-1) as unknown as ResultLine;
    expect(result, r.stderr).toMatchObject({ type: 'result', ok: true, lab: 'dns', scenario: 'tour', summary: { mode: 'private network' } });
    expect(r.code).toBe(0);
    const ev = events(lines);
    const lookup = ev.find((e) => e.name === 'lookup' && e.detail.hostname === 'shop.netlab.test');
    const resolve = ev.find((e) => e.name === 'resolve4' && e.detail.hostname === 'shop.netlab.test');
    expect(lookup?.detail.addresses).toEqual(['198.51.100.10']);
    expect(resolve?.detail.records).toEqual(['203.0.113.10']);
    // The server saw no query for the overridden name before lookup answered: the hosts file did.
    const serverQueries = ev.filter((e) => e.actor === 'dns-server' && e.name === 'query');
    const firstShopQuery = serverQueries.find((e) => e.detail.question === 'A shop.netlab.test');
    expect(firstShopQuery!.seq).toBeGreaterThan(lookup!.seq);
    // ...and a query and its answer for the name lookup had to ask DNS about.
    expect(serverQueries.some((e) => e.detail.question === 'A api.netlab.test' && e.detail.via === 'resolv.conf')).toBe(true);
    expect(ev.some((e) => e.actor === 'dns-server' && e.name === 'answer' && JSON.stringify(e.detail.answers) === '["A 203.0.113.20","A 203.0.113.21"]')).toBe(true);
    const apiLookup = ev.find((e) => e.name === 'lookup' && e.detail.hostname === 'api.netlab.test');
    expect(apiLookup?.detail.addresses).toEqual(['203.0.113.20', '203.0.113.21']);
    // The exercise's reference solution, one query per call to the server it was given.
    const exercise = ev.filter((e) => e.name === 'lookupVsResolve');
    expect(exercise.map((e) => [e.detail.hostname, e.detail.lookup, e.detail.resolve])).toEqual([
      ['shop.netlab.test', ['198.51.100.10'], ['203.0.113.10']],
      ['api.netlab.test', ['203.0.113.20', '203.0.113.21'], ['203.0.113.20', '203.0.113.21']],
      ['nowhere.netlab.test', [], []],
    ]);
    expect((result.summary.queries as Record<string, number>).lab).toBe(3);
  });

  test('fallback: announced, and localhost still gets two different answers', async () => {
    const r = await runCli(['run', 'dns', '--json'], { env: { [DISABLE_ENV]: '1' } });
    const lines = parseNdjson<Line>(r.stdout);
    expect(lines.at(-1), r.stderr).toMatchObject({ type: 'result', ok: true, summary: { mode: 'fallback' } });
    expect(lines.some((l) => l.type === 'note' && String(l.text).startsWith('FALLBACK: no private network'))).toBe(true);
    const ev = events(lines);
    const lookup = ev.find((e) => e.name === 'lookup' && e.detail.hostname === 'localhost');
    const resolve = ev.find((e) => e.name === 'resolve4' && e.detail.hostname === 'localhost');
    expect(resolve?.detail.records).toEqual(['203.0.113.1']);
    expect(lookup?.detail.addresses).not.toContain('203.0.113.1');
    expect(ev.some((e) => e.actor === 'dns-server' && e.name === 'query' && e.detail.question === 'A localhost')).toBe(true);
  });

  test.skipIf(unavailable)('--use runs the learner\'s lookupVsResolve in the demo: a lookup-for-both mistake shows in the table', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netlab-dns-use-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = await writeFixtureTo('dns', 'bad--resolve-asks-the-server--lookup-for-both', join(dir, 'dns.ts'));
    const r = await runCli(['run', 'dns', '--json', '--use', file]);
    const lines = parseNdjson<Line>(r.stdout);
    expect(lines.at(-1), r.stderr).toMatchObject({ type: 'result', ok: true });
    const mine = events(lines).find((e) => e.name === 'lookupVsResolve' && e.detail.hostname === 'shop.netlab.test');
    expect(mine?.detail).toMatchObject({ lookup: ['198.51.100.10'], resolve: ['198.51.100.10'] });
    expect(lines.some((l) => l.type === 'note' && String(l.text).includes('yours, from --use'))).toBe(true);
  });

  test('pretty output explains and shows the two answers side by side', async () => {
    const r = await runCli(['run', 'dns']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/\x1b\[/);
    if (unavailable) expect(r.stdout).toMatch(/localhost\s+127\.0\.0\.1\s+203\.0\.113\.1/);
    else expect(r.stdout).toMatch(/shop\.netlab\.test\s+198\.51\.100\.10\s+203\.0\.113\.10/);
    expect(r.stdout).toContain('✓ dns / tour finished');
  });

  test('record-types: MX, TXT, SRV, NS, CNAME, PTR, ENODATA vs ENOTFOUND', async () => {
    const r = await runCli(['run', 'dns', '--json', '--scenario', 'record-types']);
    const lines = parseNdjson<Line>(r.stdout);
    expect(lines.at(-1), r.stderr).toMatchObject({ type: 'result', ok: true });
    const ev = events(lines).filter((e) => e.actor === 'client');
    const by = (name: string, hostname: string) => ev.find((e) => e.name === name && (e.detail.hostname ?? e.detail.ip) === hostname)?.detail;
    expect(by('resolveMx', 'netlab.test')?.records).toEqual(['10 mail.netlab.test', '20 backup-mail.netlab.test']);
    expect(by('resolveTxt', 'netlab.test')?.records).toEqual(['v=spf1 -all', 'netlab=the dns lab']);
    expect(by('resolveSrv', '_http._tcp.netlab.test')?.records).toEqual(['10 60 8080 api.netlab.test', '20 0 8081 backup-mail.netlab.test']);
    expect(by('resolveNs', 'netlab.test')?.records).toEqual(['ns1.netlab.test']);
    expect(by('resolve4', 'www.netlab.test')?.records).toEqual(['203.0.113.10']);
    expect(by('reverse', '203.0.113.10')?.hostnames).toEqual(['shop.netlab.test']);
    expect((by('resolve6', 'shop.netlab.test')?.error as { code: string }).code).toBe('ENODATA');
    expect((by('resolve4', 'nowhere.netlab.test')?.error as { code: string }).code).toBe('ENOTFOUND');
  });

  test('localhost: the order lookup gives, and connect() coping with it', async () => {
    const r = await runCli(['run', 'dns', '--json', '--scenario', 'localhost']);
    const lines = parseNdjson<Line>(r.stdout);
    expect(lines.at(-1), r.stderr).toMatchObject({ type: 'result', ok: true });
    const ev = events(lines);
    const lookups = ev.filter((e) => e.name === 'lookup' && e.actor === 'client' && e.detail.hostname === 'localhost');
    expect(ev.find((e) => e.name === 'getDefaultResultOrder')?.detail.order).toBe('verbatim');
    if (!unavailable) {
      // The private hosts file lists both; glibc sorts ::1 first, and Node keeps that order.
      expect(lookups[0]!.detail.addresses).toEqual(['::1', '127.0.0.1']);
      expect(lookups[1]!.detail.addresses).toEqual(['127.0.0.1', '::1']);
      expect(ev.some((e) => e.name === 'error' && e.actor === 'client' && (e.detail.code === 'ECONNREFUSED'))).toBe(true);
      expect(ev.some((e) => e.name === 'connectionAttemptFailed')).toBe(true);
    }
    expect(ev.filter((e) => e.actor === 'server' && e.name === 'connection').length).toBeGreaterThanOrEqual(2);
  });

  test('resolver: a Resolver of its own leaves the process-wide servers alone; dns.setServers does not', async () => {
    const r = await runCli(['run', 'dns', '--json', '--scenario', 'resolver']);
    const lines = parseNdjson<Line>(r.stdout);
    expect(lines.at(-1), r.stderr).toMatchObject({ type: 'result', ok: true });
    const ev = events(lines);
    const servers = ev.filter((e) => e.name === 'getServers').map((e) => e.detail.servers as string[]);
    expect(servers).toHaveLength(3);
    expect(servers[1]).toEqual(servers[0]);
    expect(servers[2]).not.toEqual(servers[0]);
    const answers = ev.filter((e) => e.name === 'resolve4').map((e) => e.detail.records);
    expect(answers).toEqual([['203.0.113.10'], ['192.0.2.10'], ['192.0.2.10']]);
    if (!unavailable) expect(ev.find((e) => e.name === 'lookup')?.detail.addresses).toEqual(['203.0.113.20', '203.0.113.21']);
  });

  test('timeout: a silent server, one query per try, ETIMEOUT; lookup of a hosts-file name does not wait', async () => {
    const r = await runCli(['run', 'dns', '--json', '--scenario', 'timeout']);
    const lines = parseNdjson<Line>(r.stdout);
    expect(lines.at(-1), r.stderr).toMatchObject({ type: 'result', ok: true });
    const ev = events(lines);
    const dropped = ev.filter((e) => e.actor === 'dns-server' && e.name === 'dropped');
    const failures = ev.filter((e) => e.name === 'resolve4').map((e) => (e.detail.error as { code: string }).code);
    expect(failures).toEqual(['ETIMEOUT', 'ETIMEOUT']);
    expect(ev.some((e) => e.actor === 'dns-server' && e.name === 'answer')).toBe(false);
    if (!unavailable) {
      expect(dropped).toHaveLength(1 + 3 + 1);
      const lookups = ev.filter((e) => e.name === 'lookup');
      expect(lookups[0]!.detail.addresses).toEqual(['198.51.100.10']);
      expect((lookups[1]!.detail.error as { code: string }).code).toBe('EAI_AGAIN');
    } else {
      expect(dropped).toHaveLength(1 + 3);
    }
  });
});

describe('nothing outlives a run', () => {
  test('after the demo, no process of the run is left (namespace anchor included)', async () => {
    const marker = `NETLAB_DNS_TEST=${randomUUID()}`;
    const r = await runCli(['run', 'dns', '--json'], { env: { NETLAB_DNS_TEST: marker.split('=')[1] } });
    expect(r.code, r.stderr).toBe(0);
    expect(await noneLeft(marker)).toEqual([]);
  });

  test.skipIf(unavailable)('even when netlab is killed outright (SIGKILL) mid-run, its private network goes away', async () => {
    const id = randomUUID();
    const marker = `NETLAB_DNS_TEST=${id}`;
    const cli = startCli(['run', 'dns', '--json', '--scenario', 'timeout'], { env: { NETLAB_DNS_TEST: id } });
    const out = new JsonLines<Line>(cli);
    const done = collect(cli);
    await out.waitFor((l) => l.type === 'event' && l.name === 'query');
    expect(processesMarked(marker).length).toBeGreaterThan(2);
    cli.kill('SIGKILL');
    await done;
    expect(await noneLeft(marker)).toEqual([]);
  });

  test('--serve: dig-ready commands, real queries traced, Ctrl-C stops everything', async () => {
    const id = randomUUID();
    const { cli, out, done, serve } = await startServing('dns', [], { env: { NETLAB_DNS_TEST: id } });
    const port = Number(/^127\.0\.0\.1:(\d+)/.exec(serve.address)![1]);
    expect(serve.commands[0]).toBe(`dig @127.0.0.1 -p ${port} shop.netlab.test`);
    // A real client, as dig would be: a Resolver pointed at the printed port.
    const resolver = new dnsPromises.Resolver({ tries: 1, timeout: 2000 });
    resolver.setServers([`127.0.0.1:${port}`]);
    expect(await resolver.resolve4('shop.netlab.test')).toEqual(['203.0.113.10']);
    // Node 24 adds `type: 'MX'` to each record; the exchange and priority are what dig shows.
    expect((await resolver.resolveMx('netlab.test')).map(({ exchange, priority }) => ({ exchange, priority }))).toEqual([
      { exchange: 'mail.netlab.test', priority: 10 },
      { exchange: 'backup-mail.netlab.test', priority: 20 },
    ]);
    await out.waitFor((l) => l.type === 'event' && l.name === 'answer' && JSON.stringify(l.detail).includes('MX 10'));
    cli.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(0);
    const lines = parseNdjson<Line>(r.stdout);
    expect(events(lines).some((e) => e.name === 'query' && e.detail.question === 'MX netlab.test')).toBe(true);
    expect(lines.at(-1)).toMatchObject({ type: 'result', ok: true, scenario: 'serve' });
    expect(await noneLeft(`NETLAB_DNS_TEST=${id}`)).toEqual([]);
  });
});
