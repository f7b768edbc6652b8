// Proves that a payment a member answered as refused never commits with its
// signature, in both topologies: a lying sequencer tells the member that a
// payment its client submitted will never commit (a `rejected` notice; the
// client hears INSUFFICIENT_FUNDS) and then proposes it all the same. The
// member refuses that proposal (PAYMENT_REFUSED_HERE) without signing or
// wedging — also after a crash and restart — and signs the same proposal
// without it. Found over real processes by the Byzantine member harness
// (test/l2-byzantine-member.test.ts): before, the member signed it, and the
// payment its client was told had failed committed. The guard is bounded: it
// counts toward maxPendingPayments, goes when the client submits the payment
// again (then it may commit), and goes once the payer's seq can no longer
// apply.
import { describe, expect, it } from 'vitest';
import type { ChannelTopology } from '@wedge/ledger';
import { durableMemberState, restoreMemberState, type MemberEffect, type Payment } from '../src/index.ts';
import { Cluster, craftProposal, signaturesBy } from './harness.ts';

/** Member 1's client pays member 2; the sequencer (0, test-driven) says it failed. */
function refusedBySequencer(topology: ChannelTopology, options: { maxPendingPayments?: number } = {}): { cluster: Cluster; payment: Payment } {
  const cluster = new Cluster({ n: 3, topology, byzantine: [0], ...options });
  cluster.startAll();
  cluster.queue.length = 0;
  const payment = cluster.payment(1, 2, 10n);
  cluster.step(1, { type: 'payment', payment });
  const effects = cluster.step(1, { type: 'message', from: 0, message: { type: 'rejected', paymentId: payment.paymentId, code: 'INSUFFICIENT_FUNDS' } });
  expect(effects).toContainEqual({ type: 'payment-rejected', paymentId: payment.paymentId, code: 'INSUFFICIENT_FUNDS' });
  return { cluster, payment };
}

/** The sequencer proposes `payments` over the opening state to member 1; member 1's effects. */
function propose(cluster: Cluster, payments: readonly Payment[]): MemberEffect[] {
  const proposal = craftProposal(cluster.states[1]!.latest.state, payments);
  return cluster.step(1, { type: 'message', from: 0, message: { type: 'propose', proposal, signatures: signaturesBy(cluster, proposal.state, [0]) } });
}

function signed(effects: readonly MemberEffect[]): boolean {
  return effects.some((effect) => effect.type === 'send' && (effect.message.type === 'vote' || effect.message.type === 'propose' || effect.message.type === 'certificate'));
}

describe('a payment answered as refused is never signed', () => {
  it.each(['star', 'chain'] as const)('%s: the sequencer proposes a payment it said failed; the member refuses it, also after a restart', (topology) => {
    const { cluster, payment } = refusedBySequencer(topology);
    const effects = propose(cluster, [payment]);
    expect(signed(effects)).toBe(false);
    expect(effects).toContainEqual({ type: 'dropped', input: 'propose', from: 0, reason: 'PAYMENT_REFUSED_HERE' });
    expect(cluster.states[1]!.wedged).toBeNull();
    expect(cluster.states[1]!.signedVersion).toBe(0);

    // The guard is durable: restarted from its disk, the member still refuses it.
    cluster.states[1] = restoreMemberState(cluster.ctxs[1]!, structuredClone(durableMemberState(cluster.states[1]!)));
    expect(signed(propose(cluster, [payment]))).toBe(false);

    // Without it, the same version is signed.
    expect(signed(propose(cluster, [cluster.payment(1, 2, 3n)]))).toBe(true);
  });

  it('the client submitting the payment again lifts the guard: then it may commit', () => {
    const { cluster, payment } = refusedBySequencer('star');
    cluster.step(1, { type: 'payment', payment });
    expect(cluster.states[1]!.refused.size).toBe(0);
    expect(signed(propose(cluster, [payment]))).toBe(true);
  });

  it('the guard goes once another payment takes its seq, and counts toward maxPendingPayments', () => {
    const { cluster, payment } = refusedBySequencer('star', { maxPendingPayments: 2 });
    expect(cluster.states[1]!.refused.size).toBe(1);
    // One pending payment and one guard fill the two places.
    cluster.step(1, { type: 'payment', payment: cluster.payment(1, 2, 1n) });
    const full = cluster.step(1, { type: 'payment', payment: cluster.payment(1, 2, 1n) });
    expect(full.some((effect) => effect.type === 'payment-rejected' && effect.code === 'MEMPOOL_FULL')).toBe(true);

    // A certified payment of the same payer at the refused payment's seq: the refused one can never apply now.
    const sameSeq = cluster.payment(1, 2, 2n, undefined, payment.seq);
    const proposal = craftProposal(cluster.states[1]!.latest.state, [sameSeq]);
    const signatures = signaturesBy(cluster, proposal.state, [0, 1, 2]);
    cluster.step(1, { type: 'message', from: 0, message: { type: 'propose', proposal, signatures: signaturesBy(cluster, proposal.state, [0]) } });
    cluster.step(1, { type: 'message', from: 0, message: { type: 'certificate', certificate: { state: proposal.state, signatures: signatures as string[] } } });
    expect(cluster.states[1]!.latest.state.version).toBe(1);
    expect(cluster.states[1]!.refused.size).toBe(0);
  });
});
