import { createHash } from 'node:crypto';
import * as http from 'node:http';

/** Which methods each path allows; any other path is 404. */
const ALLOWED: Record<string, string[]> = {
  '/upload': ['POST'],
  '/health': ['GET', 'HEAD'],
};

/** Servers that shutdown() is closing. */
const shuttingDown = new WeakSet<http.Server>();

/**
 * An HTTP server (not yet listening) that takes uploads up to `limit` bytes and answers
 * each with its length and SHA-256.
 */
export function createUploadServer(limit: number): http.Server {
  const server = http.createServer();

  /** Answer; with `close`, Node ends the connection once the answer is out. */
  function send(res: http.ServerResponse, status: number, type: string, body: string, headers: http.OutgoingHttpHeaders = {}, close = false): void {
    if (close) headers.Connection = 'close';
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...headers });
    res.end(body);
  }

  /** Answer what can be answered before the body is read; true if it was. */
  function answerEarly(req: http.IncomingMessage, res: http.ServerResponse): boolean {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const allowed = ALLOWED[path];
    if (!allowed) {
      send(res, 404, 'text/plain', `no such path: ${path}\n`);
      return true;
    }
    if (!allowed.includes(req.method ?? '')) {
      send(res, 405, 'text/plain', `${req.method} is not allowed on ${path}\n`, { Allow: allowed.join(', ') });
      return true;
    }
    if (path === '/health') {
      send(res, 200, 'text/plain', 'ok');
      return true;
    }
    // Too large, known from the headers: answer now; the body is never read.
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > limit) {
      send(res, 413, 'text/plain', `a body of ${declared} bytes is over the limit of ${limit}\n`, {}, true);
      return true;
    }
    return false;
  }

  function upload(req: http.IncomingMessage, res: http.ServerResponse): void {
    const hash = createHash('sha256');
    let bytes = 0;
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      // A chunked body (no Content-Length) just passed the limit: answer now, read no more.
      if (bytes > limit) {
        req.off('data', onData);
        req.off('end', onEnd);
        req.pause();
        send(res, 413, 'text/plain', `the body passed the limit of ${limit} bytes\n`, {}, true);
        return;
      }
      hash.update(chunk);
    };
    const onEnd = () => send(res, 200, 'application/json', JSON.stringify({ bytes, sha256: hash.digest('hex') }));
    req.on('data', onData);
    req.on('end', onEnd);
    // A client that aborts mid-body: 'end' never comes, so nothing is answered; the socket is
    // already gone. An 'error' listener keeps the abort from ever reaching the process.
    req.on('error', () => {});
  }

  /** Every response: once it is out, its connection is idle; during shutdown, close it now. */
  function whenFinished(res: http.ServerResponse): void {
    res.on('finish', () => {
      // Without this, a keep-alive connection whose answer went out after server.close()
      // would stay open (and keep the server from closing) until keepAliveTimeout.
      if (shuttingDown.has(server)) server.closeIdleConnections();
    });
  }

  server.on('request', (req, res) => {
    whenFinished(res);
    if (!answerEarly(req, res)) upload(req, res);
  });

  // With a 'checkContinue' listener Node no longer sends "100 Continue" by itself: we decide.
  server.on('checkContinue', (req, res) => {
    whenFinished(res);
    if (answerEarly(req, res)) return;
    res.writeContinue();
    upload(req, res);
  });

  return server;
}

/**
 * Stop accepting connections, let the requests in progress finish, close idle keep-alive
 * connections now, and resolve once the server has emitted 'close'.
 */
export function shutdown(server: http.Server): Promise<void> {
  return new Promise((resolve, reject) => {
    shuttingDown.add(server);
    // close() stops accepting and, since Node 19, closes the connections idle right now
    // (closeIdleConnections() makes that explicit). A busy connection is closed when its
    // answer has gone out (see whenFinished); 'close' comes once the last one has gone.
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeIdleConnections();
  });
}
