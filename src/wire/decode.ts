/**
 * Decodes the headers netlab's lessons talk about from one captured frame: IPv4/IPv6, then
 * TCP (ports, seq/ack, flags, window, payload), UDP (ports, length, payload) and ICMP (type,
 * code, and for "destination unreachable" the datagram it answers). Anything else is reported
 * as `other` with its protocol number, never as an error: a capture may hold anything.
 */
import { LINKTYPE } from './pcap.js';

export type TcpFlag = 'SYN' | 'ACK' | 'FIN' | 'RST' | 'PSH' | 'URG';

export interface TcpHeader {
  srcPort: number;
  dstPort: number;
  /** Absolute sequence and acknowledgement numbers (the tracker makes them relative). */
  seq: number;
  ack: number;
  flags: TcpFlag[];
  window: number;
  /** The payload as captured (cut short when the capture keeps only the first bytes of each packet). */
  payload: Buffer;
  /** The payload's length on the wire. */
  length: number;
}

export interface UdpHeader {
  srcPort: number;
  dstPort: number;
  /** The UDP length field: header (8) + payload. */
  length: number;
  payload: Buffer;
}

/** What an ICMP error (port unreachable) quotes of the packet it answers. */
export interface IcmpQuote {
  protocol: 'udp' | 'tcp' | 'other';
  src: string;
  dst: string;
  srcPort?: number;
  dstPort?: number;
}

export interface IcmpHeader {
  type: number;
  code: number;
  /** `port-unreachable`, `echo-request`, … or `type N code M`. */
  kind: string;
  about?: IcmpQuote;
}

export interface Packet {
  ipVersion: 4 | 6;
  src: string;
  dst: string;
  /** Length of the IP packet (header included). */
  ipLength: number;
  tcp?: TcpHeader;
  udp?: UdpHeader;
  icmp?: IcmpHeader;
  /** The IP protocol number when it is none of the above. */
  other?: number;
}

/** The IP packet inside a frame of `linktype`, or undefined if it carries no IP. */
export function ipPayload(linktype: number, frame: Buffer): Buffer | undefined {
  switch (linktype) {
    case LINKTYPE.ETHERNET: {
      if (frame.length < 14) return undefined;
      let etherType = frame.readUInt16BE(12);
      let offset = 14;
      if (etherType === 0x8100 && frame.length >= 18) {
        etherType = frame.readUInt16BE(16);
        offset = 18;
      }
      return etherType === 0x0800 || etherType === 0x86dd ? frame.subarray(offset) : undefined;
    }
    case LINKTYPE.NULL:
      // BSD loopback (macOS lo0): a 4-byte address family in host order.
      return frame.length > 4 ? frame.subarray(4) : undefined;
    case LINKTYPE.RAW:
      return frame;
    case LINKTYPE.LINUX_SLL:
      return frame.length > 16 ? frame.subarray(16) : undefined;
    case LINKTYPE.LINUX_SLL2:
      return frame.length > 20 ? frame.subarray(20) : undefined;
    default:
      return undefined;
  }
}

function ipv4(bytes: Buffer, at: number): string {
  return `${bytes[at]}.${bytes[at + 1]}.${bytes[at + 2]}.${bytes[at + 3]}`;
}

function ipv6(bytes: Buffer, at: number): string {
  const groups: string[] = [];
  for (let i = 0; i < 8; i++) groups.push(bytes.readUInt16BE(at + i * 2).toString(16));
  // The longest run of zero groups becomes "::".
  let best = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLength && j - i > 1) {
      best = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLength).join(':')}`;
}

const TCP_FLAGS: Array<[number, TcpFlag]> = [
  [0x02, 'SYN'],
  [0x01, 'FIN'],
  [0x04, 'RST'],
  [0x08, 'PSH'],
  [0x10, 'ACK'],
  [0x20, 'URG'],
];

/** `declared`: the segment's length by the IP header, which a short capture may not hold whole. */
function tcp(segment: Buffer, declared: number): TcpHeader | undefined {
  if (segment.length < 20) return undefined;
  const headerLength = (segment[12]! >> 4) * 4;
  const bits = segment[13]!;
  return {
    srcPort: segment.readUInt16BE(0),
    dstPort: segment.readUInt16BE(2),
    seq: segment.readUInt32BE(4),
    ack: segment.readUInt32BE(8),
    flags: TCP_FLAGS.filter(([bit]) => bits & bit).map(([, name]) => name),
    window: segment.readUInt16BE(14),
    payload: segment.subarray(Math.min(headerLength, segment.length)),
    length: Math.max(0, declared - headerLength),
  };
}

function udp(datagram: Buffer): UdpHeader | undefined {
  if (datagram.length < 8) return undefined;
  const length = datagram.readUInt16BE(4);
  return { srcPort: datagram.readUInt16BE(0), dstPort: datagram.readUInt16BE(2), length, payload: datagram.subarray(8, Math.max(8, length)) };
}

const ICMP4_KINDS: Record<string, string> = { '0/0': 'echo-reply', '8/0': 'echo-request', '3/3': 'port-unreachable', '3/1': 'host-unreachable', '3/0': 'net-unreachable', '11/0': 'ttl-exceeded' };
const ICMP6_KINDS: Record<string, string> = { '1/4': 'port-unreachable', '128/0': 'echo-request', '129/0': 'echo-reply' };

function icmp(message: Buffer, version: 4 | 6): IcmpHeader | undefined {
  if (message.length < 8) return undefined;
  const type = message[0]!;
  const code = message[1]!;
  const kind = (version === 4 ? ICMP4_KINDS : ICMP6_KINDS)[`${type}/${code}`] ?? `type ${type} code ${code}`;
  const out: IcmpHeader = { type, code, kind };
  const isError = version === 4 ? type === 3 || type === 11 : type < 128;
  if (isError) {
    const quoted = decodeIp(message.subarray(8));
    if (quoted) {
      const ports = quoted.udp ?? quoted.tcp;
      out.about = { protocol: quoted.udp ? 'udp' : quoted.tcp ? 'tcp' : 'other', src: quoted.src, dst: quoted.dst, ...(ports ? { srcPort: ports.srcPort, dstPort: ports.dstPort } : {}) };
    }
  }
  return out;
}

/** Decode an IP packet (v4 or v6); undefined if it is too short to be one. */
export function decodeIp(bytes: Buffer): Packet | undefined {
  if (bytes.length < 1) return undefined;
  const version = bytes[0]! >> 4;
  if (version === 4) {
    if (bytes.length < 20) return undefined;
    const headerLength = (bytes[0]! & 0x0f) * 4;
    const total = bytes.readUInt16BE(2);
    const protocol = bytes[9]!;
    const body = bytes.subarray(headerLength, Math.min(bytes.length, Math.max(total, headerLength)));
    return withTransport({ ipVersion: 4, src: ipv4(bytes, 12), dst: ipv4(bytes, 16), ipLength: total }, protocol, body, Math.max(0, total - headerLength));
  }
  if (version === 6) {
    if (bytes.length < 40) return undefined;
    const payloadLength = bytes.readUInt16BE(4);
    const next = bytes[6]!;
    const body = bytes.subarray(40, 40 + payloadLength);
    return withTransport({ ipVersion: 6, src: ipv6(bytes, 8), dst: ipv6(bytes, 24), ipLength: 40 + payloadLength }, next, body, payloadLength);
  }
  return undefined;
}

function withTransport(packet: Packet, protocol: number, body: Buffer, declared: number): Packet {
  if (protocol === 6) packet.tcp = tcp(body, declared);
  else if (protocol === 17) packet.udp = udp(body);
  else if (protocol === 1 && packet.ipVersion === 4) packet.icmp = icmp(body, 4);
  else if (protocol === 58 && packet.ipVersion === 6) packet.icmp = icmp(body, 6);
  else packet.other = protocol;
  return packet;
}

/** Decode one captured frame of `linktype`; undefined for frames without IP (ARP, …). */
export function decodeFrame(linktype: number, frame: Buffer): Packet | undefined {
  const ip = ipPayload(linktype, frame);
  return ip ? decodeIp(ip) : undefined;
}
