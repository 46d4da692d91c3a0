/**
 * Turns captured packets into trace events of the actor `wire`, on the run's clock, with the
 * endpoints named by the actors that own them (`client#1 → server`).
 *
 * - TCP: the event's name is what the segment does (`SYN`, `SYN-ACK`, `FIN`, `RST`, `PSH` for
 *   data pushed to the reader, `ACK`); seq/ack are relative to each side's first sequence
 *   number (its SYN), as tcpdump shows them; window, payload length and an escaped preview.
 * - UDP: ports, length, preview. ICMP: what kind (`port-unreachable`) and what it answers.
 *
 * Names come from the other trace events: a `listening` event's address, a `connect` or
 * `connection` event's local address, a socket's `listening` after an implicit bind… An
 * endpoint nobody claimed keeps its address.
 */
import type { JsonObject, TraceLine, UnsequencedLine } from '../trace/event.js';
import { previewBytes } from '../trace/detail.js';
import { decodeFrame, type Packet, type TcpHeader } from './decode.js';
import type { PcapRecord } from './pcap.js';
import { WIRE_ACTOR } from './format.js';

/** The facts of one packet event (its `detail`). */
export interface WireDetail extends JsonObject {
  proto: 'tcp' | 'udp' | 'icmp' | 'ip';
  /** `127.0.0.1:41216` */
  src: string;
  dst: string;
  /** `client#1 → server`, or addresses where no actor owns an end. */
  path: string;
  /** Payload bytes (TCP/UDP), 0 for a bare ACK. */
  len: number;
}

function endpoint(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** The first bytes of a payload, escaped, `…` when there is more (its length is shown beside it). */
function preview(payload: Buffer, length: number): string {
  const shown = payload.subarray(0, 24);
  return previewBytes(shown) + (length > shown.length ? '…' : '');
}

/** The one name TCP segments are called by, from their flags. */
export function tcpName(flags: readonly string[], payloadLength: number): string {
  const has = (f: string) => flags.includes(f);
  if (has('RST')) return 'RST';
  if (has('SYN')) return has('ACK') ? 'SYN-ACK' : 'SYN';
  if (has('FIN')) return 'FIN';
  if (has('PSH')) return 'PSH';
  return 'ACK';
}

/** Learns which actor owns which address from the trace's own events. */
export class EndpointNames {
  private readonly owners = new Map<string, string>();

  /** Feed every trace line; events that reveal an endpoint's owner are remembered. */
  learn(line: TraceLine | UnsequencedLine): void {
    if (line.type !== 'event' || line.actor === WIRE_ACTOR) return;
    const d = line.detail as Record<string, unknown>;
    const claim = (address: unknown) => {
      if (typeof address !== 'string' || !/:\d+$/.test(address)) return;
      for (const form of forms(address)) if (!this.owners.has(form)) this.owners.set(form, line.actor);
    };
    switch (line.name) {
      case 'listening':
        claim(d.address);
        break;
      case 'connect':
      case 'connection':
      case 'net.client.socket':
        // A client's `connect` names its own end; a server's `connection` names the server's
        // end (its local address); the accepted peer is named by its own `connect`.
        claim(d.local);
        break;
      case 'send':
        claim(d.from);
        break;
    }
  }

  /** The actor owning `address`, or undefined. */
  owner(address: string): string | undefined {
    return this.owners.get(address);
  }

  name(address: string): string {
    return this.owners.get(address) ?? address;
  }
}

/** An address as events may spell it: listening on 0.0.0.0 owns 127.0.0.1 too. */
function forms(address: string): string[] {
  const port = address.slice(address.lastIndexOf(':') + 1);
  if (address.startsWith('0.0.0.0:')) return [address, `127.0.0.1:${port}`];
  if (address.startsWith('[::]:')) return [address, `[::1]:${port}`, `127.0.0.1:${port}`];
  return [address];
}

/** Relative TCP sequence numbers per direction, as tcpdump prints them. */
class SequenceSpace {
  private readonly isn = new Map<string, number>();

  relative(flow: string, reverse: string, tcp: TcpHeader): { seq: number; ack: number | null } {
    if (tcp.flags.includes('SYN') || !this.isn.has(flow)) this.isn.set(flow, tcp.seq);
    const base = this.isn.get(flow)!;
    const peer = this.isn.get(reverse);
    const ack = tcp.flags.includes('ACK') && peer !== undefined ? (tcp.ack - peer) >>> 0 : null;
    return { seq: (tcp.seq - base) >>> 0, ack };
  }
}

/**
 * Packets in, trace events out. `t0` is the run's start (epoch ms), so a packet's `t` is on the
 * same clock as every process's events.
 */
export class WireTracker {
  readonly names = new EndpointNames();
  private readonly sequences = new SequenceSpace();
  /** Packets seen (every record of the capture, decodable or not). */
  count = 0;

  constructor(private readonly t0: number) {}

  /** One captured record as a trace event, or undefined for a frame without IP (ARP…). */
  event(record: PcapRecord, linktype: number): UnsequencedLine | undefined {
    this.count++;
    const packet = decodeFrame(linktype, record.data);
    if (!packet) return undefined;
    const t = Math.round((record.epochMs - this.t0) * 1000) / 1000;
    const { name, object, detail } = this.describe(packet);
    return { type: 'event', t, actor: WIRE_ACTOR, object, name, source: 'channel', detail };
  }

  /** Name an event's endpoints now (names learnt since the packet arrived count too). */
  nameEndpoints(detail: WireDetail): WireDetail {
    const from = this.names.name(detail.src);
    const to = this.names.name(detail.dst);
    return { ...detail, path: `${from} → ${to}` };
  }

  private describe(p: Packet): { name: string; object: string; detail: WireDetail } {
    if (p.tcp) {
      const src = endpoint(p.src, p.tcp.srcPort);
      const dst = endpoint(p.dst, p.tcp.dstPort);
      const { seq, ack } = this.sequences.relative(`${src}>${dst}`, `${dst}>${src}`, p.tcp);
      const detail: WireDetail = { proto: 'tcp', src, dst, path: '', len: p.tcp.length, flags: p.tcp.flags.join(','), seq, win: p.tcp.window };
      if (ack !== null) detail.ack = ack;
      if (p.tcp.payload.length > 0) detail.preview = preview(p.tcp.payload, p.tcp.length);
      return { name: tcpName(p.tcp.flags, p.tcp.length), object: 'TCP', detail: this.nameEndpoints(detail) };
    }
    if (p.udp) {
      const src = endpoint(p.src, p.udp.srcPort);
      const dst = endpoint(p.dst, p.udp.dstPort);
      const length = Math.max(0, p.udp.length - 8);
      const detail: WireDetail = { proto: 'udp', src, dst, path: '', len: length };
      if (p.udp.payload.length > 0) detail.preview = preview(p.udp.payload, length);
      return { name: 'UDP', object: 'UDP', detail: this.nameEndpoints(detail) };
    }
    if (p.icmp) {
      const detail: WireDetail = { proto: 'icmp', src: p.src, dst: p.dst, path: '', len: 0, kind: p.icmp.kind };
      if (p.icmp.about) {
        const about = p.icmp.about;
        const from = about.srcPort !== undefined ? endpoint(about.src, about.srcPort) : about.src;
        const to = about.dstPort !== undefined ? endpoint(about.dst, about.dstPort) : about.dst;
        detail.answers = `${about.protocol.toUpperCase()} ${this.names.name(from)} → ${to}`;
        // The error goes back to the sender of what it answers: name the ends by those ports.
        detail.src = to;
        detail.dst = from;
      }
      return { name: `ICMP ${p.icmp.kind}`, object: 'ICMP', detail: this.nameEndpoints(detail) };
    }
    const detail: WireDetail = { proto: 'ip', src: p.src, dst: p.dst, path: `${p.src} → ${p.dst}`, len: p.ipLength, protocol: p.other ?? null };
    return { name: `IP proto ${p.other}`, object: 'IP', detail };
  }
}
