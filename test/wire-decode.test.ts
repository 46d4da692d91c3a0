/**
 * netlab's pcap and header decoder against tcpdump's own reading of the same capture: a real
 * loopback capture (TCP echo with end() and a reset, TCP over IPv6, a UDP round trip, an ICMP
 * port unreachable) in test/fixtures/loopback.pcap. Every packet tcpdump prints must decode to
 * the same addresses, ports, flags, sequence numbers, window and length.
 */
import { describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PcapStream, type PcapRecord } from '../src/wire/pcap.js';
import { decodeFrame, type Packet } from '../src/wire/decode.js';
import { WireTracker, tcpName } from '../src/wire/packets.js';
import { findExecutable } from '../src/runtime/namespace.js';

const CAPTURE = fileURLToPath(new URL('./fixtures/loopback.pcap', import.meta.url));

function records(chunkSize: number): { linktype: number; records: PcapRecord[] } {
  const bytes = readFileSync(CAPTURE);
  const out: PcapRecord[] = [];
  const stream = new PcapStream((r) => out.push(r));
  // Fed in small pieces, as a pipe delivers them.
  for (let i = 0; i < bytes.length; i += chunkSize) stream.push(bytes.subarray(i, i + chunkSize));
  return { linktype: stream.linktype!, records: out };
}

/** What tcpdump -nn -tt -S says of each packet, in the terms of our decoder. */
function describe4(p: Packet): string {
  const flagLetters = (flags: string[]) => {
    const letters = [['SYN', 'S'], ['FIN', 'F'], ['PSH', 'P'], ['RST', 'R'], ['URG', 'U']].filter(([f]) => flags.includes(f!)).map(([, l]) => l).join('');
    return `${letters}${flags.includes('ACK') ? '.' : ''}` || 'none';
  };
  const ip = p.ipVersion === 4 ? 'IP' : 'IP6';
  if (p.tcp) {
    const t = p.tcp;
    const seq = t.payload.length > 0 ? `seq ${t.seq}:${(t.seq + t.payload.length) >>> 0}` : t.flags.includes('SYN') || t.flags.includes('FIN') || t.flags.includes('RST') ? `seq ${t.seq}` : '';
    const parts = [seq, t.flags.includes('ACK') ? `ack ${t.ack}` : '', `win ${t.window}`].filter(Boolean);
    return `${ip} ${p.src}.${t.srcPort} > ${p.dst}.${t.dstPort}: Flags [${flagLetters(t.flags)}], ${parts.join(', ')}, length ${t.payload.length}`;
  }
  if (p.udp) return `${ip} ${p.src}.${p.udp.srcPort} > ${p.dst}.${p.udp.dstPort}: UDP, length ${p.udp.payload.length}`;
  if (p.icmp?.about) return `${ip} ${p.src} > ${p.dst}: ICMP ${p.icmp.about.dst} udp port ${p.icmp.about.dstPort} unreachable`;
  return `${ip} ${p.src} > ${p.dst}: other`;
}

/** tcpdump's line without TCP options, which our decoder does not read. */
function normalise(line: string): string {
  return line.replace(/, options \[[^\]]*\]/, '').replace(/(unreachable), length \d+$/, '$1');
}

describe('the pcap stream reader', () => {
  test('reads every record, whatever the chunking, with microsecond timestamps', () => {
    const whole = records(1 << 20);
    const bytewise = records(7);
    expect(whole.linktype).toBe(1);
    expect(whole.records.length).toBe(35);
    expect(bytewise.records.map((r) => r.epochMs)).toEqual(whole.records.map((r) => r.epochMs));
    expect(whole.records[0]!.epochMs).toBeCloseTo(1796182596026.206, 3);
  });
});

describe.skipIf(!findExecutable('tcpdump'))('decoding agrees with tcpdump', () => {
  test('every packet: addresses, ports, flags, seq/ack, window, length', () => {
    const tcpdump = spawnSync(findExecutable('tcpdump')!, ['-r', CAPTURE, '-nn', '-tt', '-S'], { encoding: 'utf8' });
    const theirs = tcpdump.stdout.trim().split('\n').map((l) => normalise(l.replace(/^\S+ /, '')));
    const { linktype, records: mine } = records(4096);
    expect(mine.length).toBe(theirs.length);
    const ours = mine.map((r) => describe4(decodeFrame(linktype, r.data)!));
    expect(ours).toEqual(theirs);
  });
});

describe('packets as trace events', () => {
  test('relative sequence numbers, segment names, named endpoints, ICMP naming what it answers', () => {
    const { linktype, records: recs } = records(4096);
    const tracker = new WireTracker(recs[0]!.epochMs - 10);
    // The trace told us who owns the echo server's port and the first client's port.
    const first = decodeFrame(linktype, recs[0]!.data)!;
    tracker.names.learn({ type: 'event', t: 0, actor: 'server', object: 'net.Server#1', name: 'listening', source: 'emit', detail: { address: `127.0.0.1:${first.tcp!.dstPort}` } });
    tracker.names.learn({ type: 'event', t: 1, actor: 'client#1', object: 'net.Socket#1', name: 'connect', source: 'emit', detail: { local: `127.0.0.1:${first.tcp!.srcPort}`, remote: `127.0.0.1:${first.tcp!.dstPort}` } });
    const events = recs.map((r) => tracker.event(r, linktype)!);
    expect(tracker.count).toBe(35);
    expect(events.slice(0, 3).map((e) => e.type === 'event' && e.name)).toEqual(['SYN', 'SYN-ACK', 'ACK']);
    const [syn, synAck, ack, push] = events.map((e) => (e.type === 'event' ? e.detail : {}));
    expect(syn).toMatchObject({ path: 'client#1 → server', seq: 0, len: 0 });
    expect(synAck).toMatchObject({ path: 'server → client#1', seq: 0, ack: 1 });
    expect(ack).toMatchObject({ seq: 1, ack: 1 });
    expect(push).toMatchObject({ seq: 1, len: 6, preview: 'hello ' });
    expect(events[0]!.t).toBeCloseTo(10, 3);
    const names = events.map((e) => (e.type === 'event' ? e.name : ''));
    expect(names.filter((n) => n === 'FIN')).toHaveLength(4);
    expect(names.filter((n) => n === 'RST')).toHaveLength(1);
    expect(names.filter((n) => n === 'UDP')).toHaveLength(3);
    const icmp = events.at(-1)!;
    expect(icmp.type === 'event' && icmp.name).toBe('ICMP port-unreachable');
    expect(icmp.type === 'event' && String(icmp.detail.answers)).toMatch(/^UDP 127\.0\.0\.1:\d+ → 127\.0\.0\.1:\d+$/);
  });

  test('a capture that keeps only the first bytes of each packet gives the same lengths, flags and previews', () => {
    const { linktype, records: recs } = records(4096);
    const whole = new WireTracker(0);
    const cut = new WireTracker(0);
    // Given each packet cut to its first 120 bytes (headers whole: IPv6 and TCP options), as `tcpdump -s 120` keeps them
    const short = recs.map((r) => ({ ...r, data: r.data.subarray(0, 120) }));
    const facts = (tracker: WireTracker, list: PcapRecord[]) =>
      list.map((r) => tracker.event(r, linktype)).map((e) => (e?.type === 'event' ? { name: e.name, len: e.detail.len, flags: e.detail.flags, seq: e.detail.seq } : undefined));
    // Then lengths come from the IP header, not from the bytes kept
    expect(facts(cut, short)).toEqual(facts(whole, recs));
    const hello = cut.event({ ...short[3]!, data: short[3]!.data.subarray(0, 14 + 20 + 32 + 2) }, linktype);
    expect(hello?.type === 'event' && hello.detail).toMatchObject({ len: 6, preview: 'he…' });
  });

  test('segment names from flags', () => {
    expect(tcpName(['SYN'], 0)).toBe('SYN');
    expect(tcpName(['SYN', 'ACK'], 0)).toBe('SYN-ACK');
    expect(tcpName(['ACK'], 0)).toBe('ACK');
    expect(tcpName(['ACK'], 10)).toBe('ACK');
    expect(tcpName(['PSH', 'ACK'], 10)).toBe('PSH');
    expect(tcpName(['FIN', 'ACK'], 0)).toBe('FIN');
    expect(tcpName(['RST', 'ACK'], 0)).toBe('RST');
  });
});
