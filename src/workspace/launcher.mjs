#!/usr/bin/env node
// Runs netlab for this folder's npm scripts (`npm run grade`, `npm run netlab -- <command>`).
// It uses, in order: netlab installed in this folder (a devDependency: `npm install` puts it
// in node_modules), the netlab that created this folder on this machine (noted in
// .netlab/netlab.json, which git ignores), then a `netlab` command on your PATH.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

function installed() {
  try {
    const manifest = createRequire(join(here, 'package.json')).resolve('netlab/package.json');
    const { bin } = JSON.parse(readFileSync(manifest, 'utf8'));
    return join(dirname(manifest), typeof bin === 'string' ? bin : bin.netlab);
  } catch {
    return undefined;
  }
}

function creator() {
  try {
    const { cli } = JSON.parse(readFileSync(join(here, '.netlab', 'netlab.json'), 'utf8'));
    return typeof cli === 'string' && existsSync(cli) ? cli : undefined;
  } catch {
    return undefined;
  }
}

const args = process.argv.slice(2);
const cli = installed() ?? creator();
const run = cli
  ? spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit' })
  : spawnSync('netlab', args, { stdio: 'inherit', shell: process.platform === 'win32' });
if (run.error) {
  process.stderr.write(
    'netlab: netlab is not installed for this folder. Install it here with\n' +
      '  npm install --save-dev <the netlab .tgz your teacher gave you, or its git URL>\n' +
      'or make it a command (in a netlab clone: npm link). See README.md.\n',
  );
  process.exit(2);
}
process.exit(run.status ?? 1);
