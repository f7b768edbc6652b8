// Proves that every file holding a secret key that the tools write is mode
// 0600 (readable by its owner only), whatever the umask, and stays so when
// written over an older file that was readable by others: the genesis tool's
// replica-N.key and accounts.json, the CLI's `account new` key, and the key
// files the CLI writes for channel members and watchtowers (writeKeyFile),
// run as processes with umask 000 where they are processes.
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { writeKeyFile } from '../apps/l1-node/src/key-file.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dirs: string[] = [];

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wedge-modes-'));
  dirs.push(dir);
  return dir;
}

/** Runs a TypeScript entry point as its own process under umask 000, so only the mode a file is written with protects it. */
function run(script: string, args: readonly string[]): Promise<{ code: number; output: string }> {
  const command = `umask 000 && exec "${process.execPath}" --import tsx ${script} ${args.map((arg) => `'${arg}'`).join(' ')}`;
  return new Promise((resolve) => {
    execFile('/bin/sh', ['-c', command], { cwd: ROOT, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, output: `${stdout}${stderr}` });
    });
  });
}

function modeOf(path: string): string {
  return (statSync(path).mode & 0o777).toString(8);
}

/** Every secret file of a genesis directory with its mode. */
function secretModes(dir: string): Record<string, string> {
  const names = readdirSync(dir).filter((name) => name.endsWith('.key') || name === 'accounts.json');
  return Object.fromEntries(names.map((name) => [name, modeOf(join(dir, name))]));
}

const GENESIS_TOOL = 'apps/l1-node/src/genesis-tool.ts';
const EXPECTED = { 'accounts.json': '600', 'replica-0.key': '600', 'replica-1.key': '600', 'replica-2.key': '600', 'replica-3.key': '600' };

describe('key files are mode 0600', () => {
  it('the genesis tool writes replica keys and accounts.json 0600 under umask 000, also over files readable by others', async () => {
    const dir = tempDir();
    const first = await run(GENESIS_TOOL, ['--out', dir, '--replicas', '4', '--accounts', '3']);
    expect(first.code, first.output).toBe(0);
    expect(secretModes(dir)).toEqual(EXPECTED);
    // An operator copied the directory with the wrong modes, then generates again into it.
    for (const name of Object.keys(EXPECTED)) chmodSync(join(dir, name), 0o644);
    const second = await run(GENESIS_TOOL, ['--out', dir, '--replicas', '4', '--accounts', '3']);
    expect(second.code, second.output).toBe(0);
    expect(secretModes(dir)).toEqual(EXPECTED);
  });

  it('the CLI writes a new account key 0600 under umask 000', async () => {
    const dir = tempDir();
    expect((await run(GENESIS_TOOL, ['--out', dir, '--replicas', '4', '--accounts', '1'])).code).toBe(0);
    const created = await run('apps/cli/src/main.ts', ['account', 'new', '--dir', dir, '--name', 'alice', '--json']);
    expect(created.code, created.output).toBe(0);
    expect(modeOf(join(dir, 'keys', 'alice.json'))).toBe('600');
  });

  it('writeKeyFile (member and watchtower keys of the CLI and the tests) writes 0600, also over a file readable by others', () => {
    const dir = tempDir();
    const path = join(dir, 'member-0.key');
    writeFileSync(path, 'old\n', { mode: 0o644 });
    chmodSync(path, 0o644);
    writeKeyFile(path, 0, new Uint8Array(32).fill(7));
    expect(modeOf(path)).toBe('600');
    writeKeyFile(join(dir, 'fresh.key'), 1, new Uint8Array(32).fill(9));
    expect(modeOf(join(dir, 'fresh.key'))).toBe('600');
  });
});
