// Proves the one builder of a channel action's L1 transaction and the one L1
// retry policy. channelActionBody gives each action its ledger body —
// terminate with the certificate's state and signatures (null and none for
// the opening state), challenge and close with a certificate (asserted: one
// without is a bug), settle with nothing — and the real ledger takes what it
// builds (l1-dispute.test.ts runs every dispute through it). The shells' part
// of the policy: one submission is tried again only while L1 gives no answer
// or another of our transactions took its nonce, with a doubling backoff and
// a bounded number of tries; any other answer of the ledger ends it.
import { describe, expect, it } from 'vitest';
import { AssertionError } from '@wedge/common';
import { Cluster } from './harness.ts';
import { channelActionBody, channelActionTx, L1_SUBMISSION, l1SubmissionVerdict } from '../src/index.ts';

function certified(): Cluster {
  const cluster = new Cluster({ n: 2, topology: 'star' });
  cluster.startAll();
  cluster.pay(0, 1, 5n);
  cluster.run();
  return cluster;
}

describe('channelActionBody', () => {
  const channelId = 'ab'.repeat(32);

  it('builds each action from the certificate', () => {
    const certificate = certified().highestCertified()!;
    const carried = { channelId, state: certificate.state, stateSignatures: [...certificate.signatures] };
    expect(channelActionBody(channelId, 'terminate', certificate)).toEqual({ type: 'channel.terminate', ...carried });
    expect(channelActionBody(channelId, 'challenge', certificate)).toEqual({ type: 'channel.challenge', ...carried });
    expect(channelActionBody(channelId, 'close', certificate)).toEqual({ type: 'channel.close', ...carried });
    expect(channelActionBody(channelId, 'settle', null)).toEqual({ type: 'channel.settle', channelId });
  });

  it('terminates with the opening state when given no certificate', () => {
    expect(channelActionBody(channelId, 'terminate', null)).toEqual({ type: 'channel.terminate', channelId, state: null, stateSignatures: [] });
  });

  it('refuses a challenge or a close without a certificate (a bug in the caller)', () => {
    expect(() => channelActionBody(channelId, 'challenge', null)).toThrow(AssertionError);
    expect(() => channelActionBody(channelId, 'close', null)).toThrow(AssertionError);
  });

  it('channelActionTx adds the sender, its nonce and the chain', () => {
    expect(channelActionTx({ chainId: 'wedge-test', from: 'cd'.repeat(20), nonce: 4 }, channelId, 'settle', null)).toEqual({
      type: 'channel.settle',
      chainId: 'wedge-test',
      from: 'cd'.repeat(20),
      nonce: 4,
      channelId,
    });
  });

  it('copies the signatures, so the transaction shares nothing with the certificate', () => {
    const certificate = certified().highestCertified()!;
    const body = channelActionBody(channelId, 'challenge', certificate);
    expect('stateSignatures' in body && body.stateSignatures !== certificate.signatures).toBe(true);
  });
});

describe('l1SubmissionVerdict (the shells\' part of the one L1 retry policy)', () => {
  it('ends a submission once the ledger has answered', () => {
    expect(l1SubmissionVerdict({ kind: 'committed', code: 'OK' }, 1)).toEqual({ done: true });
    expect(l1SubmissionVerdict({ kind: 'committed', code: 'STALE_STATE' }, 1)).toEqual({ done: true });
    expect(l1SubmissionVerdict({ kind: 'refused', code: 'CHANNEL_CLOSED' }, 1)).toEqual({ done: true });
  });

  it('tries again while L1 gives no answer or the nonce was taken, doubling the wait up to its cap', () => {
    expect(l1SubmissionVerdict({ kind: 'committed', code: 'BAD_NONCE' }, 1)).toEqual({ done: false, retryAfterMs: L1_SUBMISSION.retryMsMin });
    expect(l1SubmissionVerdict({ kind: 'refused', code: 'BAD_NONCE' }, 2)).toEqual({ done: false, retryAfterMs: 2 * L1_SUBMISSION.retryMsMin });
    const waits = Array.from({ length: 8 }, (_, index) => l1SubmissionVerdict({ kind: 'unanswered' }, index + 1));
    expect(waits.map((verdict) => (verdict.done ? null : verdict.retryAfterMs))).toEqual([100, 200, 400, 800, 1_600, 2_000, 2_000, 2_000]);
  });

  it('gives up after attemptsMax tries (the core resubmits if it still matters)', () => {
    expect(l1SubmissionVerdict({ kind: 'unanswered' }, L1_SUBMISSION.attemptsMax - 1).done).toBe(false);
    expect(l1SubmissionVerdict({ kind: 'unanswered' }, L1_SUBMISSION.attemptsMax)).toEqual({ done: true });
  });
});
