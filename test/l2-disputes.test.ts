// Proves disputes end with the latest balances, over real processes (four L1
// replicas, member processes, a watchtower): a member that terminates its
// channel on L1 with a stale certificate — fetched from a member's
// GET /v1/channel/states/:v and submitted by this test with that member's L1
// key while its process is down — is overridden by the honest member's
// channel.challenge with the latest certificate, and settlement pays the
// latest balances into both members' L1 accounts; and the same when the
// honest member process is killed with kill -9 first: its watchtower, which
// the members pushed every certificate to (and which refuses stale, forged
// and malformed pushes with a 4xx), challenges with its own unfunded L1
// account and settles.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type WedgeClient } from '@wedge/client';
import { randomBytes } from 'node:crypto';
import type { Certificate } from '@wedge/channel';
import { toHex } from '@wedge/common';
import type { KeyPair } from '@wedge/crypto';
import { fastSecp256k1 } from '@wedge/crypto/node';
import { channelStateHash, signChannelState, type ChannelRecord, type ChannelState } from '@wedge/ledger';
import type { L2Error } from '../apps/l2-node/src/l2-client.ts';
import { L1Network } from './support/l1-network.ts';
import { L2Channel, WatchtowerProcess, accountKeys, eventually } from './support/l2-network.ts';

const DEPOSIT = 100_000n;
/** About 2 s of idle blocks: room for the honest side to notice the freeze and answer. */
const CHALLENGE_BLOCKS = 20;

let network: L1Network;
let client: WedgeClient;
/** One replica's view, so that balances before and after come from the same execution. */
let replica: WedgeClient;
let keys: KeyPair[];
const channels: L2Channel[] = [];
let watchtower: WatchtowerProcess | null = null;

beforeAll(async () => {
  network = await L1Network.create({ replicas: 4, accounts: 4, params: { idleBlockMs: 100 } });
  await network.startAll();
  client = createClient({ genesis: network.genesis });
  replica = createClient({ genesis: network.genesis, urls: [network.urls[0]!], resultConfirmations: 1 });
  keys = accountKeys(network);
}, 60_000);

afterAll(async () => {
  await Promise.all([...channels.map((channel) => channel.killAll()), watchtower?.kill()]);
  await network?.destroy();
});

async function openChannel(memberKeys: KeyPair[], watchtowerUrl?: string): Promise<L2Channel> {
  const channel = await L2Channel.open(network, client, {
    keys: memberKeys,
    deposits: [DEPOSIT, DEPOSIT],
    topology: 'star',
    challengeBlocks: CHALLENGE_BLOCKS,
    watchtowerUrl,
  });
  channels.push(channel);
  await channel.startAll();
  return channel;
}

/** Five payments back and forth; returns the balances of the latest certificate (version 5). */
async function fivePayments(channel: L2Channel): Promise<bigint[]> {
  const balances = [...channel.deposits];
  for (const [from, to, amount] of [
    [0, 1, 700n],
    [1, 0, 200n],
    [0, 1, 1_000n],
    [0, 1, 50n],
    [1, 0, 5n],
  ] as const) {
    const answer = await channel.client(from).pay(channel.payment(from, to, amount));
    balances[from]! -= amount;
    balances[to]! += amount;
    expect(answer.version).toBeGreaterThan(0);
  }
  const view = await channel.client(1).channel();
  expect(view.latest.state.version).toBe(5);
  expect(view.latest.state.balances.map(BigInt)).toEqual(balances);
  return balances;
}

/** Member 0 goes rogue: it terminates with an old certificate, signed by its own L1 key, from this test. */
async function terminateWithStaleState(channel: L2Channel, stale: Certificate): Promise<void> {
  const rogue = channel.keys[0]!;
  const nonce = (await client.getAccount(rogue.address)).nonce;
  const final = await client.sendTx(
    { type: 'channel.terminate', from: rogue.address, nonce, channelId: channel.id, state: stale.state, stateSignatures: [...stale.signatures] },
    [rogue],
    { timeoutMs: 30_000 },
  );
  expect(final.code).toBe('OK');
}

async function settled(channel: L2Channel): Promise<ChannelRecord> {
  return eventually(
    'the channel settled on L1',
    async () => {
      const record = await replica.getChannel(channel.id);
      return record.status === 'closed' ? record : undefined;
    },
    60_000,
  );
}

async function balancesOnL1(memberKeys: readonly KeyPair[]): Promise<bigint[]> {
  return Promise.all(memberKeys.map(async (key) => (await replica.getAccount(key.address)).balance));
}

/** Bad certificates and requests pushed to the watchtower get a 4xx and leave its best certificate as it was. */
async function refusesBadPushes(channel: L2Channel, stale: Certificate): Promise<void> {
  const tower = watchtower!;
  const codeOf = (promise: Promise<unknown>) =>
    promise.then(
      () => 'ACCEPTED',
      (error: unknown) => `${(error as L2Error).httpStatus} ${(error as L2Error).code}`,
    );
  const latest = await channel.client(0).state(5);
  const next: ChannelState = { ...latest.state, version: 6, prevHash: channelStateHash(latest.state) };
  const byMember0 = signChannelState(fastSecp256k1, next, channel.keys[0]!.secretKey);
  const otherChannel = { ...latest.state, channelId: toHex(randomBytes(32)) };
  const signedByAll = (state: ChannelState) => channel.keys.map((key) => signChannelState(fastSecp256k1, state, key.secretKey));
  expect(await codeOf(tower.client.push(channel.id, stale))).toBe('409 STALE_STATE');
  expect(await codeOf(tower.client.push(channel.id, latest))).toBe('409 STALE_STATE');
  expect(await codeOf(tower.client.push(channel.id, { state: next, signatures: [byMember0, byMember0] }))).toBe('400 BAD_SIGNATURE');
  expect(await codeOf(tower.client.push(channel.id, { state: otherChannel, signatures: signedByAll(otherChannel) }))).toBe('400 BAD_SIGNATURE');
  expect(await codeOf(tower.client.push(otherChannel.channelId, latest))).toBe('404 UNKNOWN_CHANNEL');
  expect(await codeOf(tower.client.watch(otherChannel.channelId))).toBe('404 UNKNOWN_CHANNEL');
  for (const [body, expected] of [
    ['{"channelId":', '400 MALFORMED_JSON'],
    [JSON.stringify({ channelId: channel.id, certificate: { state: 'no', signatures: [] } }), '400 INVALID_BODY'],
    [JSON.stringify({ channelId: channel.id }), '400 INVALID_BODY'],
  ] as const) {
    const response = await fetch(`${tower.url}/v1/states`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const answer = (await response.json()) as { error: { code: string } };
    expect(`${response.status} ${answer.error.code}`).toBe(expected);
  }
  expect((await tower.client.channel(channel.id)).best?.state.version).toBe(5);
}

describe('disputes over real processes', () => {
  it("a stale termination is overridden by the honest member's challenge; settlement pays the latest balances", async () => {
    const channel = await openChannel(keys.slice(0, 2));
    const latest = await fivePayments(channel);
    const stale = await channel.client(1).state(1);
    await channel.members[0]!.stop();
    const before = await balancesOnL1(channel.keys);
    const started = performance.now();
    await terminateWithStaleState(channel, stale);
    const record = await settled(channel);
    console.info(`stale termination overridden and settled in ${((performance.now() - started) / 1_000).toFixed(1)} s`);
    expect(record.closedBy).toBe('dispute');
    expect(record.terminatedBy).toBe(channel.keys[0]!.address);
    expect(record.recorded.version).toBe(5);
    expect(record.settledBalances).toEqual(latest);
    const after = await balancesOnL1(channel.keys);
    expect(after.map((balance, index) => balance - before[index]!)).toEqual(latest);
    // It was the honest member that challenged.
    const challenges = channel.members[1]!.events('l1-tx').filter((event) => event.action === 'challenge' && event.code === 'OK');
    expect(challenges.map((event) => event.version)).toEqual([5]);
  });

  it('the same with the honest member killed (kill -9): its watchtower challenges and settles', async () => {
    watchtower = await WatchtowerProcess.create(network);
    await watchtower.start();
    const channel = await openChannel(keys.slice(2, 4), watchtower.url);
    const latest = await fivePayments(channel);
    // The members push every certificate; wait until the watchtower holds the latest.
    await eventually('the watchtower holds version 5', async () => {
      const watched = await watchtower!.client.channel(channel.id);
      return watched.best?.state.version === 5 ? true : undefined;
    });
    const stale = await channel.client(1).state(1);
    await refusesBadPushes(channel, stale);
    await channel.members[1]!.kill();
    await channel.members[0]!.stop();
    const before = await balancesOnL1(channel.keys);
    await terminateWithStaleState(channel, stale);
    const record = await settled(channel);
    expect(record.closedBy).toBe('dispute');
    expect(record.recorded.version).toBe(5);
    expect(record.settledBalances).toEqual(latest);
    const after = await balancesOnL1(channel.keys);
    expect(after.map((balance, index) => balance - before[index]!)).toEqual(latest);
    // The watchtower's own account did it, for free: it still holds nothing.
    const towerTxs = watchtower.events('l1-tx').filter((event) => event.code === 'OK').map((event) => event.action);
    expect(towerTxs).toContain('challenge');
    expect((await replica.getAccount(watchtower.account.address)).balance).toBe(0n);
    expect((await replica.getAccount(watchtower.account.address)).nonce).toBeGreaterThan(0);
  });
});
