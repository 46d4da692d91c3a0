#!/usr/bin/env node
// `npm start`: build if a source changed since the last build (scripts/build.mjs), then open the
// interactive lab in this same process: one Node start fewer before the first screen.
import { build, staleReason } from './build.mjs';

const reason = staleReason();
if (reason) {
  process.stderr.write(`netlab: building (${reason})…\n`);
  await build();
}
process.argv.splice(2, process.argv.length - 2, 'start', ...process.argv.slice(2));
await import('../dist/cli/netlab.cjs');
