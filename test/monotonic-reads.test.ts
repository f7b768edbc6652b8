// Proves @wedge/client's reads are monotonic over real processes with
// replicas at different heights: four replica processes commit; replica 3 is
// restarted listening on another port than its genesis URL (--listen), so it
// serves clients but hears nothing from its peers and stays at the height it
// recovered; the other three keep committing. A client over all four —
// replica 3 at its reachable address — reads accounts, a channel and the
// status over and over, in a row and interleaved with new transfers: no read
// returns a lower height than a read before it (or than a transfer it saw
// final), although replica 3 itself answers from far behind when asked
// directly, and every fourth call of the client starts there.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountResponse, StatusResponse } from '@wedge/api';
import { createClient, type WedgeClient } from '@wedge/client';
import { toHex } from '@wedge/common';
import type { KeyPair } from '@wedge/crypto';
import { L1Network } from './support/l1-network.ts';
import { accountKeys } from './support/l2-network.ts';
import { freePorts } from './support/ports.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHANNEL_ID = 'ab'.repeat(32);

let network: L1Network;
let keys: KeyPair[];
let cutOff: ChildProcess | null = null;
let cutOffUrl: string;
/** A client of the three replicas that commit, for transfers. */
let writer: WedgeClient;

/** Starts replica 3 on `port` instead of its genesis port: clients reach it, its peers do not. */
async function startCutOff(port: number): Promise<ChildProcess> {
  const spec = network.layout.replicas[3]!;
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'apps/l1-node/src/main.ts'), '--genesis', network.layout.genesisPath, '--key', spec.keyPath, '--data', spec.dataDir, '--listen', `127.0.0.1:${port}`], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`replica 3 did not start: ${log.join('')}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      log.push(chunk.toString());
      if (chunk.toString().includes('"listening"')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => log.push(chunk.toString()));
    child.once('exit', (code) => reject(new Error(`replica 3 exited (${code}): ${log.join('')}`)));
  });
  return child;
}

async function transfers(count: number): Promise<void> {
  for (let index = 0; index < count; index++) {
    const final = await writer.transfer(keys[0]!, keys[1]!.address, 1n, { timeoutMs: 30_000 });
    expect(final.code).toBe('OK');
  }
}

async function heightOf(url: string): Promise<number> {
  return StatusResponse.parse(await (await fetch(`${url}/v1/status`)).json()).height;
}

beforeAll(async () => {
  network = await L1Network.create({ replicas: 4, accounts: 2 });
  await network.startAll();
  keys = accountKeys(network);
  writer = createClient({ genesis: network.genesis, urls: network.urls.slice(0, 3) });
  const members = keys.map((key) => ({ publicKey: toHex(key.publicKey), deposit: 100n }));
  const opened = await writer.sendTx({ type: 'channel.open', from: keys[0]!.address, nonce: 0, channelId: CHANNEL_ID, members, challengeBlocks: 5, topology: 'star' }, keys, { timeoutMs: 30_000 });
  expect(opened.code).toBe('OK');
  await network.converged();
  await network.stop(3);
  const [port] = await freePorts(1);
  cutOffUrl = `http://127.0.0.1:${port}`;
  cutOff = await startCutOff(port!);
  await transfers(5);
}, 120_000);

afterAll(async () => {
  if (cutOff !== null && cutOff.exitCode === null) {
    const exited = new Promise((resolve) => cutOff!.once('exit', resolve));
    cutOff.kill('SIGKILL');
    await exited;
  }
  await network?.destroy();
});

describe('monotonic reads over real replicas at different heights', () => {
  it('no read returns a lower height than a previous one, though one replica answers from behind', async () => {
    const behind = await heightOf(cutOffUrl);
    const ahead = await heightOf(network.urls[0]!);
    expect(behind).toBeLessThan(ahead);
    // Asked directly, replica 3 answers an account as of its old height.
    const direct = AccountResponse.parse(await (await fetch(`${cutOffUrl}/v1/accounts/${keys[0]!.address}`)).json());
    expect(direct.height).toBe(behind);

    const reader = createClient({ genesis: network.genesis, urls: [cutOffUrl, ...network.urls.slice(0, 3)], resultConfirmations: 2 });
    const heights: number[] = [];
    const check = (height: number) => {
      expect(height, `read ${heights.length} after ${heights.at(-1)}`).toBeGreaterThanOrEqual(heights.at(-1) ?? 0);
      heights.push(height);
    };
    for (let round = 0; round < 12; round++) {
      check((await reader.getAccount(keys[round % 2]!.address)).height);
      check((await reader.getStatus()).height);
      await reader.getChannel(CHANNEL_ID);
      check(reader.highestHeight);
      if (round % 4 === 3) {
        // The chain moves on while this client reads: a write through this client raises its floor.
        const final = await reader.transfer(keys[0]!, keys[1]!.address, 1n, { timeoutMs: 30_000 });
        check(final.height);
      }
    }
    // A fresh client may take replica 3's word first (it has seen nothing newer);
    // after that, every fourth call starts at replica 3, which is still behind.
    expect(heights.filter((height) => height > behind).length).toBeGreaterThan(heights.length - 2);
    expect(await heightOf(cutOffUrl)).toBe(behind);
    expect(heights.at(-1)).toBeGreaterThan(ahead);
  });
});
