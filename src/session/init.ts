/**
 * Creating the learner's workspace from the interactive lab: it runs `netlab init <dir>`
 * itself, as a separate process with no terminal, so the interactive lab does exactly what
 * the command does (and never overwrites a learner's file, since `init` never does).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { trackChild } from '../runtime/cleanup.js';
import type { InitWorkspace } from './session.js';

/** The built `netlab` entry point. */
export const CLI_MAIN = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

export function cliInit(main: string = CLI_MAIN): InitWorkspace {
  return (dir) =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [main, 'init', dir], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      });
      trackChild(child);
      let out = '';
      for (const stream of [child.stdout!, child.stderr!]) {
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => {
          out = (out + chunk).slice(-4000);
        });
      }
      child.on('error', (err) => resolve({ ok: false, message: `could not run netlab init: ${err.message}` }));
      child.on('close', (code) => {
        const text = out.trim().replace(/^netlab: /, '');
        resolve(code === 0 ? { ok: true, message: text || `created ${dir}` } : { ok: false, message: text || `netlab init exited with code ${code}` });
      });
    });
}
