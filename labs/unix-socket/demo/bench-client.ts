/**
 * For the timing table: round trips (write a message, wait for all of its echo, repeat) over a
 * Unix socket and over TCP 127.0.0.1 to the same server process, interleaved in rounds so that
 * both transports see the same machine load. The sockets are not traced while measuring.
 */
import { once } from 'node:events';
import * as net from 'node:net';
import { mark, program } from '../../../src/runtime/child.js';
import { benchClientDemo, type Measurement } from '../contract.js';

const self = program(benchClientDemo);
const { path, port } = self.params();

async function open(options: net.NetConnectOpts): Promise<net.Socket> {
  const socket = net.connect(options);
  await once(socket, 'connect');
  socket.setNoDelay(true);
  return socket;
}

const unix = await open({ path });
const tcp = await open({ port, host: '127.0.0.1' });

/** `count` sequential round trips of `payload`; resolves with the elapsed milliseconds. */
function roundTrips(socket: net.Socket, payload: Buffer, count: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let done = 0;
    let got = 0;
    const started = performance.now();
    const onData = (chunk: Buffer) => {
      got += chunk.length;
      if (got < payload.length) return;
      got = 0;
      if (++done === count) {
        socket.off('data', onData);
        socket.off('error', reject);
        resolve(performance.now() - started);
      } else socket.write(payload);
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write(payload);
  });
}

async function measure(size: number, count: number, rounds = 10): Promise<Measurement> {
  const payload = Buffer.alloc(size, 'r');
  const per = Math.max(1, Math.round(count / rounds));
  await roundTrips(unix, payload, Math.min(per, 100)); // warm-up
  await roundTrips(tcp, payload, Math.min(per, 100));
  let unixMs = 0;
  let tcpMs = 0;
  for (let r = 0; r < rounds; r++) {
    unixMs += await roundTrips(unix, payload, per);
    tcpMs += await roundTrips(tcp, payload, per);
  }
  const m = { size, count: per * rounds, unixMs: Math.round(unixMs * 100) / 100, tcpMs: Math.round(tcpMs * 100) / 100 };
  mark('timing', { ...m }, 'round trips');
  return m;
}

self.onCommand('measure', async ({ roundTrips: count }) => {
  const small = await measure(64, count);
  const large = await measure(16 * 1024, Math.max(5, Math.round(count / 4)));
  return [small, large];
});
self.onCommand('close', () => {
  unix.end();
  tcp.end();
  return null;
});
self.ready(null);
