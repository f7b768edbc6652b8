// Proves that bad payments handed to a member through the `payment` event are
// rejected with the right code — unsigned or wrongly signed: BAD_SIGNATURE;
// a payer or payee outside the group: NOT_A_MEMBER; a zero, negative or huge
// amount: INVALID_AMOUNT; an overdraft: INSUFFICIENT_FUNDS (at the sequencer
// when it builds the proposal); a repeated id: DUPLICATE_PAYMENT; after a
// wedge or a close request: WEDGED; after L1 closed the channel:
// CHANNEL_CLOSED; a full pool: MEMPOOL_FULL — and that each rejection leaves
// the member's state exactly as it was (no progress timer either: a stale one
// would later wedge the channel early), with the rejection as the only effect.
// Checked at the sequencer and at another member, in both topologies.
import { describe, expect, it } from 'vitest';
import { toHex } from '@wedge/common';
import type { ChannelTopology } from '@wedge/ledger';
import { MAX_AMOUNT } from '@wedge/ledger';
import { Cluster, hexOf } from './harness.ts';
import { PAYER_SEQ_WINDOW, signPayment, type ChannelErrorCode, type Payment } from '../src/index.ts';

type Case = { name: string; code: ChannelErrorCode; build: (cluster: Cluster, at: number) => Payment };

/** A payment from `from` signed with `signer`'s key (the payer's, unless a test forges). */
function signedBy(cluster: Cluster, signer: number, fields: Omit<Payment, 'signature'>): Payment {
  return signPayment(cluster.scheme, cluster.ctxs[0]!.config, fields, cluster.keys[signer]!.secretKey);
}

const other = (at: number) => (at + 1) % 3;

const CASES: Case[] = [
  { name: 'an unsigned payment', code: 'BAD_SIGNATURE', build: (c, at) => ({ ...c.payment(at, other(at), 5n), signature: '' }) },
  { name: 'a zero signature', code: 'BAD_SIGNATURE', build: (c, at) => ({ ...c.payment(at, other(at), 5n), signature: toHex(new Uint8Array(64)) }) },
  {
    name: 'a payment signed by its payee',
    code: 'BAD_SIGNATURE',
    build: (c, at) => signedBy(c, other(at), { from: at, to: other(at), amount: 5n, seq: 100, paymentId: hexOf('by-payee') }),
  },
  { name: 'an amount changed after signing', code: 'BAD_SIGNATURE', build: (c, at) => ({ ...c.payment(at, other(at), 5n), amount: 6n }) },
  { name: 'a seq changed after signing', code: 'BAD_SIGNATURE', build: (c, at) => ({ ...c.payment(at, other(at), 5n), seq: 77 }) },
  { name: 'a payee changed after signing', code: 'BAD_SIGNATURE', build: (c, at) => ({ ...c.payment(at, other(at), 5n), to: other(other(at)) }) },
  { name: 'a malformed payment id', code: 'BAD_SIGNATURE', build: (c, at) => signedBy(c, at, { from: at, to: other(at), amount: 5n, seq: 100, paymentId: 'abc' }) },
  { name: 'a payee outside the group', code: 'NOT_A_MEMBER', build: (c, at) => signedBy(c, at, { from: at, to: 3, amount: 5n, seq: 100, paymentId: hexOf('to-3') }) },
  { name: 'a negative payee index', code: 'NOT_A_MEMBER', build: (c, at) => signedBy(c, at, { from: at, to: -1, amount: 5n, seq: 100, paymentId: hexOf('to--1') }) },
  { name: 'a fractional payer index', code: 'NOT_A_MEMBER', build: (c, at) => ({ ...c.payment(at, other(at), 5n), from: 0.5 }) },
  { name: 'a payer outside the group', code: 'NOT_A_MEMBER', build: (c, at) => ({ ...c.payment(at, other(at), 5n), from: 7 }) },
  { name: 'a payment to oneself', code: 'NOT_A_MEMBER', build: (c, at) => signedBy(c, at, { from: at, to: at, amount: 5n, seq: 100, paymentId: hexOf('self') }) },
  { name: 'a zero amount', code: 'INVALID_AMOUNT', build: (c, at) => signedBy(c, at, { from: at, to: other(at), amount: 0n, seq: 100, paymentId: hexOf('zero') }) },
  { name: 'a negative amount', code: 'INVALID_AMOUNT', build: (c, at) => signedBy(c, at, { from: at, to: other(at), amount: -5n, seq: 100, paymentId: hexOf('negative') }) },
  { name: 'a huge amount', code: 'INVALID_AMOUNT', build: (c, at) => signedBy(c, at, { from: at, to: other(at), amount: MAX_AMOUNT + 1n, seq: 100, paymentId: hexOf('huge') }) },
  { name: 'an amount that is not a bigint', code: 'INVALID_AMOUNT', build: (c, at) => ({ ...c.payment(at, other(at), 5n), amount: 5 as unknown as bigint }) },
];

/** Member `at` of a 3-member channel with one certified payment, idle. */
function idleAt(topology: ChannelTopology): Cluster {
  const cluster = new Cluster({ n: 3, topology, maxPendingPayments: 4 });
  cluster.startAll();
  cluster.pay(1, 2, 10n);
  cluster.run();
  return cluster;
}

/** Runs `payment` at member `at` and checks: exactly one rejection with `code`, state untouched. */
function expectRejected(cluster: Cluster, at: number, payment: Payment, code: ChannelErrorCode): void {
  const before = structuredClone(cluster.states[at]!);
  const effects = cluster.step(at, { type: 'payment', payment });
  // Besides the rejection, the sequencer may tell the other members (one of them may have forwarded it).
  const notices = effects.filter((effect) => effect.type === 'send');
  for (const notice of notices) expect(notice).toMatchObject({ message: { type: 'rejected', paymentId: payment.paymentId, code } });
  expect(effects.filter((effect) => effect.type !== 'send')).toEqual([{ type: 'payment-rejected', paymentId: payment.paymentId, code }]);
  expect(cluster.states[at]).toEqual(before);
}

describe.each<ChannelTopology>(['star', 'chain'])('bad payments (%s)', (topology) => {
  describe.each([
    ['the sequencer', 0],
    ['another member', 1],
  ])('at %s', (_label, at) => {
    it.each(CASES)('rejects $name with $code and changes nothing', ({ code, build }) => {
      const cluster = idleAt(topology);
      expectRejected(cluster, at, build(cluster, at), code);
    });

    it('rejects an overdraft with INSUFFICIENT_FUNDS and changes nothing', () => {
      const cluster = idleAt(topology);
      const balance = cluster.states[at]!.latest.state.balances[at]!;
      expectRejected(cluster, at, cluster.payment(at, other(at), balance + 1n), 'INSUFFICIENT_FUNDS');
      // Exactly the balance is fine.
      cluster.pay(at, other(at), balance);
      cluster.run();
      expect(cluster.states[at]!.latest.state.balances[at]).toBe(0n);
    });

    it('rejects a repeated payment with DUPLICATE_PAYMENT, pending or certified, and a seq below the window with PAYMENT_SEQ_TOO_OLD', () => {
      const cluster = idleAt(topology);
      const certified = cluster.pay(at, other(at), 3n);
      cluster.run();
      expect(cluster.committedIds().has(certified.paymentId)).toBe(true);
      expectRejected(cluster, at, certified, 'DUPLICATE_PAYMENT');
      // The payer's seq taken again by another payment (other id, other content), properly signed: still a duplicate.
      expectRejected(cluster, at, cluster.payment(at, other(at), 4n, hexOf('same-seq'), certified.seq), 'DUPLICATE_PAYMENT');
      // Pending (the network holds the proposal back).
      const pending = cluster.pay(at, other(at), 2n);
      expectRejected(cluster, at, pending, 'DUPLICATE_PAYMENT');
      cluster.run();
      // Seqs may leap: one far ahead applies, and the window slides past the seqs below it.
      const ahead = cluster.payment(at, other(at), 1n, hexOf('ahead'), certified.seq + PAYER_SEQ_WINDOW + 10);
      cluster.step(at, { type: 'payment', payment: ahead });
      cluster.run();
      expect(cluster.committedIds().has(ahead.paymentId)).toBe(true);
      const forgotten = cluster.payment(at, other(at), 1n, hexOf('forgotten'), certified.seq + 5);
      expectRejected(cluster, at, forgotten, 'PAYMENT_SEQ_TOO_OLD');
      // Just inside the window: fresh, and it applies.
      const inside = cluster.payment(at, other(at), 1n, hexOf('inside'), ahead.seq - PAYER_SEQ_WINDOW + 1);
      cluster.step(at, { type: 'payment', payment: inside });
      cluster.run();
      expect(cluster.committedIds().has(inside.paymentId)).toBe(true);
    });

    it('rejects a seq that is not a positive safe integer with INVALID_PAYMENT_SEQ', () => {
      const cluster = idleAt(topology);
      for (const seq of [0, -1]) {
        expectRejected(cluster, at, signedBy(cluster, at, { from: at, to: other(at), amount: 1n, seq, paymentId: hexOf(`seq-${seq}`) }), 'INVALID_PAYMENT_SEQ');
      }
      // Not even encodable, so not signable: refused before the signature is looked at.
      for (const seq of [1.5, Number.MAX_SAFE_INTEGER + 1]) expectRejected(cluster, at, { ...cluster.payment(at, other(at), 1n), seq }, 'INVALID_PAYMENT_SEQ');
    });

    it('rejects payments after a wedge, or after a close request, with WEDGED', () => {
      const wedged = idleAt(topology);
      wedged.step(at, { type: 'wedge', reason: 'user' });
      expectRejected(wedged, at, wedged.payment(at, other(at), 1n), 'WEDGED');
      const closing = idleAt(topology);
      closing.step(at, { type: 'close' });
      expectRejected(closing, at, closing.payment(at, other(at), 1n), 'WEDGED');
    });

    it('rejects payments once L1 closed the channel with CHANNEL_CLOSED', () => {
      const cluster = idleAt(topology);
      cluster.step(at, { type: 'l1', channel: { status: 'closed', recordedVersion: 1, deadline: null, height: 3 } });
      expectRejected(cluster, at, cluster.payment(at, other(at), 1n), 'CHANNEL_CLOSED');
    });

    it('rejects a payment beyond maxPendingPayments with MEMPOOL_FULL', () => {
      const cluster = idleAt(topology);
      // With nothing delivered, the first payment goes into flight (at the sequencer) and the rest wait.
      for (let index = 0; index < 5; index++) cluster.pay(at, other(at), 1n);
      expect(cluster.states[at]!.pending.size).toBe(4);
      expectRejected(cluster, at, cluster.payment(at, other(at), 1n), 'MEMPOOL_FULL');
    });
  });

  it('an overdraft waiting behind a proposal is rejected when the next proposal is built, leaving no timer behind', () => {
    const cluster = idleAt(topology);
    cluster.pay(0, 1, 1n); // in flight
    const overdraft = cluster.payment(0, 2, 5_000n);
    expect(cluster.step(0, { type: 'payment', payment: overdraft })).toEqual([]);
    cluster.run();
    expect(cluster.effectsOf(0, 'payment-rejected')).toEqual([{ type: 'payment-rejected', paymentId: overdraft.paymentId, code: 'INSUFFICIENT_FUNDS' }]);
    expect(cluster.states[0]!.pending.size).toBe(0);
    // Idle again: no progress timer armed that could wedge the channel when the next payment arrives.
    expect(cluster.states[0]!.timerArmed).toBe(false);
    expect(cluster.timers[0]).toBeNull();
  });

  it('an overdraft submitted at a member that is not the sequencer does not wedge the channel', () => {
    const cluster = idleAt(topology);
    const balance = cluster.states[2]!.latest.state.balances[2]!;
    cluster.pay(2, 0, balance - 5n);
    // A second spend that only fits if the first one fails.
    const second = cluster.payment(2, 1, 10n);
    cluster.step(2, { type: 'payment', payment: second });
    cluster.run();
    expect(cluster.fireTimer(2)).toEqual([]);
    expect(cluster.states.every((state) => state.wedged === null)).toBe(true);
    expect(cluster.effectsOf(2, 'payment-rejected')).toEqual([{ type: 'payment-rejected', paymentId: second.paymentId, code: 'INSUFFICIENT_FUNDS' }]);
  });
});
