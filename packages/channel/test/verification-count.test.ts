// Proves that every signature check a member makes is made once: verification
// is the ceiling of the whole system (DESIGN §2). With payments submitted at
// random members of a star or a chain, each member verifies each payment's
// payer signature exactly once (when it arrives, or inside the proposal if it
// arrived elsewhere), and for each certified state exactly n - 1 state
// signatures: the others' — its own is known, and a certificate does not make
// it check again what it checked before signing. A certificate whose
// signatures differ from those checked is still verified in full.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex, utf8 } from '@wedge/common';
import type { SignatureScheme } from '@wedge/crypto';
import type { ChannelTopology } from '@wedge/ledger';
import { CHAIN_ID, Cluster, craftProposal, signaturesBy } from './harness.ts';

type Counts = { payments: number; states: number };

/** Wraps `scheme`, counting verifications by what they are for (the preimage starts with its domain tag). */
function counting(scheme: SignatureScheme, counts: Counts): SignatureScheme {
  const paymentPrefix = toHex(utf8(`wedge/${CHAIN_ID}/payment\u0000`));
  const statePrefix = toHex(utf8(`wedge/${CHAIN_ID}/channel-state\u0000`));
  return {
    ...scheme,
    verify(publicKey, preimage, signature) {
      const head = toHex(preimage.subarray(0, 64));
      if (head.startsWith(paymentPrefix)) counts.payments += 1;
      else if (head.startsWith(statePrefix)) counts.states += 1;
      else throw new Error('a verification of something that is neither a payment nor a channel state');
      return scheme.verify(publicKey, preimage, signature);
    },
  };
}

function countedCluster(n: number, topology: ChannelTopology, seed: number): { cluster: Cluster; counts: Counts[] } {
  const cluster = new Cluster({ n, topology, seed, maxBatchPayments: 5 });
  const counts = cluster.ctxs.map(() => ({ payments: 0, states: 0 }));
  cluster.ctxs.forEach((ctx, index) => {
    cluster.ctxs[index] = { ...ctx, scheme: counting(ctx.scheme, counts[index]!) };
  });
  return { cluster, counts };
}

describe.each<[ChannelTopology, number]>([
  ['star', 2],
  ['star', 3],
  ['chain', 2],
  ['chain', 3],
  ['chain', 5],
])('verifications in a %s of %i', (topology, n) => {
  it('each member checks each payment once and n - 1 state signatures per certified state', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ at: fc.nat(n - 1), interleave: fc.nat(3) }), { minLength: 1, maxLength: 25 }), fc.nat(), (plan, seed) => {
        const { cluster, counts } = countedCluster(n, topology, seed);
        cluster.startAll();
        for (const { at, interleave } of plan) {
          cluster.pay(at, (at + 1) % n, 1n);
          for (let index = 0; index < interleave; index++) cluster.deliverNext();
        }
        cluster.run();
        const versions = cluster.states[0]!.latest.state.version;
        expect(cluster.committedIds().size).toBe(plan.length);
        for (const [member, count] of counts.entries()) {
          expect({ member, ...count }).toEqual({ member, payments: plan.length, states: (n - 1) * versions });
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('a certificate that repeats a state with other signatures', () => {
  it('is verified in full: a bad signature in the place of one checked before signing is refused', () => {
    const { cluster, counts } = countedCluster(3, 'star', 1);
    cluster.startAll();
    const latest = cluster.states[1]!.latest.state;
    const proposal = craftProposal(latest, [cluster.payment(2, 0, 5n)]);
    cluster.step(1, { type: 'message', from: 0, message: { type: 'propose', proposal, signatures: signaturesBy(cluster, proposal.state, [0]) } });
    expect(cluster.states[1]!.signedVersion).toBe(1);
    const good = signaturesBy(cluster, proposal.state, [0, 1, 2]) as string[];
    const before = { ...counts[1]! };
    const forged = [toHex(new Uint8Array(64).fill(7)), good[1]!, good[2]!];
    cluster.step(1, { type: 'message', from: 0, message: { type: 'certificate', certificate: { state: proposal.state, signatures: forged } } });
    expect(cluster.states[1]!.latest.state.version).toBe(0);
    expect(counts[1]!.states).toBe(before.states + 1);
    cluster.step(1, { type: 'message', from: 0, message: { type: 'certificate', certificate: { state: proposal.state, signatures: good } } });
    expect(cluster.states[1]!.latest.state.version).toBe(1);
    // The good one costs only member 2's signature: the leader's and its own are known.
    expect(counts[1]!.states).toBe(before.states + 2);
  });
});
