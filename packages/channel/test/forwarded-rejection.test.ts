// Proves that a payment the sequencer drops never leaves another member
// waiting for it: a payer spends the same balance twice through two different
// members (each sees only its own pending payments, so both accept), the
// sequencer certifies one and drops the other, and the member that forwarded
// the dropped one hears INSUFFICIENT_FUNDS at once — it does not time out and
// wedge the channel.
import { describe, expect, it } from 'vitest';
import { Cluster } from './harness.ts';

describe('rejections reach the forwarding member', () => {
  it.each(['star', 'chain'] as const)('%s: a double spend through two members is rejected, nobody wedges', (topology) => {
    const cluster = new Cluster({ n: 3, topology, deposits: [1_000n, 1_000n, 1_000n] });
    cluster.startAll();
    const first = cluster.payment(1, 0, 600n);
    const second = cluster.payment(1, 0, 600n);
    cluster.step(1, { type: 'payment', payment: first });
    cluster.step(2, { type: 'payment', payment: second });
    cluster.run();
    const committed = cluster.committedIds();
    expect(committed.has(first.paymentId) !== committed.has(second.paymentId)).toBe(true);
    const dropped = committed.has(first.paymentId) ? second : first;
    const forwarder = dropped === second ? 2 : 1;
    const rejected = cluster.effectsOf(forwarder, 'payment-rejected').map((effect) => [effect.paymentId, effect.code]);
    expect(rejected).toContainEqual([dropped.paymentId, 'INSUFFICIENT_FUNDS']);
    for (const member of [0, 1, 2]) expect(cluster.effectsOf(member, 'wedged')).toEqual([]);
  });
});
