// Proves that a lying watchtower (test/support/lying-watchtower-main.ts: it
// shows an old certificate, a forged one, a state it claims but cannot show,
// one of another channel, or nothing; it answers every push after the first
// "STALE_STATE", claiming to hold newer states; and it never challenges)
// costs a channel nothing, over real processes (four L1 replicas, a
// two-member star whose members push to it):
// - nobody consulting it takes a certificate without every member's valid
//   signature: the verified read of the L2 client (watchtower-check.ts)
//   refuses each lie with its code (STALE_STATE, BAD_SIGNATURE,
//   WRONG_CHANNEL, UNKNOWN_STATE), and takes the newest certificate from an
//   honest watchtower that was pushed it;
// - the members do not believe its claims: each push it answers STALE_STATE
//   is checked against what it shows, and logged as a lie with the code;
// - when a member terminates on L1 with a stale certificate, the honest
//   member's own dispute path wins while the lying watchtower stays silent:
//   L1 records and settles the newest certificate.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type WedgeClient } from '@wedge/client';
import type { KeyPair } from '@wedge/crypto';
import { fastSecp256k1 } from '@wedge/crypto/node';
import { channelActionBody } from '@wedge/channel';
import { L2Error } from '../apps/l2-node/src/l2-client.ts';
import { createWatchtowerClient } from '../apps/l2-node/src/l2-client.ts';
import { L1Network } from './support/l1-network.ts';
import { L2Channel, L2Process, WatchtowerProcess, accountKeys, eventually } from './support/l2-network.ts';
import { freePorts } from './support/ports.ts';

const LYING_MAIN = new URL('./support/lying-watchtower-main.ts', import.meta.url).pathname;
const DEPOSIT = 100_000n;
const CHALLENGE_BLOCKS = 20;

let network: L1Network;
let client: WedgeClient;
let keys: KeyPair[];
let liar: L2Process;
let honestTower: WatchtowerProcess;
let channel: L2Channel;

beforeAll(async () => {
  network = await L1Network.create({ replicas: 4, accounts: 2, params: { idleBlockMs: 100 } });
  await network.startAll();
  client = createClient({ genesis: network.genesis });
  keys = accountKeys(network);
  const [port] = await freePorts(1);
  liar = new L2Process('lying watchtower', `http://127.0.0.1:${port}`, ['--port', String(port)]);
  honestTower = await WatchtowerProcess.create(network);
  await Promise.all([liar.start({}, { main: LYING_MAIN, args: [] }), honestTower.start()]);
}, 60_000);

afterAll(async () => {
  await Promise.all([channel?.killAll(), liar?.kill(), honestTower?.kill()]);
  await network?.destroy();
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'TAKEN',
    (error: unknown) => (error instanceof L2Error ? error.code : String(error)),
  );
}

describe('a lying watchtower', () => {
  it('is never believed, and a stale termination is still overridden', async () => {
    channel = await L2Channel.open(network, client, { keys, deposits: [DEPOSIT, DEPOSIT], topology: 'star', challengeBlocks: CHALLENGE_BLOCKS, watchtowerUrl: liar.url });
    await channel.startAll();
    for (let index = 0; index < 5; index++) await channel.client(index % 2).pay(channel.payment(index % 2, (index + 1) % 2, 100n + BigInt(index)));
    const latest = await eventually('both members hold version 5', async () => {
      const views = await Promise.all([0, 1].map((index) => channel.client(index).channel()));
      return views.every((view) => view.latest.state.version === 5) ? views[1]!.latest : undefined;
    });
    const record = await client.getChannel(channel.id);
    const expected = { chainId: network.genesis.chainId, channelId: channel.id, members: record.members };

    // The members checked its claims to hold newer states, and logged them as lies.
    await eventually('a member logged the watchtower lying', async () => (channel.members.some((member) => member.events('watchtower-lied').length > 0) ? true : undefined));
    const lies = channel.members.flatMap((member) => member.events('watchtower-lied'));
    expect(lies.every((line) => line.code === 'STALE_STATE'), JSON.stringify(lies)).toBe(true);

    // Consulting it: every lie refused with its code.
    const tower = createWatchtowerClient(liar.url);
    const lieCodes: Record<string, string> = {};
    for (const lie of ['old', 'forged', 'claimed', 'other-channel', 'none']) {
      await fetch(`${liar.url}/lying/mode`, { method: 'POST', body: JSON.stringify({ lie }) });
      lieCodes[lie] = await codeOf(tower.certificate(expected, fastSecp256k1, 5));
    }
    expect(lieCodes).toEqual({ old: 'STALE_STATE', forged: 'BAD_SIGNATURE', claimed: 'BAD_SIGNATURE', 'other-channel': 'WRONG_CHANNEL', none: 'UNKNOWN_STATE' });
    // An honest watchtower pushed the newest certificate shows it, and the same check takes it.
    await honestTower.client.watch(channel.id);
    await honestTower.client.push(channel.id, await channel.client(1).state(5));
    expect((await honestTower.client.certificate(expected, fastSecp256k1, 5)).state.version).toBe(5);

    // Member 0 terminates with version 1 (its process stopped, its key in this test); the liar stays silent,
    // member 1's own dispute path challenges with version 5. The honest watchtower is stopped first, so it is member 1's.
    await honestTower.stop();
    await channel.members[0]!.stop();
    const stale = await channel.client(1).state(1);
    const rogue = channel.keys[0]!;
    const nonce = (await client.getAccount(rogue.address)).nonce;
    const terminated = await client.sendTx({ ...channelActionBody(channel.id, 'terminate', stale), from: rogue.address, nonce }, [rogue], { timeoutMs: 30_000 });
    expect(terminated.code).toBe('OK');
    const closed = await eventually('the channel settled on L1', async () => {
      const now = await client.getChannel(channel.id);
      return now.status === 'closed' ? now : undefined;
    }, 60_000);
    expect(closed.recorded.version).toBe(5);
    expect(closed.settledBalances?.map(String)).toEqual(latest.state.balances);
    const challenges = channel.members[1]!.events('l1-tx').filter((event) => event.action === 'challenge' && event.code === 'OK');
    expect(challenges.map((event) => event.version)).toEqual([5]);
    const report = (await (await fetch(`${liar.url}/lying/report`)).json()) as { pushes: number };
    expect(report.pushes).toBeGreaterThan(1);
    console.log(`lying watchtower: ${report.pushes} pushes swallowed, ${lies.length} lies logged by the members, refused ${JSON.stringify(lieCodes)}`);
  });
});
