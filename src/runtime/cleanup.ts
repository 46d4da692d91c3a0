/**
 * Nothing netlab starts outlives it: every child process and temporary directory is
 * registered here and removed on normal exit, on an error, on Ctrl-C and on SIGTERM.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const children = new Set<ChildProcess>();
const dirs = new Set<string>();
const interruptHandlers = new Set<(signal: NodeJS.Signals) => void>();
let installed = false;

export function trackChild(child: ChildProcess): void {
  install();
  children.add(child);
  child.once('exit', () => children.delete(child));
}

/** Kill every tracked child now (SIGKILL: a learner's busy loop ignores politer signals). */
export function killAll(signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        child.kill(signal);
      } catch {
        /* already gone */
      }
    }
  }
}

/**
 * A private temporary directory (mode 0700), removed when netlab exits. Its path is short,
 * because Unix socket paths inside it must stay under ~100 bytes.
 */
export function makeTempDir(prefix = 'netlab-'): string {
  install();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  dirs.delete(dir);
  rmSync(dir, { recursive: true, force: true });
}

/** Run `handler` instead of exiting at once on SIGINT/SIGTERM (e.g. to print a summary). */
export function onInterrupt(handler: (signal: NodeJS.Signals) => void): () => void {
  install();
  interruptHandlers.add(handler);
  return () => interruptHandlers.delete(handler);
}

export function cleanupNow(): void {
  killAll();
  for (const dir of [...dirs]) removeTempDir(dir);
}

/** What a signal does when no handler asked otherwise: clean up, and exit as killed by it (128 + its number). */
export function exitOnSignal(signal: NodeJS.Signals): never {
  cleanupNow();
  process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
}

function install(): void {
  if (installed) return;
  installed = true;
  process.once('exit', cleanupNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (interruptHandlers.size === 0) exitOnSignal(signal);
      for (const handler of [...interruptHandlers]) handler(signal);
    });
  }
}
