import * as http from 'node:http';

/**
 * Lab agent-maxsockets: GET every URL (all on one origin) with at most `maxSockets`
 * connections open at once, and resolve with the response bodies (UTF-8 strings) in the
 * order of `urls`.
 *
 * Run the demo:   netlab run agent-maxsockets
 * Try yours:      netlab run agent-maxsockets --scenario fetch-all --use agent-maxsockets.ts
 * Grade yourself: netlab grade agent-maxsockets
 * Stuck?          netlab hint agent-maxsockets
 */
export async function fetchAll(urls: string[], maxSockets: number): Promise<string[]> {
  // TODO: create an http.Agent of your own that allows `maxSockets` sockets and keeps them
  //       alive, so that a freed socket carries the next request (see the lesson's keepAlive step).
  //       This version uses http.globalAgent, which has no limit at all.
  // TODO: the results must come back in the order of `urls`, not in the order answers arrive.
  const bodies = await Promise.all(urls.map((url) => get(url)));
  // TODO: when everything is over (also after a failure), close the sockets your agent still
  //       holds: idle keep-alive sockets stay open until someone destroys them.
  void maxSockets;
  return bodies;
}

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        // TODO: a status outside 200–299 must reject, with an error message that names `url`.
        let body = '';
        // TODO: a chunk can end in the middle of a multi-byte character: decode the whole
        //       body at once (Buffer.concat) or use res.setEncoding('utf8').
        res.on('data', (chunk: Buffer) => (body += chunk));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}
