// Proves that the member core replicates payments in both topologies (star and
// chain, 2, 3 and 5 members): payments submitted at every member commit and
// every member learns of them; each certificate carries exactly one valid
// signature per member, in member order; balances always sum to the deposits
// and equal the deposits plus the committed payments; batching puts many
// payments into one version and respects the batch bound. It holds with real
// secp256k1 keys, and — as a property over seeded schedules — when the router
// reorders and duplicates messages (the router's seed is printed on failure).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fastSecp256k1 } from '@wedge/crypto/node';
import type { ChannelTopology } from '@wedge/ledger';
import { Cluster, DEPOSIT, type ClusterOptions } from './harness.ts';
import type { Payment } from '../src/index.ts';

const TOPOLOGIES: ChannelTopology[] = ['star', 'chain'];
const SIZES = [2, 3, 5];

/** Each member's balance after `payments`, starting from the deposits. */
function expectedBalances(cluster: Cluster, payments: readonly Payment[]): bigint[] {
  const balances = cluster.ctxs[0]!.config.deposits.map((deposit) => deposit);
  for (const payment of payments) {
    balances[payment.from] = balances[payment.from]! - payment.amount;
    balances[payment.to] = balances[payment.to]! + payment.amount;
  }
  return balances;
}

/** Every member ends at the highest certificate, idle and not wedged. */
function expectSettledAndIdle(cluster: Cluster): void {
  const best = cluster.highestCertified();
  expect(best).not.toBeNull();
  for (const state of cluster.states) {
    expect(state.latest.state.version).toBe(best!.state.version);
    expect(state.wedged).toBeNull();
    expect(state.pending.size).toBe(0);
    expect(state.inFlight).toBeNull();
  }
}

describe.each(TOPOLOGIES)('%s topology', (topology) => {
  describe.each(SIZES)('with %i members', (n) => {
    it('commits payments from every member, with one valid signature per member on every certificate', () => {
      const cluster = new Cluster({ n, topology });
      cluster.startAll();
      const payments: Payment[] = [];
      for (let round = 0; round < 3; round++) {
        for (let from = 0; from < n; from++) {
          payments.push(cluster.pay(from, (from + 1 + round) % n === from ? (from + 1) % n : (from + 1 + round) % n, BigInt(10 + from + round)));
          cluster.run();
        }
      }
      const committed = cluster.committedIds();
      for (const payment of payments) expect(committed.has(payment.paymentId)).toBe(true);
      // The payer's own member reports its payment as certified.
      for (const payment of payments) {
        const atPayer = cluster.effectsOf(payment.from, 'certified').flatMap((effect) => effect.paymentIds);
        expect(atPayer).toContain(payment.paymentId);
      }
      // Every member saw every certificate, in version order, each checked by the harness.
      for (let member = 0; member < n; member++) {
        const versions = cluster.effectsOf(member, 'certified').map((effect) => effect.certificate.state.version);
        expect(versions).toEqual(versions.map((_, index) => index + 1));
        for (const effect of cluster.effectsOf(member, 'certified')) cluster.checkCertificate(effect.certificate);
      }
      expect(cluster.highestCertified()!.state.balances).toEqual(expectedBalances(cluster, payments));
      expectSettledAndIdle(cluster);
      for (const certificate of cluster.certificates.values()) {
        expect(certificate.signatures).toHaveLength(n);
        expect(certificate.state.balances.reduce((sum, balance) => sum + balance, 0n)).toBe(DEPOSIT * BigInt(n));
      }
    });

    it('batches many payments into one version', () => {
      const cluster = new Cluster({ n, topology, maxBatchPayments: 64 });
      cluster.startAll();
      // The first payment goes into flight at once; the next ones queue behind it.
      const payments = [cluster.pay(0, 1, 1n)];
      for (let index = 0; index < 40; index++) payments.push(cluster.pay(index % n, (index + 1) % n, 2n));
      cluster.run();
      const committed = cluster.committedIds();
      for (const payment of payments) expect(committed.has(payment.paymentId)).toBe(true);
      const sizes = cluster.effectsOf(0, 'certified').map((effect) => effect.paymentIds.length);
      expect(sizes.length).toBeLessThanOrEqual(3);
      expect(Math.max(...sizes)).toBeGreaterThanOrEqual(20);
      expect(cluster.highestCertified()!.state.balances).toEqual(expectedBalances(cluster, payments));
      expectSettledAndIdle(cluster);
    });
  });

  it('never puts more than maxBatchPayments payments into one version', () => {
    const cluster = new Cluster({ n: 3, topology, maxBatchPayments: 8 });
    cluster.startAll();
    const payments = Array.from({ length: 50 }, (_, index) => cluster.pay(0, 1 + (index % 2), 1n));
    cluster.run();
    const sizes = cluster.effectsOf(0, 'certified').map((effect) => effect.paymentIds.length);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(payments.length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(8);
    expect(sizes.length).toBeGreaterThanOrEqual(Math.ceil(50 / 8));
  });

  it('commits with real secp256k1 signatures', () => {
    const cluster = new Cluster({ n: 3, topology, scheme: fastSecp256k1 });
    cluster.startAll();
    const payments = [cluster.pay(0, 1, 5n), cluster.pay(1, 2, 7n), cluster.pay(2, 0, 9n)];
    cluster.run();
    const committed = cluster.committedIds();
    for (const payment of payments) expect(committed.has(payment.paymentId)).toBe(true);
    expect(cluster.highestCertified()!.state.balances).toEqual(expectedBalances(cluster, payments));
    expectSettledAndIdle(cluster);
  });
});

describe('replication under reordered and duplicated messages (property)', () => {
  it('commits every payment the payer can cover, and every member converges', () => {
    const schedule = fc.record({
      seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      topology: fc.constantFrom<ChannelTopology>('star', 'chain'),
      n: fc.constantFrom(2, 3, 5),
      payments: fc.array(fc.record({ from: fc.nat(4), to: fc.nat(4), amount: fc.bigInt({ min: 1n, max: 60n }), deliveriesBefore: fc.nat(6) }), {
        minLength: 1,
        maxLength: 30,
      }),
      duplicateProbability: fc.constantFrom(0, 0.1, 0.3),
    });
    fc.assert(
      fc.property(schedule, ({ seed, topology, n, payments, duplicateProbability }) => {
        const options: ClusterOptions = { n, topology, seed, maxBatchPayments: 5, faults: { reorder: true, duplicateProbability } };
        const cluster = new Cluster(options);
        cluster.startAll();
        const submitted: Payment[] = [];
        for (const plan of payments) {
          const from = plan.from % n;
          const to = (from + 1 + (plan.to % (n - 1))) % n;
          submitted.push(cluster.pay(from, to, plan.amount));
          for (let index = 0; index < plan.deliveriesBefore; index++) cluster.deliverNext();
        }
        cluster.run();
        const committed = cluster.committedIds();
        // What the payer's user hears: rejections at the member it paid through. (The sequencer
        // also rejects duplicated forwards of a payment, which is no news to anyone.)
        const rejected = new Set(
          submitted.filter((payment) => cluster.effectsOf(payment.from, 'payment-rejected').some((effect) => effect.paymentId === payment.paymentId)).map((payment) => payment.paymentId),
        );
        for (const payment of submitted) {
          if (!committed.has(payment.paymentId) && !rejected.has(payment.paymentId)) cluster.fail(`payment ${payment.paymentId.slice(0, 8)} neither committed nor rejected`);
          if (committed.has(payment.paymentId) && rejected.has(payment.paymentId)) cluster.fail(`payment ${payment.paymentId.slice(0, 8)} both committed and rejected`);
        }
        // Amounts are small next to the deposits: nothing should be refused for lack of funds here.
        if (submitted.every((payment) => payment.amount * BigInt(payments.length) < DEPOSIT)) {
          if (committed.size !== submitted.length) cluster.fail(`${submitted.length - committed.size} payments did not commit`);
        }
        const best = cluster.highestCertified();
        const done = submitted.filter((payment) => committed.has(payment.paymentId));
        if (best !== null) expect(best.state.balances, `seed ${seed}`).toEqual(expectedBalances(cluster, done));
        for (const state of cluster.states) {
          if (state.wedged !== null) cluster.fail(`a member wedged (${state.wedged}) on a reliable network`);
          if (state.latest.state.version !== (best?.state.version ?? 0)) cluster.fail('a member did not reach the highest certificate');
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe.each<ChannelTopology>(['star', 'chain'])('a proposal that overtakes the certificate it extends (%s)', (topology) => {
  it('is kept and signed once the certificate arrives, so the channel does not stall', () => {
    const cluster = new Cluster({ n: 3, topology });
    cluster.startAll();
    const first = cluster.pay(0, 1, 5n);
    // Deliver everything except certificates to member 1, which are held back.
    const held: typeof cluster.queue = [];
    const pump = () => {
      for (let guard = 0; guard < 1_000 && cluster.queue.length > 0; guard++) {
        const envelope = cluster.queue[0]!;
        if (envelope.to === 1 && envelope.message.type === 'certificate') held.push(cluster.queue.shift()!);
        else cluster.deliverNext();
      }
    };
    pump();
    expect(cluster.states[0]!.latest.state.version).toBe(1);
    expect(cluster.states[1]!.latest.state.version).toBe(0);
    const second = cluster.pay(0, 2, 6n);
    pump();
    // Member 1 saw the proposal of v2 first; now the certificate of v1 arrives.
    cluster.queue.push(...held);
    cluster.run();
    const committed = cluster.committedIds();
    expect(committed.has(first.paymentId) && committed.has(second.paymentId)).toBe(true);
    expect(cluster.states.map((state) => state.latest.state.version)).toEqual([2, 2, 2]);
  });
});
