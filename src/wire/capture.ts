/**
 * Puts a private network's packets on a run's trace: tcpdump's pcap stream is decoded as it
 * arrives and each packet becomes a `wire` event on the run's clock (pcap timestamps are the
 * kernel's, in epoch time, like the run's start). Endpoints are named when the line is released
 * in time order, so that the events that reveal an owner (a client's `connect`, which happens
 * after its SYN) are known by then.
 */
import type { TraceCollector } from '../trace/collector.js';
import type { PrivateNetwork } from '../runtime/namespace.js';
import { PcapStream } from './pcap.js';
import { WireTracker, type WireDetail } from './packets.js';
import { WIRE_ACTOR } from './format.js';

/** What a capture saw, for the run's summary and for the completeness check. */
export interface WireStats {
  /** Packets tcpdump says it captured (null if it did not say). */
  captured: number | null;
  /** Packets that reached the trace. */
  traced: number;
}

export interface TracedCapture {
  /** Stop the capture; resolves once every captured packet is on the trace. */
  stop(): Promise<WireStats>;
}

/** Decode `network`'s capture into `collector`. */
export function traceCapture(network: PrivateNetwork, collector: TraceCollector): TracedCapture {
  const capture = network.capture;
  if (!capture) throw new Error('this private network has no capture');
  const tracker = new WireTracker(collector.t0);
  const unlearn = collector.onArrival((line) => tracker.names.learn(line));
  const unrefine = collector.refine((line) => (line.type === 'event' && line.actor === WIRE_ACTOR && typeof line.detail.src === 'string' ? { ...line, detail: tracker.nameEndpoints(line.detail as WireDetail) } : undefined));
  const pcap = new PcapStream((record) => {
    const line = tracker.event(record, pcap.linktype!);
    if (line) collector.push(line);
  });
  let broken = false;
  capture.read((chunk) => {
    if (broken) return;
    try {
      pcap.push(chunk);
    } catch (err) {
      broken = true;
      collector.note('netlab', `packets: the capture could not be read (${(err as Error).message}); the run goes on without packets`);
    }
  });
  let stopped: Promise<WireStats> | undefined;
  return {
    stop() {
      stopped ??= (async () => {
        const { captured } = await capture.stop();
        unlearn();
        // Names stay refined until the collector has released the last packet.
        collector.flush();
        unrefine();
        return { captured, traced: tracker.count };
      })();
      return stopped;
    },
  };
}
