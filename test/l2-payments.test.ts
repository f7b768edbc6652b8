// Proves L2 channels work as real member processes over a real L1 (four
// replica processes): a 3-member chain channel and a 2-member star channel,
// opened on L1 by channel.open signed by every member, commit 1,000 payments
// sent concurrently to every member — each answered with the version of the
// certificate that commits it — and every member ends with the same, fully
// signed state whose balances are exactly the deposits moved by the payments;
// bad input to POST /v1/payments (unsigned, wrongly signed, overdraft, to a
// non-member, replayed id, malformed JSON, huge or negative amounts) and to
// the peer endpoint (unauthenticated envelopes, states with the wrong channel
// id or a version gap) gets its code and changes nothing; and a cooperative
// close settles exactly the final balances into the members' L1 accounts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type WedgeClient } from '@wedge/client';
import { channelStateHash, isChannelStateCertified, type ChannelState } from '@wedge/ledger';
import { fastSecp256k1 } from '@wedge/crypto/node';
import { L2Error } from '../apps/l2-node/src/l2-client.ts';
import { L1Network } from './support/l1-network.ts';
import { L2Channel, accountKeys, boundedMap, eventually } from './support/l2-network.ts';

const PAYMENTS_PER_CHANNEL = 500;
const CONCURRENCY_PER_CHANNEL = 32;
const DEPOSIT = 1_000_000n;

let network: L1Network;
let client: WedgeClient;
let chain: L2Channel;
let star: L2Channel;

beforeAll(async () => {
  network = await L1Network.create({ replicas: 4, accounts: 6, params: { idleBlockMs: 100 } });
  await network.startAll();
  client = createClient({ genesis: network.genesis });
  const keys = accountKeys(network);
  chain = await L2Channel.open(network, client, { keys: keys.slice(0, 3), deposits: [DEPOSIT, DEPOSIT, DEPOSIT], topology: 'chain', challengeBlocks: 5 });
  star = await L2Channel.open(network, client, { keys: keys.slice(3, 5), deposits: [DEPOSIT, DEPOSIT], topology: 'star', challengeBlocks: 5 });
  await Promise.all([chain.startAll(), star.startAll()]);
}, 90_000);

afterAll(async () => {
  await Promise.all([chain?.killAll(), star?.killAll()]);
  await network?.destroy();
});

/** Sends `count` random payments to random members, `concurrency` at a time; returns the balances they move to. */
async function pay(channel: L2Channel, count: number, concurrency: number): Promise<{ balances: bigint[]; versions: number[] }> {
  const n = channel.keys.length;
  const balances = [...channel.deposits];
  const plans = Array.from({ length: count }, (_, index) => {
    const from = index % n;
    const to = (from + 1 + (index % (n - 1))) % n;
    const amount = BigInt(1 + ((index * 7919) % 1_000));
    balances[from]! -= amount;
    balances[to]! += amount;
    return { from, to, amount, at: (index * 31) % n };
  });
  const versions = await boundedMap(plans, concurrency, async (plan) => {
    try {
      return (await channel.client(plan.at).pay(channel.payment(plan.from, plan.to, plan.amount))).version;
    } catch (error) {
      throw new Error(`payment at ${channel.topology} member ${plan.at} failed: ${(error as Error).message}\n${channel.logs()}`);
    }
  });
  return { balances, versions };
}

async function latestEverywhere(channel: L2Channel, version: number) {
  return eventually(`every ${channel.topology} member at version ${version}`, async () => {
    const views = await Promise.all(channel.members.map((_, index) => channel.client(index).channel()));
    return views.every((view) => view.latest.state.version === version) ? views : undefined;
  });
}

function balancesOf(state: { balances: string[] }): bigint[] {
  return state.balances.map(BigInt);
}

describe('L2 channels as real processes', () => {
  it('a 3-member chain and a 2-member star commit 1,000 concurrent payments; all members agree', async () => {
    const started = performance.now();
    const [chainResult, starResult] = await Promise.all([
      pay(chain, PAYMENTS_PER_CHANNEL, CONCURRENCY_PER_CHANNEL),
      pay(star, PAYMENTS_PER_CHANNEL, CONCURRENCY_PER_CHANNEL),
    ]);
    const seconds = (performance.now() - started) / 1_000;
    console.info(`1,000 payments committed in ${seconds.toFixed(1)} s (${(1_000 / seconds).toFixed(0)}/s); chain: ${Math.max(...chainResult.versions)} versions, star: ${Math.max(...starResult.versions)} versions`);
    for (const [channel, result] of [
      [chain, chainResult],
      [star, starResult],
    ] as const) {
      const version = Math.max(...result.versions);
      expect(version).toBeGreaterThan(0);
      const views = await latestEverywhere(channel, version);
      for (const view of views) {
        expect(balancesOf(view.latest.state)).toEqual(result.balances);
        expect(view.wedged).toBeNull();
        expect(view.latest.signatures).toEqual(views[0]!.latest.signatures);
      }
      // The certificate is fully signed by exactly the channel members, as L1 will check.
      const latest = await channel.client(0).state(version);
      const members = channel.keys.map((key) => ({ publicKey: Buffer.from(key.publicKey).toString('hex'), address: key.address }));
      expect(isChannelStateCertified(fastSecp256k1, latest.state, members, latest.signatures)).toBe(true);
      // Versions are gap-free and each extends the one before it.
      let previous: ChannelState | null = null;
      for (let v = 1; v <= version; v++) {
        const certificate = await channel.client(v % channel.keys.length).state(v);
        if (previous !== null) expect(certificate.state.prevHash).toBe(channelStateHash(previous));
        previous = certificate.state;
      }
    }
  });

  it('bad payments get their code and change nothing', async () => {
    const before = await star.client(1).channel();
    const expectCode = async (promise: Promise<unknown>, code: string, status: number) => {
      const error = await promise.then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(L2Error);
      expect({ code: (error as L2Error).code, status: (error as L2Error).httpStatus }).toEqual({ code, status });
    };
    const member = star.client(1);
    const good = star.payment(1, 0, 5n);
    // Unsigned, and signed by the payee instead of the payer.
    await expectCode(member.pay({ ...good, signature: '' }), 'BAD_SIGNATURE', 400);
    const forged = star.payment(0, 1, 5n);
    await expectCode(member.pay({ ...forged, from: 1, to: 0 }), 'BAD_SIGNATURE', 400);
    // More than the payer holds; to and from a non-member.
    const balance = BigInt(before.latest.state.balances[1]!);
    await expectCode(member.pay(star.payment(1, 0, balance + 1n)), 'INSUFFICIENT_FUNDS', 422);
    await expectCode(member.pay({ ...good, to: 2 }), 'NOT_A_MEMBER', 422);
    await expectCode(member.pay({ ...good, from: -1 }), 'NOT_A_MEMBER', 422);
    // Zero, negative and huge amounts.
    for (const amount of ['0', '-5', '1000000000000000000000000000001', '9'.repeat(90)]) {
      const raw = await member.postRaw('/v1/payments', JSON.stringify({ ...paymentJson(good), amount }));
      expect({ amount, status: raw.status, code: errorCode(raw.json) }).toEqual({ amount, status: 400, code: 'INVALID_AMOUNT' });
    }
    // Malformed JSON, wrong types, amount as a JSON number, an oversized body.
    for (const [body, code, status] of [
      ['{"from":1,', 'MALFORMED_JSON', 400],
      ['[]', 'INVALID_BODY', 400],
      [JSON.stringify({ ...paymentJson(good), amount: 5 }), 'INVALID_BODY', 400],
      [JSON.stringify({ ...paymentJson(good), extra: true }), 'INVALID_BODY', 400],
      [JSON.stringify({ ...paymentJson(good), paymentId: 'x'.repeat(100_000) }), 'BODY_TOO_LARGE', 413],
    ] as const) {
      const raw = await member.postRaw('/v1/payments', body);
      expect({ body: body.slice(0, 40), status: raw.status, code: errorCode(raw.json) }).toEqual({ body: body.slice(0, 40), status, code });
    }
    // A seq that is not one, and one without a seq at all.
    for (const seq of [0, -2]) {
      const raw = await member.postRaw('/v1/payments', JSON.stringify({ ...paymentJson(good), seq }));
      expect({ seq, status: raw.status, code: errorCode(raw.json) }).toEqual({ seq, status: 400, code: 'INVALID_PAYMENT_SEQ' });
    }
    const { seq: _seq, ...withoutSeq } = paymentJson(good);
    expect(errorCode((await member.postRaw('/v1/payments', JSON.stringify(withoutSeq))).json)).toBe('INVALID_BODY');
    // A valid payment commits once; replaying it — at the same member or another — is refused, and so is another payment at its seq.
    const committed = await member.pay(good);
    await expectCode(member.pay(good), 'DUPLICATE_PAYMENT', 409);
    await expectCode(star.client(0).pay(good), 'DUPLICATE_PAYMENT', 409);
    await expectCode(member.pay(star.payment(1, 0, 2n, undefined, good.seq)), 'DUPLICATE_PAYMENT', 409);
    const after = await latestEverywhere(star, committed.version);
    // Only the one good payment moved money.
    const expected = balancesOf(before.latest.state);
    expected[1]! -= 5n;
    expected[0]! += 5n;
    for (const view of after) expect(balancesOf(view.latest.state)).toEqual(expected);
    expect(committed.version).toBe(before.latest.state.version + 1);
  });

  it('a cooperative close settles exactly the final balances on L1', async () => {
    for (const channel of [chain, star]) {
      const final = (await channel.client(0).channel()).latest.state;
      // Balances before and after, as one replica executed them.
      const replica = createClient({ genesis: network.genesis, urls: [network.urls[0]!], resultConfirmations: 1 });
      const accountsBefore = await Promise.all(channel.keys.map((key) => replica.getAccount(key.address)));
      // Asked at the last member: the request travels to the sequencer (head), which proposes the final state.
      await channel.client(channel.keys.length - 1).close();
      const record = await eventually(`${channel.topology} channel closed on L1`, async () => {
        const seen = await replica.getChannel(channel.id);
        return seen.status === 'closed' ? seen : undefined;
      });
      expect(record.closedBy).toBe('cooperative');
      expect(record.recorded.final).toBe(true);
      expect(record.settledBalances).toEqual(balancesOf(final));
      const accountsAfter = await Promise.all(channel.keys.map((key) => replica.getAccount(key.address)));
      accountsAfter.forEach((account, index) => expect(account.balance - accountsBefore[index]!.balance).toBe(BigInt(final.balances[index]!)));
      // The members see it closed and refuse new payments.
      await eventually(`${channel.topology} members see the channel closed`, async () => {
        const views = await Promise.all(channel.members.map((_, index) => channel.client(index).channel()));
        return views.every((view) => view.closed) ? true : undefined;
      });
      const refused = await channel.client(0).pay(channel.payment(0, 1, 1n)).then(() => null, (error: unknown) => error as L2Error);
      expect(refused?.code).toBe('CHANNEL_CLOSED');
    }
  });
});

function paymentJson(payment: { from: number; to: number; amount: bigint; seq: number; paymentId: string; signature: string }) {
  return { from: payment.from, to: payment.to, amount: payment.amount.toString(), seq: payment.seq, paymentId: payment.paymentId, signature: payment.signature };
}

function errorCode(json: unknown): string | undefined {
  return (json as { error?: { code?: string } } | null)?.error?.code;
}
