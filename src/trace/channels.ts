import diagnosticsChannel from 'node:diagnostics_channel';
import { EventEmitter } from 'node:events';
import type { JsonObject } from './event.js';
import type { Probe } from './probe.js';
import { toJson } from './detail.js';

/**
 * The diagnostics_channel names netlab bridges into the trace. Node publishes the `net.*`,
 * `http.*` and `udp.*` ones; undici publishes `undici:*` (only when someone subscribes).
 */
export const CHANNELS = {
  net: ['net.client.socket', 'net.server.socket'],
  udp: ['udp.socket'],
  http: ['http.client.request.start', 'http.client.response.finish', 'http.server.request.start', 'http.server.response.finish'],
  undici: [
    'undici:request:create',
    'undici:request:headers',
    'undici:request:trailers',
    'undici:request:error',
    'undici:client:connected',
    'undici:client:connectError',
    'undici:websocket:open',
    'undici:websocket:close',
    'undici:websocket:socket_error',
    'undici:websocket:ping',
    'undici:websocket:pong',
  ],
} as const;

export type ChannelGroup = keyof typeof CHANNELS;

/**
 * Subscribe `probe` to the channels of the given groups. Emitters found in a message (the
 * socket of `net.client.socket`, say) are named by their probe id and, with `follow`, traced
 * from then on, so sockets that a library creates show up too. Returns an unsubscribe.
 */
export function bridgeChannels(probe: Probe, groups: readonly ChannelGroup[], follow = true): () => void {
  const subscriptions: Array<[string, (message: unknown, name: string | symbol) => void]> = [];
  for (const group of groups) {
    for (const name of CHANNELS[group]) {
      const onMessage = (message: unknown) => {
        const detail: JsonObject = {};
        if (message && typeof message === 'object') {
          for (const [key, value] of Object.entries(message as Record<string, unknown>)) {
            if (value instanceof EventEmitter) {
              detail[key] = probe.idOf(value);
              if (follow) probe.trace(value);
            } else if (key === 'request' || key === 'response') {
              detail[key] = summarizeUndici(value);
            } else {
              detail[key] = toJson(value);
            }
          }
        }
        probe.channel(group === 'undici' ? 'undici' : name.split('.')[0]!, name, detail);
      };
      diagnosticsChannel.subscribe(name, onMessage);
      subscriptions.push([name, onMessage]);
    }
  }
  return () => {
    for (const [name, fn] of subscriptions) diagnosticsChannel.unsubscribe(name, fn);
  };
}

/** undici's request/response objects are plain classes: keep the fields a learner reads. */
function summarizeUndici(value: unknown): JsonObject | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  const out: JsonObject = {};
  for (const key of ['method', 'path', 'origin', 'statusCode', 'statusText']) {
    if (v[key] !== undefined) out[key] = toJson(v[key]);
  }
  return out;
}
