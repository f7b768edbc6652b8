// Proves that one Byzantine channel member process — the sequencer of a
// three-member star, holding its real key and speaking the real member peer
// protocol (test/support/byzantine-member-main.ts) — costs the two honest
// member processes neither safety nor their money, over a real L1 of four
// replicas:
// - hostile (the channel keeps working): beside every honest proposal it sends
//   bogus ones for the same version — money created, a follower's money moved
//   without its payment, an overspend, a replayed payment, a reused seq, a
//   forged payer signature, a wrong previous state, a skipped version, a
//   "final" state that takes a follower's balance — and false certificates,
//   replays of old messages, malformed, unauthenticated, stale, oversized and
//   overfull envelopes, and floods of forged and replayed payments on the
//   client API. The honest members sign none of the bogus states (not one
//   vote for them), refuse each for its reason, answer every request with a
//   2xx or 4xx, and keep certifying payments; their payments per second under
//   attack are printed beside those without (a measurement, not asserted).
//   Then it terminates on L1 with an old certificate: the honest members
//   challenge with the newest and the settlement pays it.
// - equivocation: it sends one follower a proposal and the other a
//   conflicting one for the same version (both signed): no follower signs two
//   states for one version, no certificate completes, both wedge and the
//   channel settles the newest certificate.
// - withholding: it keeps the certificate of a state both followers signed and
//   falls silent: they wedge on their progress timeout and terminate with the
//   newest certificate they hold; it challenges with the withheld one (which
//   they signed); they sign nothing after wedging; the settlement pays each
//   honest member at least its balance in the newest certificate it holds.
// In every case: each honest member never signed two states with one version,
// every certificate it holds conserves the channel's funds and carries every
// member's valid signature, and every payment it acknowledged is in its
// latest certificate's balances.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type WedgeClient } from '@wedge/client';
import type { Certificate } from '@wedge/channel';
import type { KeyPair } from '@wedge/crypto';
import { fastSecp256k1 } from '@wedge/crypto/node';
import { channelStateHash, isChannelStateCertified, type ChannelRecord } from '@wedge/ledger';
import { certificateFromWire } from '../apps/l2-node/src/wire.ts';
import { ChannelLoad, balancesAfterPayments } from './support/channel-load.ts';
import { L1Network } from './support/l1-network.ts';
import { L2Channel, accountKeys, eventually } from './support/l2-network.ts';
import { parsePrometheusText } from './support/prometheus-text.ts';

const BYZANTINE_MAIN = new URL('./support/byzantine-member-main.ts', import.meta.url).pathname;
const DEPOSIT = 10_000_000n;
/** About 2-3 s of idle blocks: room for the honest members to notice a freeze and challenge. */
const CHALLENGE_BLOCKS = 20;
const WINDOW_MS = 4_000;
const HONEST = [1, 2] as const;

let network: L1Network;
let client: WedgeClient;
let keys: KeyPair[];
const channels: L2Channel[] = [];

beforeAll(async () => {
  network = await L1Network.create({ replicas: 4, accounts: 9, params: { idleBlockMs: 100 } });
  await network.startAll();
  client = createClient({ genesis: network.genesis });
  keys = accountKeys(network);
}, 60_000);

afterAll(async () => {
  await Promise.all(channels.map((channel) => channel.killAll()));
  await network?.destroy();
});

type Report = {
  version: number;
  history: number[];
  sent: Record<string, number>;
  bogus: Record<string, number>;
  votes: { votes: number; badVotes: number; votesOnBogus: number; doubleVotes: number; conflictingCertificates: number };
  highestVoted: Record<string, number>;
  envelopes: Record<string, number>;
  answers: Record<string, Record<string, number>>;
  l1: { action: string; version: number; code: string }[];
  withheld: number | null;
};

/** A star of three whose sequencer (member 0) is the Byzantine harness; the two honest members run apps/l2-node. */
async function openChannel(memberKeys: KeyPair[], seed: number, progressTimeoutMs: number): Promise<L2Channel> {
  const channel = await L2Channel.open(network, client, {
    keys: memberKeys,
    deposits: memberKeys.map(() => DEPOSIT),
    topology: 'star',
    challengeBlocks: CHALLENGE_BLOCKS,
    memberArgs: ['--progress-timeout-ms', String(progressTimeoutMs)],
  });
  channels.push(channel);
  await Promise.all([channel.members[0]!.start({}, { main: BYZANTINE_MAIN, args: ['--seed', String(seed)] }), ...HONEST.map((index) => channel.members[index]!.start())]);
  return channel;
}

async function byzantine<T = Report>(channel: L2Channel, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${channel.members[0]!.url}/byzantine/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

/** Until both honest members hold one version with nothing pending; that version. */
async function quiet(channel: L2Channel): Promise<number> {
  return eventually('the honest members agree, nothing pending', async () => {
    const views = await Promise.all(HONEST.map((index) => channel.client(index).channel()));
    const agree = views.every((view) => view.pendingPayments === 0 && view.latest.state.version === views[0]!.latest.state.version);
    return agree ? views[0]!.latest.state.version : undefined;
  });
}

/**
 * Every certificate an honest member holds, versions 1..its latest: the same
 * state at each version on both honest members (so neither signed two states
 * for one version), every member's valid signature, and the channel's total.
 */
async function checkCertificates(channel: L2Channel, record: Pick<ChannelRecord, 'members'>): Promise<void> {
  const total = channel.deposits.reduce((sum, deposit) => sum + deposit, 0n);
  const latest = await Promise.all(HONEST.map(async (index) => (await channel.client(index).channel()).latest.state.version));
  for (let version = 1; version <= Math.max(...latest); version++) {
    const held = await Promise.all(
      HONEST.filter((_, position) => latest[position]! >= version).map((index) => channel.client(index).state(version)),
    );
    for (const certificate of held) {
      expect(isChannelStateCertified(fastSecp256k1, certificate.state, record.members, certificate.signatures), `v${version} fully signed`).toBe(true);
      expect(certificate.state.balances.reduce((sum, balance) => sum + balance, 0n), `v${version} conserves`).toBe(total);
    }
    expect(new Set(held.map((certificate) => channelStateHash(certificate.state))).size, `one state at v${version}`).toBe(1);
  }
}

/** Every payment the honest members acknowledged (and the extra ones given) is in their latest balances; nothing else is. */
async function checkAcknowledged(channel: L2Channel, load: ChannelLoad, extra: { from: number; to: number; amount: bigint }[] = []): Promise<void> {
  const expected = balancesAfterPayments(channel.deposits, [...load.acknowledged.map((ack) => ack.payment), ...extra]);
  for (const index of HONEST) {
    const view = await channel.client(index).channel();
    for (const ack of load.acknowledged) expect(ack.version).toBeLessThanOrEqual(view.latest.state.version);
    expect(view.latest.state.balances.map(BigInt), `member ${index}'s latest balances`).toEqual(expected);
  }
}

async function settled(channel: L2Channel): Promise<ChannelRecord> {
  return eventually('the channel settled on L1', async () => {
    const record = await client.getChannel(channel.id);
    return record.status === 'closed' ? record : undefined;
  }, 60_000);
}

/** DESIGN §5 settlement: each honest member gets at least its balance in the newest certificate it holds (or L1 settled a newer one it signed). */
function checkSettlement(record: ChannelRecord, held: readonly Certificate[]): void {
  HONEST.forEach((index, position) => {
    const newest = held[position]!;
    if (record.recorded.version >= newest.state.version) return;
    expect(record.settledBalances![index]!, `member ${index} paid`).toBeGreaterThanOrEqual(newest.state.balances[index]!);
  });
}

async function newestHeld(channel: L2Channel): Promise<Certificate[]> {
  return Promise.all(HONEST.map(async (index) => certificateFromWire((await channel.client(index).channel()).latest)));
}

/** The honest members' core drops, as `input/reason` -> count, from their /metrics. */
async function drops(channel: L2Channel): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const index of HONEST) {
    const text = await (await fetch(`${channel.members[index]!.url}/metrics`)).text();
    for (const sample of parsePrometheusText(text).get('wedge_l2_dropped_inputs_total')?.samples ?? []) {
      const key = `${sample.labels.input}/${sample.labels.reason}`;
      counts.set(key, (counts.get(key) ?? 0) + sample.value);
    }
  }
  return counts;
}

/** Payments acknowledged per second over at least `ms`, and until `done` (bounded: 30 s more). */
async function paymentsPerSecond(load: ChannelLoad, ms: number, done: () => Promise<boolean> = async () => true): Promise<number> {
  const before = load.acknowledged.length;
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  for (let extra = 0; extra < 60 && !(await done()); extra++) await new Promise((resolve) => setTimeout(resolve, 500));
  return ((load.acknowledged.length - before) * 1_000) / (performance.now() - started);
}

const BOGUS_KINDS = ['mint', 'shift', 'overspend', 'replayed-payment', 'seq-reuse', 'forged-payer', 'wrong-prev', 'skip-version', 'final-steal'];

describe('a Byzantine channel member process (the sequencer) against two honest members', () => {
  it('hostile: bogus proposals, false certificates, replays, bad envelopes and floods; then a stale termination', async () => {
    const channel = await openChannel(keys.slice(0, 3), 3, 3_000);
    const record = await client.getChannel(channel.id);
    const own = await byzantine<{ from: number; to: number; amount: string }>(channel, 'action', { action: 'pay' });
    const load = new ChannelLoad(channel, [
      [1, 2],
      [2, 1],
    ]);
    load.start();
    const honestRate = await paymentsPerSecond(load, WINDOW_MS);
    await byzantine(channel, 'mode', { mode: 'hostile' });
    // At least the window, and until every kind of bogus proposal went out (each needs a proposal to go with).
    const attackedRate = await paymentsPerSecond(load, WINDOW_MS, async () => {
      const { bogus } = await byzantine(channel, 'report');
      return [...BOGUS_KINDS, 'refused-payment'].every((kind) => (bogus[kind] ?? 0) > 0);
    });
    const report = await byzantine(channel, 'mode', { mode: 'honest' });
    await load.stop();
    const latest = await quiet(channel);

    // It attacked with every kind it has.
    for (const kind of BOGUS_KINDS) {
      expect(report.bogus[kind] ?? 0, `bogus ${kind} sent`).toBeGreaterThan(0);
    }
    for (const [kind, count] of Object.entries(report.envelopes)) expect(count, `${kind} sent`).toBeGreaterThan(0);
    expect(report.sent.falseCertificates).toBeGreaterThan(0);
    expect(report.sent.falseRejections).toBeGreaterThan(0);
    expect(report.bogus['refused-payment'] ?? 0, 'payments it said failed, proposed to their member').toBeGreaterThan(0);
    // The honest members signed none of it, and nothing twice.
    expect(report.votes.votesOnBogus, 'votes for bogus states').toBe(0);
    expect(report.votes.doubleVotes, 'a member signing two states for one version').toBe(0);
    expect(report.votes.badVotes).toBe(0);
    expect(report.votes.votes).toBeGreaterThan(0);
    // Each bogus proposal refused for its reason; every request answered 2xx or 4xx.
    const dropped = await drops(channel);
    for (const reason of ['PAYMENT_REFUSED_HERE', 'WRONG_BALANCES', 'INSUFFICIENT_FUNDS', 'BAD_PAYMENT', 'WRONG_PREV_HASH', 'WRONG_VERSION', 'FINAL_NOT_ALLOWED']) {
      expect(dropped.get(`propose/${reason}`) ?? 0, `propose/${reason} in ${JSON.stringify([...dropped])}`).toBeGreaterThan(0);
    }
    expect((dropped.get('propose/DUPLICATE_PAYMENT') ?? 0) + (dropped.get('propose/PAYMENT_SEQ_TOO_OLD') ?? 0), 'replays and reused seqs').toBeGreaterThan(0);
    expect([...dropped.keys()].some((key) => key.startsWith('certificate/'))).toBe(true);
    for (const [attack, statuses] of Object.entries(report.answers)) {
      for (const status of Object.keys(statuses)) expect(/^[24]\d\d$/.test(status), `${attack} answered ${status}: ${JSON.stringify(report.answers)}`).toBe(true);
    }
    for (const index of HONEST) {
      const view = await channel.client(index).channel();
      expect(view.wedged, `member ${index} did not wedge`).toBeNull();
      expect(channel.members[index]!.process, `member ${index} alive`).not.toBeNull();
    }
    await checkCertificates(channel, record);
    await checkAcknowledged(channel, load, [{ from: own.from, to: own.to, amount: BigInt(own.amount) }]);
    console.log(
      `Byzantine sequencer: honest pair ${honestRate.toFixed(0)} payments/s without attack, ${attackedRate.toFixed(0)} under attack ` +
        `(${((100 * attackedRate) / honestRate).toFixed(0)}%); ${load.acknowledged.length} acknowledged, ${load.refused.length} refused, version ${latest}; ` +
        `bogus ${JSON.stringify(report.bogus)}, envelopes ${JSON.stringify(report.envelopes)}, drops ${JSON.stringify(Object.fromEntries(dropped))}`,
    );

    // A stale termination: the honest members challenge with the newest certificate, and it is what settles.
    const held = await newestHeld(channel);
    const before = await Promise.all(channel.keys.map(async (key) => (await client.getAccount(key.address)).balance));
    const stale = await byzantine<{ terminated: { version: number; code: string }; challenged: { version: number; code: string } | null }>(channel, 'action', { action: 'terminate-stale' });
    expect(stale.terminated.code).toBe('OK');
    expect(stale.terminated.version).toBeLessThan(latest);
    expect(stale.challenged?.code).toBe('STALE_STATE');
    const closed = await settled(channel);
    expect(closed.recorded.version).toBe(latest);
    expect(closed.settledBalances).toEqual(held[0]!.state.balances);
    checkSettlement(closed, held);
    const after = await Promise.all(channel.keys.map(async (key) => (await client.getAccount(key.address)).balance));
    for (const index of HONEST) expect(after[index]! - before[index]!, `member ${index} paid on L1`).toBe(held[0]!.state.balances[index]);
  });

  /** Until both honest members wedged; their views. */
  async function bothWedged(channel: L2Channel) {
    return eventually('both honest members wedged', async () => {
      const views = await Promise.all(HONEST.map((index) => channel.client(index).channel()));
      return views.every((view) => view.wedged !== null) ? views : undefined;
    });
  }

  async function equivocation(): Promise<void> {
    const channel = await openChannel(keys.slice(3, 6), 5, 1_500);
    const record = await client.getChannel(channel.id);
    const load = new ChannelLoad(channel, [[1, 2], [2, 1]], 5);
    for (let round = 0; round < 3; round++) await Promise.all([load.send(1, 2), load.send(2, 1)]);
    await quiet(channel);
    await byzantine(channel, 'mode', { mode: 'equivocate' });
    await Promise.all([load.send(1, 2), load.send(2, 1)]);
    const views = await bothWedged(channel);
    expect(views.map((view) => view.wedged)).toContain('equivocation');
    const report = await byzantine(channel, 'report');
    expect(report.sent.conflicting, 'conflicting proposals sent').toBeGreaterThan(0);
    expect(report.votes.doubleVotes, 'a member signing two states for one version').toBe(0);
    expect(report.votes.conflictingCertificates, 'two certificates for one version').toBe(0);
    await checkCertificates(channel, record);
    await checkAcknowledged(channel, load);
    const held = await newestHeld(channel);
    const closed = await settled(channel);
    checkSettlement(closed, held);
    expect(closed.settledBalances).toEqual(held[0]!.state.balances);
  }

  async function withholding(): Promise<void> {
    const channel = await openChannel(keys.slice(6, 9), 7, 1_500);
    const record = await client.getChannel(channel.id);
    const load = new ChannelLoad(channel, [[1, 2], [2, 1]], 5);
    for (let round = 0; round < 3; round++) await Promise.all([load.send(1, 2), load.send(2, 1)]);
    const before = await quiet(channel);
    await byzantine(channel, 'mode', { mode: 'withhold' });
    await load.send(1, 2);
    const views = await bothWedged(channel);
    // The first to time out terminates; the other may see L1 frozen before its own timeout.
    expect(views.map((view) => view.wedged)).toContain('progress-timeout');
    for (const view of views) expect(['progress-timeout', 'l1-frozen']).toContain(view.wedged);
    const signedAtWedge = views.map((view) => view.signed.version);
    const report = await byzantine(channel, 'report');
    expect(report.withheld, 'it withheld the certificate of a state both signed').toBe(before + 1);
    // The honest members terminated with the newest certificate they hold; the Byzantine one challenges with the withheld one (they signed it).
    await eventually('L1 frozen with the honest members\' newest', async () => ((await client.getChannel(channel.id)).status === 'frozen' ? true : undefined));
    expect((await client.getChannel(channel.id)).recorded.version).toBe(before);
    const { challenged } = await byzantine<{ challenged: { code: string } }>(channel, 'action', { action: 'challenge-withheld' });
    expect(challenged.code).toBe('OK');
    // Wedged, they sign nothing more: a proposal valid in all else gets no vote.
    await byzantine(channel, 'action', { action: 'propose-after-wedge' });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const after = await byzantine(channel, 'report');
    for (const index of HONEST) expect(after.highestVoted[String(index)], `member ${index} voted after wedging`).toBe(signedAtWedge[index - 1]);
    for (const index of HONEST) expect((await channel.client(index).channel()).signed.version).toBe(signedAtWedge[index - 1]);
    expect(after.votes.doubleVotes).toBe(0);
    await checkCertificates(channel, record);
    // Every payment they acknowledged is in the certificates they hold: all at or below the last one they got
    // before the withholding, whose balances are exactly those payments (the withheld state's payments were never
    // acknowledged — their clients heard WEDGED — though the members signed them, so L1 may settle them).
    const held = await newestHeld(channel);
    for (const ack of load.acknowledged) expect(ack.version).toBeLessThanOrEqual(before);
    for (const index of HONEST) {
      expect((await channel.client(index).state(before)).state.balances).toEqual(balancesAfterPayments(channel.deposits, load.acknowledged.map((ack) => ack.payment)));
    }
    const closed = await settled(channel);
    expect(closed.recorded.version).toBe(before + 1);
    checkSettlement(closed, held);
  }

  it('equivocation and withholding: the honest members wedge, sign nothing twice, and settle', async () => {
    await Promise.all([equivocation(), withholding()]);
  });
});
