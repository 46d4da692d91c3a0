import * as http from 'node:http';

/**
 * GET every URL (all on one origin) with at most `maxSockets`
 * connections open at once, and resolve with the bodies (UTF-8) in the
 * order of `urls`. A non-2xx answer rejects with an error naming its
 * URL. When the promise settles, no connection it opened is left open.
 */
export async function fetchAll(
  urls: string[],
  maxSockets: number,
): Promise<string[]> {
  // An agent of our own: at most `maxSockets` connections to the origin;
  // requests beyond that wait in agent.requests. (The global agent has no
  // limit, and is shared with everybody.) keepAlive: a socket freed by
  // one response carries the next queued request, and stays open between
  // requests instead of being replaced by a new connection.
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  // One failure is enough to reject: abort the requests still running or
  // queued.
  const controller = new AbortController();
  let failure: Error | undefined;
  // Start every request at once and let the agent queue them: a socket
  // that becomes free takes the next request at once (no waiting for a
  // whole "wave" of k to finish). Promise.allSettled keeps the order of
  // `urls`, whatever order the answers arrive in, and waits for every
  // request to be over before we close the agent.
  const settled = await Promise.allSettled(
    urls.map((url) =>
      get(url, agent, controller.signal).catch((err: Error) => {
        failure ??= err;
        controller.abort();
        throw err;
      }),
    ),
  );
  // Idle keep-alive sockets would stay open (they only stop keeping the
  // process alive): close every socket the agent still holds.
  agent.destroy();
  if (failure) throw failure;
  return settled.map(
    (result) => (result as PromiseFulfilledResult<string>).value,
  );
}

function get(
  url: string,
  agent: http.Agent,
  signal: AbortSignal,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, signal }, (res) => {
      const status = res.statusCode ?? 0;
      if (status < 200 || status > 299) {
        // Drain the body anyway, so the socket is freed for the next URL.
        res.resume();
        const text = `HTTP ${status} ${res.statusMessage ?? ''}`.trim();
        reject(new Error(`GET ${url} failed: ${text}`));
        return;
      }
      // Keep the bytes and decode once at the end: a multi-byte
      // character may be split between two chunks.
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      res.on('error', reject);
    });
    req.on('error', (err) => {
      const message = `GET ${url} failed: ${err.message}`;
      reject(new Error(message, { cause: err }));
    });
  });
}
