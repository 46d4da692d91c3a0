/**
 * The child of the messages demo: it answers over `process.send`, and tells what the message
 * it received looked like after crossing the channel.
 */
import { relayProbe } from '../relay.js';

const probe = relayProbe(process.env.NETLAB_ACTOR ?? 'child');
probe.trace(process);
// Node found the channel through NODE_CHANNEL_FD at start-up, opened it, and removed the
// variable from process.env: what is left is process.send and process.channel.
probe.mark('ipc', { send: typeof process.send, channel: process.channel ? 'open' : 'none', NODE_CHANNEL_FD: process.env.NODE_CHANNEL_FD ?? 'removed' });

process.on('message', (message: { tags?: unknown; bytes?: unknown }) => {
  const tags = message.tags instanceof Map ? `Map(${message.tags.size})` : JSON.stringify(message.tags);
  const bytes = message.bytes instanceof Uint8Array ? `${message.bytes.constructor.name}(${message.bytes.length})` : JSON.stringify(message.bytes);
  process.send!({ sawTags: tags, sawBytes: bytes });
});
process.send!({ type: 'hello', pid: process.pid });
