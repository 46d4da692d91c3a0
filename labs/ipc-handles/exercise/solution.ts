/**
 * ipc-handles — reference solution.
 *
 * A primary process that owns the listening socket and hands every accepted connection, as a
 * handle, to one of its workers in turn (what `cluster` does for you on Linux). The primary
 * never touches the bytes: the worker reads and writes the client's own socket.
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
  const ready: ChildProcess[] = []; // workers that said {"type":"ready"}, in round-robin order
  const waiting: net.Socket[] = []; // connections accepted while no worker was ready
  const running = new Set<ChildProcess>();
  const restarts = new Set<NodeJS.Timeout>();
  let turn = 0;
  let failuresInARow = 0;
  let closing = false;
  let allReady: () => void = () => {};
  const started = new Promise<void>((resolve) => (allReady = resolve));

  function handOff(socket: net.Socket): void {
    if (socket.destroyed) return;
    if (ready.length === 0) {
      waiting.push(socket);
      return;
    }
    const worker = ready[turn++ % ready.length]!;
    // Node closes our copy of the socket once the handle is sent (keepOpen: false): from now on
    // only the worker holds the connection, so the client sees EOF when the worker ends it.
    worker.send('connection', socket, (err) => {
      if (err) handOff(socket); // the worker died just now: give the connection to another one
    });
  }

  function startWorker(): void {
    const worker = fork(workerPath);
    running.add(worker);
    worker.on('message', (message: { type?: string }) => {
      if (message?.type !== 'ready' || ready.includes(worker)) return;
      ready.push(worker);
      if (ready.length >= workers) allReady();
      while (waiting.length > 0 && ready.length > 0) handOff(waiting.shift()!);
    });
    worker.on('exit', () => {
      running.delete(worker);
      const at = ready.indexOf(worker);
      const wasReady = at >= 0;
      if (wasReady) ready.splice(at, 1);
      if (closing) {
        if (running.size === 0) allExited();
        return;
      }
      // A crash: replace the worker at once. One that keeps dying before it is ready (a broken
      // worker file) is retried with a growing pause, never in a tight loop, never over 1 s.
      failuresInARow = wasReady ? 0 : failuresInARow + 1;
      const pause = failuresInARow <= 1 ? 0 : Math.min(900, 50 * 2 ** failuresInARow);
      if (pause === 0) startWorker();
      else restarts.add(setTimeout(() => !closing && startWorker(), pause));
    });
  }

  let allExited: () => void = () => {};
  const exited = new Promise<void>((resolve) => (allExited = resolve));

  // pauseOnConnect: nobody reads the connection in this process before the worker gets it.
  const server = net.createServer({ pauseOnConnect: true }, handOff);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  for (let i = 0; i < workers; i++) startWorker();
  await started;

  return {
    port: (server.address() as net.AddressInfo).port,
    async close() {
      closing = true;
      for (const timer of restarts) clearTimeout(timer);
      server.close();
      for (const socket of waiting.splice(0)) socket.destroy();
      if (running.size === 0) return;
      // disconnect(): the worker takes no more work, finishes what it serves, and exits.
      for (const worker of running) if (worker.connected) worker.disconnect();
      await exited;
    },
  };
}
