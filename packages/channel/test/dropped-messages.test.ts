// Proves that every message a member ignores comes out as a `dropped` effect
// naming the message, its sender and the check that refused it — nothing is
// ignored silently — for the checks outside proposals (those are in
// rule1-validation.test.ts): a sender that is not another member; a forward,
// vote or close request at a member that is not the sequencer; a vote for
// nothing in flight, for another state, from a bad index, twice, or with a bad
// signature; a certificate that is not newer, for a version this member did
// not sign, of another channel, or with a bad signature; a rejection notice
// not from the sequencer or for a payment not waiting here. Each leaves the
// member's state as it was.
import { describe, expect, it } from 'vitest';
import { toHex } from '@wedge/common';
import { Cluster, craftProposal, hexOf, signaturesBy } from './harness.ts';
import type { DropReason, MemberMessage } from '../src/index.ts';

/** Member `to` handles `message` from `from`: its only effect is the drop, and its state is unchanged. */
function expectDropped(cluster: Cluster, to: number, from: number, message: MemberMessage, reason: DropReason): void {
  const before = structuredClone(cluster.states[to]!);
  const effects = cluster.step(to, { type: 'message', from, message });
  expect(effects).toEqual([{ type: 'dropped', input: message.type, from, reason }]);
  expect(cluster.states[to]).toEqual(before);
}

/** A star of three with the sequencer's proposal of v1 in flight (member 1's vote not delivered yet). */
function inFlight(): { cluster: Cluster; vote: Extract<MemberMessage, { type: 'vote' }> } {
  const cluster = new Cluster({ n: 3, topology: 'star' });
  cluster.startAll();
  cluster.pay(0, 1, 5n);
  cluster.deliverNext(); // the proposal reaches member 1, which votes
  const vote = cluster.queue.find((envelope) => envelope.message.type === 'vote')!.message as Extract<MemberMessage, { type: 'vote' }>;
  return { cluster, vote };
}

describe('dropped messages and their reasons', () => {
  it('a sender that is not another member: UNKNOWN_SENDER', () => {
    const cluster = new Cluster({ n: 3, topology: 'star' });
    cluster.startAll();
    for (const from of [-1, 3, 0.5, 1]) expectDropped(cluster, 1, from, { type: 'close-request' }, 'UNKNOWN_SENDER');
  });

  it('a forward, vote or close request at a member that is not the sequencer: NOT_SEQUENCER', () => {
    const { cluster, vote } = inFlight();
    expectDropped(cluster, 2, 1, { type: 'forward', payment: cluster.payment(1, 2, 1n) }, 'NOT_SEQUENCER');
    expectDropped(cluster, 2, 1, vote, 'NOT_SEQUENCER');
    expectDropped(cluster, 2, 1, { type: 'close-request' }, 'NOT_SEQUENCER');
  });

  it('votes that do not count toward the proposal in flight', () => {
    const { cluster, vote } = inFlight();
    expectDropped(cluster, 0, 1, { ...vote, version: 2 }, 'NOT_IN_FLIGHT');
    expectDropped(cluster, 0, 1, { ...vote, stateHash: hexOf('another state') }, 'NOT_IN_FLIGHT');
    expectDropped(cluster, 0, 1, { ...vote, member: 0 }, 'BAD_MEMBER_INDEX');
    expectDropped(cluster, 0, 1, { ...vote, member: 3 }, 'BAD_MEMBER_INDEX');
    expectDropped(cluster, 0, 1, { ...vote, member: 2 }, 'BAD_SIGNATURE'); // member 1's signature in member 2's name
    expectDropped(cluster, 0, 1, { ...vote, signature: toHex(new Uint8Array(64)) }, 'BAD_SIGNATURE');
    cluster.step(0, { type: 'message', from: 1, message: vote });
    expectDropped(cluster, 0, 1, vote, 'DUPLICATE_VOTE');
    cluster.run();
    expectDropped(cluster, 0, 1, vote, 'NOTHING_IN_FLIGHT');
  });

  it('certificates that are not taken', () => {
    const { cluster } = inFlight();
    cluster.run();
    const certificate = cluster.highestCertified()!;
    expectDropped(cluster, 1, 0, { type: 'certificate', certificate }, 'NOT_NEWER');
    // Above what member 1 signed, however well signed.
    const next = craftProposal(certificate.state, [cluster.payment(1, 2, 1n)]);
    const everyone = signaturesBy(cluster, next.state, [0, 1, 2]) as string[];
    expectDropped(cluster, 1, 0, { type: 'certificate', certificate: { state: next.state, signatures: everyone } }, 'NOT_SIGNED_HERE');
    // Member 1 signs v2; a certificate of it with a bad signature, or of it on another channel.
    cluster.step(1, { type: 'message', from: 0, message: { type: 'propose', proposal: next, signatures: signaturesBy(cluster, next.state, [0]) } });
    const forged = [everyone[0]!, everyone[1]!, toHex(new Uint8Array(64).fill(3))];
    expectDropped(cluster, 1, 0, { type: 'certificate', certificate: { state: next.state, signatures: forged } }, 'BAD_SIGNATURE');
    const elsewhere = { ...next.state, channelId: hexOf('another channel') };
    expectDropped(cluster, 1, 0, { type: 'certificate', certificate: { state: elsewhere, signatures: everyone } }, 'WRONG_CHANNEL');
  });

  it('rejection notices not from the sequencer, or for a payment not waiting here', () => {
    const cluster = new Cluster({ n: 3, topology: 'star' });
    cluster.startAll();
    const payment = cluster.pay(1, 2, 1n);
    expectDropped(cluster, 1, 2, { type: 'rejected', paymentId: payment.paymentId, code: 'INSUFFICIENT_FUNDS' }, 'NOT_FROM_SEQUENCER');
    expectDropped(cluster, 1, 0, { type: 'rejected', paymentId: hexOf('never here'), code: 'INSUFFICIENT_FUNDS' }, 'NOT_PENDING');
  });
});
