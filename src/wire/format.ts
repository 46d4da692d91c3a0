/**
 * How a packet reads in the trace: who sent it to whom, then what it carries —
 * `client#1 → server  seq=1 ack=1 win=64  6 B "hello "`.
 */
import type { JsonObject } from '../trace/event.js';
import { t } from '../i18n/messages.js';

/** The actor of packet events. */
export const WIRE_ACTOR = 'wire';

export function formatWireDetail(detail: JsonObject): string {
  const parts: string[] = [String(detail.path ?? `${detail.src} → ${detail.dst}`)];
  if (detail.proto === 'tcp') parts.push(`seq=${detail.seq}${detail.ack !== undefined ? ` ack=${detail.ack}` : ''} win=${detail.win}`);
  if (detail.proto === 'icmp' && typeof detail.answers === 'string') parts.push(t('wire.answers', { what: detail.answers }));
  const len = Number(detail.len ?? 0);
  if ((detail.proto === 'tcp' || detail.proto === 'udp') && (len > 0 || detail.proto === 'udp')) {
    parts.push(typeof detail.preview === 'string' ? `${len} B "${detail.preview}"` : `${len} B`);
  }
  return parts.join('  ');
}
