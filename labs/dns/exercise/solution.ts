import * as dns from 'node:dns';

/**
 * Error codes that mean "this source does not know the name", not
 * "something broke".
 */
const NOT_FOUND = new Set(['ENOTFOUND', 'ENODATA']);

/**
 * The same name asked two ways:
 * - `lookup`: every IPv4 address the operating system's resolver gives
 *   (getaddrinfo, so the hosts file counts, then the servers of
 *   resolv.conf);
 * - `resolve`: the A records that the DNS server `dnsServer`
 *   ("127.0.0.1:5353") answers, asked through a Resolver of our own, so the
 *   process-wide servers stay as they are.
 * A name unknown to a source gives [] for that source.
 */
export async function lookupVsResolve(
  hostname: string,
  dnsServer: string,
): Promise<{ lookup: string[]; resolve: string[] }> {
  // The two sources are independent: ask both at once.
  const [lookup, resolve] = await Promise.all([
    lookupAll(hostname),
    resolveAt(hostname, dnsServer),
  ]);
  return { lookup, resolve };
}

async function lookupAll(hostname: string): Promise<string[]> {
  try {
    // all: true, or lookup gives only the first address; family: 4, or IPv6
    // ones come too.
    const answers = await dns.promises.lookup(hostname, {
      all: true,
      family: 4,
    });
    return answers.map((a) => a.address);
  } catch (err) {
    if (NOT_FOUND.has((err as NodeJS.ErrnoException).code ?? '')) return [];
    throw err;
  }
}

async function resolveAt(
  hostname: string,
  dnsServer: string,
): Promise<string[]> {
  // A Resolver of our own: setServers() on it leaves dns.getServers()
  // (everyone else's) alone. tries: 1 sends exactly one query; on loopback
  // a lost datagram is not a concern.
  const resolver = new dns.promises.Resolver({ tries: 1, timeout: 2000 });
  resolver.setServers([dnsServer]);
  try {
    return await resolver.resolve4(hostname);
  } catch (err) {
    if (NOT_FOUND.has((err as NodeJS.ErrnoException).code ?? '')) return [];
    throw err;
  }
}
