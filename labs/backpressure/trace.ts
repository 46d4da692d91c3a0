/**
 * What this lab's trace shows: the `pause` and `resume` of a Readable (netlab hides them
 * elsewhere) — here they are the lesson — and the buffer sizes at the moments that matter:
 * a writer's `writableLength` at `drain`, a reader's `readableLength` when it pauses or resumes.
 */
import { Readable } from 'node:stream';
import * as net from 'node:net';
import type { JsonObject } from '../../src/trace/event.js';
import { defineTrace, type EventDescriber } from '../../src/trace/policy.js';

const readerSide: EventDescriber = (stream): JsonObject | undefined => {
  if (stream instanceof net.Socket) return { readableLength: stream.readableLength, bytesRead: stream.bytesRead };
  if (stream instanceof Readable) return { readableLength: stream.readableLength };
  return undefined;
};

export const tracePolicy = defineTrace({
  show: ['pause', 'resume'],
  describe: {
    drain: (stream) => (stream instanceof net.Socket ? { writableLength: stream.writableLength, bytesWritten: stream.bytesWritten } : undefined),
    pause: readerSide,
    resume: readerSide,
  },
});
