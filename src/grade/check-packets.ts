/**
 * `netlab grade --packets`, a grader worker's side: the packets of one check, read from the
 * capture file of the network the whole grading runs in (src/grade/capture.ts), put on the
 * check's trace on its clock.
 *
 * Which packets are the check's: those between its start and its end with an end that one of
 * its actors owns (a `listening` address, a `connect`ed or accepted socket's local address:
 * see {@link EndpointNames}), the other end being one its trace mentions too. Checks that run
 * at the same time use different ports, so each sees only its own.
 *
 * When are they all there: tcpdump writes each packet as the kernel hands it over, a moment
 * after it crossed. So the check sends a datagram of its own, last, and reads the file until
 * that datagram is in it: everything before it is written by then.
 */
import { createSocket } from 'node:dgram';
import { openSync, readSync } from 'node:fs';
import type { TraceCollector } from '../trace/collector.js';
import type { TraceLine, UnsequencedLine } from '../trace/event.js';
import { PcapStream, type PcapRecord } from '../wire/pcap.js';
import { WireTracker, type WireDetail } from '../wire/packets.js';
import { WIRE_ACTOR } from '../wire/format.js';

/** How long a check waits for its packets to be written before it reports without the last ones. */
const SYNC_TIMEOUT_MS = 2000;
const SYNC_POLL_MS = 5;
const SYNC_MARK = 'netlab-sync ';

/** An address as trace events spell it (`127.0.0.1:41216`, `[::1]:53`). */
const ADDRESS = /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:.]+\]):\d+$/i;

/** The capture file as this worker has read it so far: records kept while a check may want them. */
class CaptureFile {
  private fd: number | undefined;
  private readonly pcap = new PcapStream((record) => this.add(record));
  private records: PcapRecord[] = [];
  private readonly marks = new Set<string>();
  /** The file cannot be read (or is not a capture): no packets, and nothing to wait for. */
  broken = false;
  /** Checks of this worker that may still ask for packets: their start (epoch ms). */
  readonly active = new Map<object, number>();

  constructor(private readonly path: string) {}

  get linktype(): number | undefined {
    return this.pcap.linktype;
  }

  /** Read what tcpdump has written since the last read. */
  read(): void {
    if (this.broken) return;
    try {
      this.fd ??= openSync(this.path, 'r');
      const buffer = Buffer.alloc(256 * 1024);
      for (;;) {
        const n = readSync(this.fd, buffer, 0, buffer.length, null);
        if (n === 0) break;
        this.pcap.push(Buffer.from(buffer.subarray(0, n)));
      }
    } catch (err) {
      // Not there yet: the next read tries again. Anything else: no packets.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.broken = true;
    }
  }

  private add(record: PcapRecord): void {
    const at = record.data.indexOf(SYNC_MARK);
    if (at >= 0) {
      // Other workers' marks are theirs to wait for.
      const mark = record.data.subarray(at).toString('latin1');
      if (mark.startsWith(markPrefix)) this.marks.add(mark);
      return;
    }
    this.records.push(record);
  }

  /** True once the datagram carrying `mark` is in the file. */
  seen(mark: string): boolean {
    return this.marks.delete(mark);
  }

  /** The records between `from` and `to` (epoch ms); records no active check can want are dropped. */
  between(from: number, to: number): PcapRecord[] {
    const oldest = Math.min(from, ...this.active.values());
    const start = this.records.findIndex((r) => r.epochMs >= oldest);
    this.records = start < 0 ? [] : this.records.slice(start);
    return this.records.filter((r) => r.epochMs >= from && r.epochMs <= to);
  }
}

const files = new Map<string, CaptureFile>();
const markPrefix = `${SYNC_MARK}${process.pid}-`;
let marks = 0;

/** Send a datagram to ourselves that says `mark`; resolves once it has been sent. */
function sendMark(mark: string): Promise<void> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const done = () => {
      socket.close();
      resolve();
    };
    socket.once('error', done);
    socket.bind(0, '127.0.0.1', () => socket.send(mark, socket.address().port, '127.0.0.1', done));
  });
}

/** The packets of one check. Create it when the check starts: it learns who owns what from the trace. */
export class CheckPackets {
  private readonly tracker: WireTracker;
  /** Every address the check's trace mentions. */
  private readonly known = new Set<string>();
  private readonly file: CaptureFile;
  private readonly stopLearning: () => void;

  constructor(
    private readonly collector: TraceCollector,
    path: string,
  ) {
    this.tracker = new WireTracker(collector.t0);
    let file = files.get(path);
    if (!file) files.set(path, (file = new CaptureFile(path)));
    this.file = file;
    file.active.set(this, collector.t0);
    this.stopLearning = collector.onArrival((line) => {
      if (line.type !== 'event' || line.actor === WIRE_ACTOR) return;
      this.tracker.names.learn(line);
      for (const value of Object.values(line.detail)) if (typeof value === 'string' && ADDRESS.test(value)) this.known.add(value);
    });
  }

  /**
   * This check's packets as trace lines (its processes have ended, so their last FIN or RST has
   * been sent), or none when `wanted` is false. Either way the check is done with the capture.
   */
  async finish(wanted: boolean): Promise<UnsequencedLine[]> {
    this.stopLearning();
    try {
      return wanted ? await this.lines() : [];
    } catch {
      // Packets only add to a report: whatever goes wrong here, the check's report stands without them.
      return [];
    } finally {
      this.file.active.delete(this);
    }
  }

  private async lines(): Promise<UnsequencedLine[]> {
    const end = Date.now();
    await this.sync();
    const linktype = this.file.linktype;
    if (linktype === undefined) return [];
    const lines: UnsequencedLine[] = [];
    for (const record of this.file.between(this.collector.t0, end)) {
      const line = this.tracker.event(record, linktype);
      if (line?.type === 'event' && this.belongs(line.detail as WireDetail)) lines.push(line);
    }
    return lines;
  }

  /** Read the file until a datagram sent now is in it (or give up after a while). */
  private async sync(): Promise<void> {
    const mark = `${markPrefix}${++marks}-${Date.now()}`;
    await sendMark(mark);
    const deadline = Date.now() + SYNC_TIMEOUT_MS;
    for (;;) {
      this.file.read();
      if (this.file.seen(mark) || this.file.broken || Date.now() >= deadline) return;
      await new Promise((r) => setTimeout(r, SYNC_POLL_MS));
    }
  }

  private belongs(detail: WireDetail): boolean {
    const owned = (address: string) => this.tracker.names.owner(address) !== undefined;
    const mine = (address: string) => owned(address) || this.known.has(address);
    return (owned(detail.src) && mine(detail.dst)) || (owned(detail.dst) && mine(detail.src));
  }
}

/**
 * `lines` (in order, numbered) with `extra` put in their places by time, numbered again from
 * where `lines` started; lines at the same time keep the trace's line first.
 */
export function mergeByTime(lines: readonly TraceLine[], extra: readonly UnsequencedLine[]): TraceLine[] {
  if (extra.length === 0) return [...lines];
  const first = lines[0]?.seq ?? 1;
  const sorted = [...extra].sort((a, b) => a.t - b.t);
  const out: TraceLine[] = [];
  let j = 0;
  for (const line of lines) {
    while (j < sorted.length && sorted[j]!.t < line.t) out.push({ ...sorted[j++]!, seq: 0 } as TraceLine);
    out.push({ ...line });
  }
  while (j < sorted.length) out.push({ ...sorted[j++]! } as TraceLine);
  out.forEach((line, i) => (line.seq = first + i));
  return out;
}
