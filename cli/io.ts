/**
 * Output conventions of every command: with `--json`, stdout carries only NDJSON and human
 * text goes to stderr; colour only on a TTY (or with FORCE_COLOR), never with NO_COLOR.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Chalk, type ChalkInstance } from 'chalk';
import { NetlabError } from '../src/errors.js';

import { colourLevel } from './colour-level.js';
import { t } from '../src/i18n/messages.js';

export function colourFor(stream: NodeJS.WriteStream): ChalkInstance {
  return new Chalk({ level: colourLevel(stream) });
}

/**
 * A NetlabError from any copy of its module: the installed `netlab` bundles the code of
 * `list` (scripts/build.mjs), so its errors are instances of the bundle's own class.
 */
function isNetlabError(err: unknown): err is NetlabError {
  return err instanceof NetlabError || (err instanceof Error && err.name === 'NetlabError' && typeof (err as NetlabError).exitCode === 'number');
}

/** Print a failure the way every command does: one clear line on stderr, then the exit code. */
export function exitWithError(err: unknown): never {
  const chalk = colourFor(process.stderr);
  if (isNetlabError(err)) {
    process.stderr.write(`${chalk.red('netlab:')} ${err.message}\n`);
    process.exit(err.exitCode);
  }
  // A system error (ENOTDIR, EACCES, ENOSPC… on the learner's paths) is about their machine,
  // not a netlab bug: its message names the call and the path, which is all they need.
  const sys = err as NodeJS.ErrnoException;
  if (sys instanceof Error && typeof sys.syscall === 'string' && typeof sys.code === 'string') {
    process.stderr.write(`${chalk.red('netlab:')} ${sys.message}\n`);
    process.exit(1);
  }
  const e = err as Error;
  process.stderr.write(`${chalk.red(t('cli.internalError'))} ${e?.stack ?? String(err)}\n`);
  process.exit(1);
}

/** This netlab: the command its package.json installs (`bin`), and its version. */
export function thisNetlab(): { cli: string; version: string } {
  const manifest = new URL('../../package.json', import.meta.url);
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string; bin: string | Record<string, string> };
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin.netlab!;
  return { cli: fileURLToPath(new URL(bin, manifest)), version: pkg.version };
}
