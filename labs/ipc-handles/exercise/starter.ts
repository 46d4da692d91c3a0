/**
 * ipc-handles — your primary process.
 *
 * `startPrimary(workerPath, workers)` listens on 127.0.0.1 (port 0) and forks `workers` copies
 * of netlab's worker (`child_process.fork(workerPath)`). A worker sends the message
 * {"type":"ready"} when it can take connections. Every connection the primary accepts goes, as
 * a handle, to the next ready worker in turn: `worker.send('connection', socket)`. The worker
 * answers the client itself; the primary never reads or writes the connection's bytes.
 *
 * Grade it with `netlab grade ipc-handles`; `netlab hint ipc-handles` when you are stuck.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';

export interface Primary {
  /** The port the primary listens on, on 127.0.0.1. */
  port: number;
  /** Stop accepting, let the workers finish, resolve once every worker process has exited. */
  close(): Promise<void>;
}

export async function startPrimary(workerPath: string, workers: number): Promise<Primary> {
  const ready: ChildProcess[] = [];

  // TODO: fork `workers` workers with fork(workerPath). Add a worker to `ready` when it sends
  // {"type":"ready"}, and resolve only once every one of them has.
  // TODO: when a worker exits unexpectedly, fork a replacement at once.
  void fork;
  void workerPath;
  void workers;

  // TODO: keep the primary's hands off the bytes: a server option stops Node from reading a
  // connection before you hand it over.
  const server = net.createServer((socket) => {
    // TODO: hand `socket` to the next ready worker in turn (round-robin):
    //   worker.send('connection', socket)
    // and when no worker is ready yet, keep the connection until one is.
    void ready;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    port: (server.address() as net.AddressInfo).port,
    async close() {
      // TODO: stop accepting, disconnect() every worker, and resolve once each has exited.
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
