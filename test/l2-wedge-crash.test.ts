// Proves the member's safety rules hold in the real processes: the peer
// endpoint takes only envelopes authenticated by a channel member, and states
// for another channel, with a version gap or without the members' signatures
// are dropped without changing anything; after a member wedges (POST
// /v1/wedge) no payment commits anywhere, L1 records its latest state, and
// the member killed with kill -9 and restarted is still wedged and signs
// nothing (payments refused WEDGED, versions unchanged); and a member killed
// right after persisting a fresh signature, before sending it
// (WEDGE_CRASH_AFTER_PERSIST=signature), restarts, sends that same signature,
// and never signs two different states for one version — in a star (a
// follower crashes) and in a chain (the middle member crashes).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandsHash, type MemberMessage } from '@wedge/channel';
import { createClient, type WedgeClient } from '@wedge/client';
import { toHex } from '@wedge/common';
import type { KeyPair } from '@wedge/crypto';
import { fastSecp256k1 } from '@wedge/crypto/node';
import { channelStateHash, signChannelState, type ChannelState } from '@wedge/ledger';
import { L2Error } from '../apps/l2-node/src/l2-client.ts';
import { deriveChannelPeerKeys, macOf } from '../apps/l2-node/src/peer-auth.ts';
import { certificateFromWire, memberMessageToWire } from '../apps/l2-node/src/wire.ts';
import { L1Network } from './support/l1-network.ts';
import { L2Channel, accountKeys, eventually } from './support/l2-network.ts';

const DEPOSIT = 100_000n;

let network: L1Network;
let client: WedgeClient;
let keys: KeyPair[];
const channels: L2Channel[] = [];

beforeAll(async () => {
  network = await L1Network.create({ replicas: 4, accounts: 7, params: { idleBlockMs: 100 } });
  await network.startAll();
  client = createClient({ genesis: network.genesis });
  keys = accountKeys(network);
}, 60_000);

afterAll(async () => {
  await Promise.all(channels.map((channel) => channel.killAll()));
  await network?.destroy();
});

async function openChannel(memberKeys: KeyPair[], topology: 'star' | 'chain', challengeBlocks: number, memberArgs: string[] = []): Promise<L2Channel> {
  const channel = await L2Channel.open(network, client, { keys: memberKeys, deposits: memberKeys.map(() => DEPOSIT), topology, challengeBlocks, memberArgs });
  channels.push(channel);
  return channel;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'COMMITTED',
    (error: unknown) => (error instanceof L2Error ? error.code : String(error)),
  );
}

describe('the safety rules in real member processes', () => {
  // A star whose member 1 is wedged in the second test; long challenge window, so it stays frozen meanwhile.
  let star: L2Channel;

  beforeAll(async () => {
    star = await openChannel(keys.slice(0, 2), 'star', 1_000);
    await star.startAll();
    const { version } = await star.client(0).pay(star.payment(0, 1, 10n));
    // The payer's member answers first; the other member holds the certificate a moment later.
    await eventually('member 1 holds the first certificate', async () => ((await star.client(1).channel()).latest.state.version === version ? true : undefined));
  });

  it('the peer endpoint refuses unauthenticated envelopes and drops bad states without changing anything', async () => {
    const target = star.members[1]!;
    const before = await star.client(1).channel();
    const latest = certificateFromWire(before.latest);
    // This test holds member 0's key, so it can speak for member 0 — as a faulty member 0 would.
    const leaderKey = star.keys[0]!;
    const peerKeys = deriveChannelPeerKeys(star.chainId, star.id, 0, leaderKey.secretKey, star.keys.map((key) => toHex(key.publicKey)));
    const post = async (envelope: Record<string, unknown>, mac?: string) => {
      const body = JSON.stringify(envelope);
      const response = await fetch(`${target.url}/v1/peer/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-wedge-mac': mac ?? macOf(peerKeys.macKeyFor(1)!, body) },
        body,
      });
      const text = await response.text();
      return { status: response.status, code: text === '' ? null : (JSON.parse(text) as { error: { code: string } }).error.code };
    };
    const envelope = (messages: unknown[]) => ({ channelId: star.id, from: 0, to: 1, sentAtMs: Date.now(), messages });

    // Not authenticated: a wrong MAC, another recipient, another channel, an old envelope; and garbage.
    expect(await post(envelope([]), 'ab'.repeat(32))).toEqual({ status: 401, code: 'UNAUTHORIZED_PEER' });
    expect(await post({ ...envelope([]), to: 0 })).toEqual({ status: 401, code: 'UNAUTHORIZED_PEER' });
    expect(await post({ ...envelope([]), channelId: toHex(randomBytes(32)) })).toEqual({ status: 401, code: 'UNAUTHORIZED_PEER' });
    expect(await post({ ...envelope([]), sentAtMs: Date.now() - 3_600_000 })).toEqual({ status: 401, code: 'UNAUTHORIZED_PEER' });
    expect(await post({ messages: 'no' })).toEqual({ status: 400, code: 'INVALID_BODY' });
    const malformed = await fetch(`${target.url}/v1/peer/messages`, { method: 'POST', body: '{"from":' });
    expect(malformed.status).toBe(400);

    // Authenticated, but each message is bad: the core must not sign or accept any of them.
    const payment = star.payment(0, 1, 7n);
    const next = (overrides: Partial<ChannelState>): ChannelState => ({
      chainId: star.chainId,
      channelId: star.id,
      version: latest.state.version + 1,
      balances: latest.state.balances.map((balance, index) => (index === 0 ? balance - 7n : balance + 7n)),
      deposited: [...latest.state.deposited],
      withdrawn: [...latest.state.withdrawn],
      commandsHash: commandsHash(star.chainId, [payment]),
      prevHash: channelStateHash(latest.state),
      final: false,
      ...overrides,
    });
    const signedBy = (state: ChannelState, signers: KeyPair[]) => signers.map((key) => signChannelState(fastSecp256k1, state, key.secretKey));
    const propose = (state: ChannelState): MemberMessage => ({
      type: 'propose',
      proposal: { state, payments: [payment] },
      signatures: [signedBy(state, [leaderKey])[0]!, null],
    });
    const otherChannel = next({ channelId: toHex(randomBytes(32)) });
    const gap = next({ version: latest.state.version + 2 });
    const bad = [
      { type: 'propose', proposal: { state: 'not a state' }, signatures: [] },
      { type: 'vote', version: -1 },
      memberMessageToWire(propose(otherChannel)),
      memberMessageToWire(propose(gap)),
      // A certificate for another channel, though signed by every member.
      memberMessageToWire({ type: 'certificate', certificate: { state: otherChannel, signatures: signedBy(otherChannel, [...star.keys]) } }),
      // A certificate with a version gap, signed only by member 0.
      memberMessageToWire({ type: 'certificate', certificate: { state: gap, signatures: [signedBy(gap, [leaderKey])[0]!, signedBy(gap, [leaderKey])[0]!] } }),
    ];
    expect(await post(envelope(bad))).toEqual({ status: 204, code: null });
    const after = await star.client(1).channel();
    expect(after.latest).toEqual(before.latest);
    expect(after.signed).toEqual(before.signed);
    expect(after.wedged).toBeNull();
    // The channel is unharmed: the next real payment commits at the next version.
    const committed = await star.client(1).pay(star.payment(1, 0, 3n));
    expect(committed.version).toBe(before.latest.state.version + 1);
  });

  it('after a member wedges no payment commits; restarted, it is still wedged and signs nothing', async () => {
    const before = await star.client(0).channel();
    const version = before.latest.state.version;
    const wedged = await fetch(`${star.members[1]!.url}/v1/wedge`, { method: 'POST' }).then((response) => response.json());
    expect(wedged).toEqual({ wedged: 'user', version });
    // Payments at both members, right away: the sequencer does not know yet, but cannot complete a state.
    const codes = await Promise.all([
      codeOf(star.client(0).pay(star.payment(0, 1, 1n))),
      codeOf(star.client(1).pay(star.payment(1, 0, 1n))),
    ]);
    expect(codes).toEqual(['WEDGED', 'WEDGED']);
    // The wedged member terminated on L1 with its latest certificate; the other saw it and wedged too.
    const record = await eventually('the channel frozen on L1', async () => {
      const seen = await client.getChannel(star.id);
      return seen.status === 'frozen' ? seen : undefined;
    });
    expect(record.terminatedBy).toBe(star.keys[1]!.address);
    expect(record.recorded.version).toBe(version);
    await eventually('member 0 wedged by the freeze', async () => ((await star.client(0).channel()).wedged === 'l1-frozen' ? true : undefined));

    await star.members[1]!.kill();
    await star.members[1]!.start();
    const restarted = await star.client(1).channel();
    expect(restarted.wedged).toBe('user');
    expect(restarted.latest.state.version).toBe(version);
    expect(restarted.signed.version).toBe(version);
    expect(await codeOf(star.client(1).pay(star.payment(1, 0, 1n)))).toBe('WEDGED');
    expect(await codeOf(star.client(0).pay(star.payment(0, 1, 1n)))).toBe('WEDGED');
    for (const member of [0, 1]) expect((await star.client(member).channel()).latest.state.version).toBe(version);
    // The sequencer may have signed its own proposal for the next version, which can never be completed.
    expect((await star.client(0).channel()).signed.version).toBeLessThanOrEqual(version + 1);
  });

  describe('a member killed between persisting its signature and sending it', () => {
    const crashChannels = new Map<'star' | 'chain', L2Channel>();

    // Both channels start at once (process start-up dominates); in each, member 1 dies right after persisting its first signature.
    beforeAll(async () => {
      await Promise.all(
        (['star', 'chain'] as const).map(async (topology) => {
          const memberKeys = topology === 'star' ? keys.slice(2, 4) : keys.slice(4, 7);
          // A progress timeout longer than a restart, or the others would rightly wedge while it is down.
          const channel = await openChannel(memberKeys, topology, 20, ['--progress-timeout-ms', '30000', '--payment-wait-ms', '50000']);
          await Promise.all(channel.members.map((member, index) => member.start(index === 1 ? { WEDGE_CRASH_AFTER_PERSIST: 'signature' } : {})));
          crashChannels.set(topology, channel);
        }),
      );
    }, 60_000);

    for (const topology of ['star', 'chain'] as const) {
      it(`${topology}: restarts, sends that same signature, and signs one state per version`, async () => {
        const channel = crashChannels.get(topology)!;
        const crashing = channel.members[1]!;
        const paying = channel.client(0).pay(channel.payment(0, 1, 42n), 60_000).catch((error: unknown) => ({ error: String(error) }));
        expect(await crashing.exited()).toBe('SIGKILL');
        const [crash] = crashing.events('crash-after-persist');
        expect(crash).toMatchObject({ signedVersion: 1 });
        // Nothing left the process: no member holds a certificate for version 1 yet.
        for (const index of channel.members.keys()) {
          if (channel.members[index] !== crashing) expect((await channel.client(index).channel()).latest.state.version).toBe(0);
        }
        await crashing.start();
        // The persisted signature is sent after the restart, and the payment commits with it.
        expect(await paying).toMatchObject({ version: 1 });
        for (const index of channel.members.keys()) {
          const certificate = await eventually(`member ${index} holds version 1`, async () => channel.client(index).state(1));
          expect(channelStateHash(certificate.state)).toBe(crash!.signedHash);
        }
        const view = await channel.client(1).channel();
        expect(view.signed).toEqual({ version: 1, stateHash: crash!.signedHash });
        // And the channel goes on.
        expect(await channel.client(1).pay(channel.payment(1, 0, 2n))).toMatchObject({ version: 2 });
      });
    }
  });
});
