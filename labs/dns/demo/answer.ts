/**
 * The lab's DNS server logic, without sockets: a query packet in, a response packet out.
 * The wire format is dns-packet's business (it is not the lesson); which records answer which
 * question is the zone's.
 */
import * as packet from 'dns-packet';
import type { Zone, NameRecords, RecordType } from './zone.js';

const TTL = 60;
const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4 } as const;

/** One question, as the trace shows it: `A shop.netlab.test`. */
export interface QuerySummary {
  id: number;
  question: string;
  /** The query asked for recursion (RD): glibc and c-ares both do. */
  rd: boolean;
  /** The client advertised EDNS (an OPT record): c-ares does, glibc does not by default. */
  edns: boolean;
}

export interface AnswerSummary {
  rcode: keyof typeof RCODE;
  /** `A 203.0.113.10`, `MX 10 mail.netlab.test`, … */
  answers: string[];
}

export interface Handled {
  query: QuerySummary;
  answer: AnswerSummary;
  response: Buffer;
}

function records(zone: Zone, name: string): NameRecords | undefined {
  return Object.prototype.hasOwnProperty.call(zone, name) ? zone[name] : undefined;
}

function toAnswers(name: string, type: RecordType, found: NameRecords): packet.Answer[] {
  switch (type) {
    case 'A':
    case 'AAAA':
    case 'NS':
    case 'PTR':
      return (found[type] ?? []).map((data) => ({ type, name, ttl: TTL, data }));
    case 'CNAME':
      return found.CNAME ? [{ type: 'CNAME', name, ttl: TTL, data: found.CNAME }] : [];
    case 'MX':
      return (found.MX ?? []).map((data) => ({ type: 'MX', name, ttl: TTL, data }));
    case 'TXT':
      return (found.TXT ?? []).map((text) => ({ type: 'TXT', name, ttl: TTL, data: text }));
    case 'SRV':
      return (found.SRV ?? []).map((data) => ({ type: 'SRV', name, ttl: TTL, data }));
  }
}

/** `A shop.netlab.test 203.0.113.10` style text for the trace. */
export function describeAnswer(a: packet.Answer): string {
  const data = (a as { data?: unknown }).data;
  switch (a.type) {
    case 'MX': {
      const mx = data as packet.MxData;
      return `MX ${mx.preference} ${mx.exchange}`;
    }
    case 'SRV': {
      const srv = data as packet.SrvData;
      return `SRV ${srv.priority} ${srv.weight} ${srv.port} ${srv.target}`;
    }
    case 'TXT': {
      const parts = Array.isArray(data) ? data : [data];
      return `TXT ${parts.map((p) => JSON.stringify(String(p))).join(' ')}`;
    }
    default:
      return `${a.type} ${String(data)}`;
  }
}

const KNOWN: ReadonlySet<string> = new Set(['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'SRV', 'NS', 'PTR']);

/** The answers to `type name` from `zone`, following a CNAME inside the zone. */
export function lookupZone(zone: Zone, name: string, type: string): { rcode: AnswerSummary['rcode']; answers: packet.Answer[] } {
  const key = name.toLowerCase().replace(/\.$/, '');
  const found = records(zone, key);
  if (!found) return { rcode: 'NXDOMAIN', answers: [] };
  if (!KNOWN.has(type)) return { rcode: 'NOERROR', answers: [] };
  if (found.CNAME && type !== 'CNAME') {
    const alias: packet.Answer = { type: 'CNAME', name, ttl: TTL, data: found.CNAME };
    const target = records(zone, found.CNAME);
    return { rcode: 'NOERROR', answers: [alias, ...(target ? toAnswers(found.CNAME, type as RecordType, target) : [])] };
  }
  // A name that exists without records of this type: NOERROR with no answers ("NODATA").
  return { rcode: 'NOERROR', answers: toAnswers(name, type as RecordType, found) };
}

/**
 * Answer one query packet from `zone`. Returns null for bytes that are not a DNS query at all
 * (they are dropped, as a real server would).
 */
export function answerQuery(message: Buffer, zone: Zone): Handled | null {
  let query: packet.DecodedPacket;
  try {
    query = packet.decode(message);
  } catch {
    if (message.length < 12) return null;
    const id = message.readUInt16BE(0);
    const response = packet.encode({ type: 'response', id, flags: RCODE.FORMERR, questions: [] });
    return { query: { id, question: '(undecodable)', rd: false, edns: false }, answer: { rcode: 'FORMERR', answers: [] }, response };
  }
  if (query.type !== 'query') return null;
  const id = query.id ?? 0;
  const rd = ((query.flags ?? 0) & packet.RECURSION_DESIRED) !== 0;
  const edns = (query.additionals ?? []).some((a) => a.type === 'OPT');
  const q = query.questions?.[0];
  if (!q) {
    const response = packet.encode({ type: 'response', id, flags: RCODE.FORMERR, questions: [] });
    return { query: { id, question: '(none)', rd, edns }, answer: { rcode: 'FORMERR', answers: [] }, response };
  }
  const { rcode, answers } = lookupZone(zone, q.name, q.type);
  // AA: we are the authority for these names; RD is echoed; RA is not set (we do not recurse).
  const flags = packet.AUTHORITATIVE_ANSWER | (rd ? packet.RECURSION_DESIRED : 0) | RCODE[rcode];
  const response = packet.encode({ type: 'response', id, flags, questions: query.questions, answers });
  return {
    query: { id, question: `${q.type} ${q.name}`, rd, edns },
    answer: { rcode, answers: answers.map(describeAnswer) },
    response,
  };
}
