/**
 * The names of the dns lab: what the lab's hosts file says and what its DNS servers answer.
 * Addresses come from the documentation ranges (RFC 5737): 198.51.100.0/24 for the hosts
 * file, 203.0.113.0/24 for the lab's DNS server, 192.0.2.0/24 for "another" DNS server, so a
 * glance at an address tells where it came from.
 */

/** The record types the lab's DNS server knows. */
export type RecordType = 'A' | 'AAAA' | 'CNAME' | 'MX' | 'TXT' | 'SRV' | 'NS' | 'PTR';

export interface NameRecords {
  A?: string[];
  AAAA?: string[];
  CNAME?: string;
  MX?: Array<{ preference: number; exchange: string }>;
  TXT?: string[];
  SRV?: Array<{ priority: number; weight: number; port: number; target: string }>;
  NS?: string[];
  PTR?: string[];
}

/** A zone: lower-case names without the trailing dot, and their records (JSON, so it can be a param). */
export type Zone = Record<string, NameRecords>;

export const DOMAIN = 'netlab.test';

/** The name with two answers: the hosts file overrides it, DNS has the "real" one. */
export const OVERRIDDEN = `shop.${DOMAIN}`;
/** A name only DNS knows, with two addresses: lookup falls through to DNS for it. */
export const DNS_ONLY = `api.${DOMAIN}`;
/** A name nobody knows. */
export const UNKNOWN = `nowhere.${DOMAIN}`;

/** What the lab's hosts file says about OVERRIDDEN (a developer pointing it at a staging box). */
export const HOSTS_ADDRESS = '198.51.100.10';

/** The lab's DNS server. */
export const LAB_ZONE: Zone = {
  [DOMAIN]: {
    NS: [`ns1.${DOMAIN}`],
    MX: [
      { preference: 10, exchange: `mail.${DOMAIN}` },
      { preference: 20, exchange: `backup-mail.${DOMAIN}` },
    ],
    TXT: ['v=spf1 -all', 'netlab=the dns lab'],
  },
  [`ns1.${DOMAIN}`]: { A: ['203.0.113.2'] },
  [OVERRIDDEN]: { A: ['203.0.113.10'] },
  [DNS_ONLY]: { A: ['203.0.113.20', '203.0.113.21'] },
  [`mail.${DOMAIN}`]: { A: ['203.0.113.25'] },
  [`backup-mail.${DOMAIN}`]: { A: ['203.0.113.26'] },
  [`www.${DOMAIN}`]: { CNAME: OVERRIDDEN },
  [`_http._tcp.${DOMAIN}`]: {
    SRV: [
      { priority: 10, weight: 60, port: 8080, target: DNS_ONLY },
      { priority: 20, weight: 0, port: 8081, target: `backup-mail.${DOMAIN}` },
    ],
  },
  '10.113.0.203.in-addr.arpa': { PTR: [OVERRIDDEN] },
  '20.113.0.203.in-addr.arpa': { PTR: [DNS_ONLY] },
};

/** Another DNS server, for the Resolver scenario: same names, other addresses. */
export const OTHER_ZONE: Zone = {
  [OVERRIDDEN]: { A: ['192.0.2.10'] },
  [DNS_ONLY]: { A: ['192.0.2.20'] },
};

/**
 * The fallback (no private network): the lab's server also claims `localhost`, with an address
 * no real server would give, so that `lookup` (hosts file: 127.0.0.1) and `resolve4` (this
 * server) visibly disagree about a name already in the machine's hosts file.
 */
export const FALLBACK_LOCALHOST_ADDRESS = '203.0.113.1';
export const FALLBACK_ZONE: Zone = { ...LAB_ZONE, localhost: { A: [FALLBACK_LOCALHOST_ADDRESS] } };

/** The lab's hosts file, mounted over /etc/hosts inside the private network. */
export const LAB_HOSTS = [
  '# The dns lab\'s hosts file: mounted over /etc/hosts inside a private namespace only.',
  '127.0.0.1 localhost',
  '::1 localhost ip6-localhost ip6-loopback',
  `${HOSTS_ADDRESS} ${OVERRIDDEN}`,
  '',
].join('\n');

/**
 * The lab's resolv.conf: the lab's DNS server on 127.0.0.1 (port 53: glibc has no port option),
 * and short timeouts so that a silent server makes lookup fail in about a second.
 */
export const LAB_RESOLV_CONF = ['# The dns lab\'s resolv.conf (private namespace only).', 'nameserver 127.0.0.1', 'options timeout:1 attempts:1', ''].join('\n');
