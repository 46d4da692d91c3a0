// A program for the trace-flood benchmark: one traced emitter fires N events as fast as it can.
import { EventEmitter } from 'node:events';
import { params, ready, trace } from '../dist/src/runtime/child.js';

const { count } = params();
const emitter = trace(new EventEmitter());
const payload = Buffer.from('flood payload 0123456789');
for (let i = 0; i < count; i++) emitter.emit('data', payload);
ready({ sent: count });
