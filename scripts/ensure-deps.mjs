// Installs the workspace's dependencies when they are missing or stale, so that
// `npm test` and `npm run demo` work on a fresh clone with only Node and npm.
// Staleness is judged by a hash of the lock file and every package.json.
import { createHash } from 'node:crypto';
import { execSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const stampPath = join(root, 'node_modules', '.wedge-deps-stamp');
const PNPM = 'pnpm@12.4.2';

function manifestFiles() {
  const files = ['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml'];
  for (const dir of ['packages', 'apps']) {
    const base = join(root, dir);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base).sort()) {
      const manifest = join(dir, name, 'package.json');
      if (existsSync(join(root, manifest))) files.push(manifest);
    }
  }
  return files;
}

function currentStamp() {
  const hash = createHash('sha256');
  for (const file of manifestFiles()) {
    hash.update(file);
    if (existsSync(join(root, file))) hash.update(readFileSync(join(root, file)));
  }
  return hash.digest('hex');
}

const stamp = currentStamp();
const installed = existsSync(stampPath) ? readFileSync(stampPath, 'utf8') : '';
if (installed !== stamp) {
  const frozen = existsSync(join(root, 'pnpm-lock.yaml')) && process.env.WEDGE_UNFROZEN !== '1';
  const command = `npx --yes ${PNPM} install ${frozen ? '--frozen-lockfile' : ''}`;
  process.stderr.write(`wedge: installing dependencies (${command})\n`);
  // The installer's output goes to stderr: stdout belongs to the command that
  // asked for the install (e.g. `npm run sim -- --json`).
  execSync(command, {
    cwd: root,
    stdio: ['ignore', process.stderr, process.stderr],
    env: { ...process.env, npm_config_nodedir: process.env.npm_config_nodedir ?? '/usr', npm_config_loglevel: 'warn' },
  });
  writeFileSync(stampPath, currentStamp());
}
