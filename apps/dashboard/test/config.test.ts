// Proves the dashboard's config file is checked before anything starts: a
// valid file loads with its genesis and member keys (paths relative to the
// file, key files relative to keysDir); each kind of mistake — bad JSON, a
// wrong field, a duplicate url, a key file per member missing, a key file
// others can read, a key file without a key — is refused with a message that
// names it; and the dashboard process exits with code 2 and that message.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GenesisFile } from '@wedge/api';
import { toHex } from '@wedge/common';
import { fastSecp256k1, randomKeyPair } from '@wedge/crypto/node';
import { loadConfig } from '../src/config.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const run = promisify(execFile);

let dir: string;
const member = randomKeyPair(fastSecp256k1);
const CHANNEL_ID = 'cd'.repeat(32);

function genesis(): GenesisFile {
  const replicas = Array.from({ length: 4 }, (_, id) => ({ id, publicKey: toHex(randomKeyPair(fastSecp256k1).publicKey), url: `http://127.0.0.1:${7100 + id}` }));
  return GenesisFile.parse({
    chainId: 'wedge-test',
    replicas,
    accounts: [{ address: member.address, balance: '1000' }],
    params: {
      checkpointBlocks: 32,
      watermarkBlocks: 128,
      maxBlockTxs: 1000,
      pipelineBlocks: 4,
      maxPendingTxs: 50000,
      progressTimeoutMs: 2000,
      viewChangeTimeoutMs: 2000,
      idleBlockMs: 300,
      fetchRetryMs: 1000,
      maxFetchBlocks: 64,
    },
  });
}

function validConfig() {
  return {
    genesisPath: 'genesis.json',
    replicas: ['http://127.0.0.1:7100', 'http://127.0.0.1:7101'],
    channels: [{ id: CHANNEL_ID, memberUrls: ['http://127.0.0.1:7201', 'http://127.0.0.1:7202'], watchtowerUrl: null, memberKeyFiles: ['m0.key', null] }],
    keysDir: 'keys',
  };
}

function writeConfig(config: unknown, name = 'dashboard.json'): string {
  const path = join(dir, name);
  writeFileSync(path, typeof config === 'string' ? config : JSON.stringify(config));
  return path;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wedge-dashboard-config-'));
  writeFileSync(join(dir, 'genesis.json'), JSON.stringify(genesis()));
  mkdirSync(join(dir, 'keys'));
  const keyJson = JSON.stringify({ id: 0, secretKey: toHex(member.secretKey) });
  writeFileSync(join(dir, 'keys', 'm0.key'), keyJson, { mode: 0o600 });
  writeFileSync(join(dir, 'keys', 'bare.key'), `${toHex(member.secretKey)}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'keys', 'open.key'), keyJson, { mode: 0o644 });
  writeFileSync(join(dir, 'keys', 'empty.key'), '{"id":0}', { mode: 0o600 });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function withChannel(change: Record<string, unknown>) {
  const config = validConfig();
  return { ...config, channels: [{ ...config.channels[0]!, ...change }] };
}

describe('the dashboard config file', () => {
  it('loads a valid file with its genesis and member keys; a key file may also be bare hex', () => {
    const config = loadConfig(writeConfig(validConfig()));
    expect(config.genesis.chainId).toBe('wedge-test');
    expect(config.replicas).toHaveLength(2);
    expect(config.channels[0]!.memberKeys[0]!.address).toBe(member.address);
    expect(config.channels[0]!.memberKeys[1]).toBeNull();
    const bare = loadConfig(writeConfig(withChannel({ memberKeyFiles: ['bare.key', null] }), 'bare.json'));
    expect(bare.channels[0]!.memberKeys[0]!.address).toBe(member.address);
  });

  it.each([
    ['not JSON', '{"genesisPath":', /is not valid JSON/],
    ['a missing field', { ...validConfig(), keysDir: undefined }, /keysDir/],
    ['an unknown field', { ...validConfig(), extra: 1 }, /extra|unrecognized/i],
    ['a replica url that is not http', { ...validConfig(), replicas: ['ftp://127.0.0.1:1'] }, /replicas\[0\]/],
    ['the same replica twice', { ...validConfig(), replicas: ['http://127.0.0.1:7100', 'http://127.0.0.1:7100'] }, /distinct/],
    ['a channel id that is not 64 hex', withChannel({ id: 'xyz' }), /channels\[0\]\.id/],
    ['one member url', withChannel({ memberUrls: ['http://127.0.0.1:7201'], memberKeyFiles: [] }), /memberUrls/],
    ['key files for some members only', withChannel({ memberKeyFiles: ['m0.key'] }), /one entry \(a path or null\) per member/],
    ['a missing genesis file', { ...validConfig(), genesisPath: 'nowhere.json' }, /cannot read genesis file/],
    ['a key file others can read', withChannel({ memberKeyFiles: ['open.key', null] }), /readable by others.*chmod 600/],
    ['a key file without a key', withChannel({ memberKeyFiles: ['empty.key', null] }), /memberKeyFiles\[0\].*secretKey/],
    ['a missing key file', withChannel({ memberKeyFiles: ['none.key', null] }), /cannot read key file/],
  ])('refuses %s with a message that names it', (_what, config, message) => {
    expect(() => loadConfig(writeConfig(config, 'bad.json'))).toThrow(message);
  });

  it('the dashboard process exits with code 2 and the reason on a bad config, or without --config', async () => {
    const main = join(ROOT, 'apps/dashboard/src/main.ts');
    const bad = writeConfig(withChannel({ id: 'xyz' }), 'bad-process.json');
    for (const args of [['--config', bad], [], ['--config', bad, '--port', 'eighty']]) {
      const failure = await run(process.execPath, ['--import', 'tsx', main, ...args], { cwd: ROOT }).then(
        () => null,
        (error: { code: number; stderr: string }) => error,
      );
      expect(failure?.code).toBe(2);
      expect(failure?.stderr).toMatch(/^dashboard: .+\nusage: dashboard --config FILE/);
    }
  });
});
