import * as dns from 'node:dns';

/**
 * Lab dns: ask for the same name two ways and return both answers.
 *
 * - `lookup`: every IPv4 address the operating system's resolver gives (dns.lookup: the hosts
 *   file counts, then the servers of resolv.conf).
 * - `resolve`: the A records that the DNS server `dnsServer` answers ("127.0.0.1:5353" form),
 *   asked with exactly one query, without changing the servers of the rest of the process
 *   (dns.getServers() must stay the same).
 * A name that one source does not know gives [] for that source, not an error.
 *
 * Run the demo:   netlab run dns
 * Grade yourself: netlab grade dns
 * Stuck?          netlab hint dns
 */
export async function lookupVsResolve(hostname: string, dnsServer: string): Promise<{ lookup: string[]; resolve: string[] }> {
  // TODO: lookup: ask the operating system with dns.promises.lookup(). By default it gives only
  //       the first address, and IPv6 ones too: look at its `all` and `family` options.
  const lookup: string[] = [];

  // TODO: resolve: create a dns.promises.Resolver of your own, give it `dnsServer` with
  //       setServers(), and ask it for the A records (resolve4). Do not call dns.setServers():
  //       that changes the servers for the whole process.
  const resolve: string[] = [];

  // TODO: a name one source does not know rejects with err.code 'ENOTFOUND' (or 'ENODATA'):
  //       turn that into [] for that source; let other errors through.
  return { lookup, resolve };
}
