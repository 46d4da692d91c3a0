/**
 * Reads a pcap stream (what `tcpdump -w -` writes) as it arrives: the 24-byte file header,
 * then one 16-byte record header and the captured bytes per packet. Both byte orders and
 * both timestamp resolutions (micro- and nanoseconds) are understood.
 *
 * The format is small and fixed (https://www.tcpdump.org/manpages/pcap-savefile.5.html), and
 * the npm parsers for it are unmaintained; this one is tested against tcpdump's own reading of
 * the same capture.
 */

/** One captured packet. */
export interface PcapRecord {
  /** When the kernel saw it, in milliseconds since the epoch (sub-millisecond precision). */
  epochMs: number;
  /** The captured bytes, starting with the link-layer header. */
  data: Buffer;
  /** The packet's length on the wire (more than `data.length` if the capture cut it). */
  originalLength: number;
}

/** Link-layer header types that netlab decodes (LINKTYPE_* numbers). */
export const LINKTYPE = { NULL: 0, ETHERNET: 1, RAW: 101, LINUX_SLL: 113, LINUX_SLL2: 276 } as const;

const MAGIC_MICRO = 0xa1b2c3d4;
const MAGIC_NANO = 0xa1b23c4d;

export class PcapStream {
  private buffered: Buffer = Buffer.alloc(0);
  private little: boolean | undefined;
  private nano = false;
  /** The capture's link-layer type, once the file header has been read. */
  linktype: number | undefined;

  constructor(private readonly onRecord: (record: PcapRecord) => void) {}

  /** Feed bytes as they come; complete records are handed to `onRecord` at once. */
  push(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    let offset = 0;
    if (this.little === undefined) {
      if (this.buffered.length < 24) return;
      const magicLE = this.buffered.readUInt32LE(0);
      const magicBE = this.buffered.readUInt32BE(0);
      if (magicLE === MAGIC_MICRO || magicLE === MAGIC_NANO) {
        this.little = true;
        this.nano = magicLE === MAGIC_NANO;
      } else if (magicBE === MAGIC_MICRO || magicBE === MAGIC_NANO) {
        this.little = false;
        this.nano = magicBE === MAGIC_NANO;
      } else {
        throw new Error(`not a pcap stream (magic 0x${magicBE.toString(16)})`);
      }
      this.linktype = this.u32(20) & 0x0fffffff;
      offset = 24;
    }
    while (this.buffered.length - offset >= 16) {
      const seconds = this.u32(offset);
      const fraction = this.u32(offset + 4);
      const included = this.u32(offset + 8);
      const original = this.u32(offset + 12);
      if (this.buffered.length - offset - 16 < included) break;
      const data = Buffer.from(this.buffered.subarray(offset + 16, offset + 16 + included));
      const epochMs = seconds * 1000 + (this.nano ? fraction / 1e6 : fraction / 1e3);
      this.onRecord({ epochMs, data, originalLength: original });
      offset += 16 + included;
    }
    this.buffered = this.buffered.subarray(offset);
  }

  private u32(at: number): number {
    return this.little ? this.buffered.readUInt32LE(at) : this.buffered.readUInt32BE(at);
  }
}
