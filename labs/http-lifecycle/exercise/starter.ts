import * as http from 'node:http';

/**
 * Lab http-lifecycle: an upload server that answers each body with its length and SHA-256,
 * refuses bodies over `limit` bytes as early as it can, and shuts down gracefully.
 *
 * Run the demo:   netlab run http-lifecycle
 * Try it by hand: netlab run http-lifecycle --serve --use http-lifecycle.ts
 * Grade yourself: netlab grade http-lifecycle
 * Stuck?          netlab hint http-lifecycle
 */
export function createUploadServer(limit: number): http.Server {
  const server = http.createServer((req, res) => {
    // TODO: route on the path without its query string (new URL(req.url, 'http://x').pathname):
    //       GET /health → 200 "ok"; POST /upload → the upload; another method on those two paths
    //       → 405 with an Allow header; any other path → 404.
    // TODO: POST /upload: read the whole body as bytes (Content-Length or chunked), then answer
    //       200, Content-Type: application/json, {"bytes": <length>, "sha256": "<lower-case hex>"}
    //       (node:crypto's createHash('sha256') can be fed chunk by chunk).
    // TODO: a body over `limit` bytes: 413 with "Connection: close" as soon as you know it — at
    //       the headers when Content-Length says so, else the moment the body passes the limit.
    // TODO: a client that aborts in the middle of its body must not crash the server, and gets
    //       no answer (its 'end' never comes).
    res.statusCode = 501;
    res.end(`not implemented yet (limit ${limit})\n`);
  });
  // TODO: "Expect: 100-continue": without a 'checkContinue' listener Node answers
  //       "100 Continue" by itself. Listen for it, answer 404/405/413 without sending
  //       "100 Continue", and call res.writeContinue() only for an upload you will read.
  return server;
}

/**
 * Stop accepting connections, let the requests in progress finish, close idle keep-alive
 * connections at once, and resolve once the server has emitted 'close'.
 */
export function shutdown(server: http.Server): Promise<void> {
  // TODO: server.close(callback) stops accepting; what does it do to idle keep-alive
  //       connections, and to a connection whose request is still running?
  // TODO: a connection whose answer goes out after close() stays open until keepAliveTimeout
  //       unless you close it when its response finishes.
  // TODO: resolve only once the server has emitted 'close'.
  void server;
  return Promise.resolve();
}
