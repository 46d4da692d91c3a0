/**
 * `netlab reset <lab>`: put the lab's starter back. The learner's file is never deleted: it is
 * moved to `.netlab/backups/<lab>-<time>.<ext>` first, and the path is reported.
 */
import { copyFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Lab } from '../lab/types.js';
import { findSubmission } from './workspace.js';

export interface ResetResult {
  /** Where the starter was written. */
  file: string;
  /** Where the learner's previous file went, if there was one. */
  backup?: string;
}

export function resetLab(dir: string, lab: Lab, now = new Date()): ResetResult {
  const existing = findSubmission(dir, lab.id);
  let backup: string | undefined;
  if (existing) {
    const backups = join(dir, '.netlab', 'backups');
    mkdirSync(backups, { recursive: true });
    const stamp = now.toISOString().replace(/[:.]/g, '-');
    backup = join(backups, `${lab.id}-${stamp}${extname(existing)}`);
    try {
      renameSync(existing, backup);
    } catch {
      // Another file system, or a busy file: copy; the original stays until the starter replaces it.
      copyFileSync(existing, backup);
    }
  }
  const file = join(dir, `${lab.id}.ts`);
  writeFileSync(file, readFileSync(lab.starterPath, 'utf8'));
  return { file, ...(backup ? { backup } : {}) };
}
