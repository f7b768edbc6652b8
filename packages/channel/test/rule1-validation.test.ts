// Proves honest-member rule 1 in both topologies: a member signs version v+1
// only when it extends the certificate of v it holds, every payment is validly
// signed by its payer, is not a replay, no balance goes negative, the total is
// unchanged and the commands hash matches. A Byzantine sequencer (head) that
// holds only its own key offers hand-made proposals, each carrying its real
// signature; the member refuses every bad one without signing (and without
// wedging: a bad proposal is not proof of equivocation) and drops it with the
// reason of the check that refused it, and signs the honest one. A fast-check
// property adds random balance tampering on random batches. A certificate of
// a state the member did not sign is dropped too, with its reason.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { toHex } from '@wedge/common';
import type { ChannelState, ChannelTopology } from '@wedge/ledger';
import { Cluster, craftFinal, craftProposal, hexOf, signaturesBy } from './harness.ts';
import { seqStatus, signPayment, type MemberEffect, type Payment, type Proposal, type ProposalDropReason } from '../src/index.ts';

/** A cluster at certificate v1 (member 0 paid member 1 ten). */
function atVersionOne(topology: ChannelTopology, n = 3): { cluster: Cluster; first: Payment } {
  const cluster = new Cluster({ n, topology });
  cluster.startAll();
  const first = cluster.pay(0, 1, 10n);
  cluster.run();
  expect(cluster.states.every((state) => state.latest.state.version === 1)).toBe(true);
  return { cluster, first };
}

/** Member 1 receives `proposal` from the proposer (member 0), signed by it; returns member 1's effects. */
function offer(cluster: Cluster, proposal: Proposal, signers: readonly number[] = [0]): MemberEffect[] {
  const signatures = signaturesBy(cluster, proposal.state, signers);
  return cluster.step(1, { type: 'message', from: 0, message: { type: 'propose', proposal, signatures } });
}

function releasedSignature(effects: readonly MemberEffect[]): boolean {
  return effects.some((effect) => effect.type === 'send' && (effect.message.type === 'vote' || effect.message.type === 'propose' || effect.message.type === 'certificate'));
}

type BadCase = { name: string; reason: ProposalDropReason; build: (cluster: Cluster, latest: ChannelState, first: Payment) => Proposal; signers?: number[] };

const BAD_CASES: BadCase[] = [
  { name: 'a wrong prevHash',
    reason: 'WRONG_PREV_HASH', build: (c, latest) => craftProposal(latest, [c.payment(1, 2, 3n)], { prevHash: hexOf('not-the-previous-state') }) },
  {
    name: 'a version gap (v+2 over v)',
    reason: 'WRONG_VERSION',
    build: (c, latest) => craftProposal(latest, [c.payment(1, 2, 3n)], { version: latest.version + 2 }),
  },
  { name: 'the same version as the certificate held',
    reason: 'WRONG_VERSION', build: (c, latest) => craftProposal(latest, [c.payment(1, 2, 3n)], { version: latest.version }) },
  {
    name: 'a payment signed by someone other than its payer',
    reason: 'BAD_PAYMENT',
    build: (c, latest) => {
      // Member 0 (the Byzantine proposer) signs a payment out of member 1's balance with its own key.
      const forged = signPayment(c.scheme, c.ctxs[0]!.config, { from: 1, to: 0, amount: 3n, seq: 100, paymentId: hexOf('forged') }, c.keys[0]!.secretKey);
      return craftProposal(latest, [forged]);
    },
  },
  {
    name: 'a payment whose signature was tampered with',
    reason: 'BAD_PAYMENT',
    build: (c, latest) => {
      const payment = c.payment(1, 2, 3n);
      const bytes = payment.signature.split('');
      bytes[10] = bytes[10] === '0' ? '1' : '0';
      return craftProposal(latest, [{ ...payment, signature: bytes.join('') }]);
    },
  },
  {
    name: 'a payment whose amount was changed after signing',
    reason: 'BAD_PAYMENT',
    build: (c, latest) => craftProposal(latest, [{ ...c.payment(1, 0, 3n), amount: 300n }]),
  },
  { name: 'an unsigned payment',
    reason: 'BAD_PAYMENT', build: (c, latest) => craftProposal(latest, [{ ...c.payment(1, 2, 3n), signature: '' }]) },
  { name: 'an overdraft (a negative balance)',
    reason: 'INSUFFICIENT_FUNDS', build: (c, latest) => craftProposal(latest, [c.payment(2, 0, 5_000n)]) },
  {
    name: 'balances that change the total',
    reason: 'WRONG_BALANCES',
    build: (c, latest) => {
      const proposal = craftProposal(latest, [c.payment(1, 2, 3n)]);
      const balances = [...proposal.state.balances];
      balances[0] = balances[0]! + 1n;
      return { ...proposal, state: { ...proposal.state, balances } };
    },
  },
  {
    name: 'balances that do not follow from the payments (same total)',
    reason: 'WRONG_BALANCES',
    build: (c, latest) => {
      const proposal = craftProposal(latest, [c.payment(1, 2, 3n)]);
      const balances = [...proposal.state.balances];
      balances[0] = balances[0]! + 100n;
      balances[1] = balances[1]! - 100n;
      return { ...proposal, state: { ...proposal.state, balances } };
    },
  },
  { name: 'a replayed payment id (already certified)',
    reason: 'DUPLICATE_PAYMENT', build: (_c, latest, first) => craftProposal(latest, [first]) },
  {
    name: 'one payment twice in the batch',
    reason: 'DUPLICATE_PAYMENT',
    build: (c, latest) => {
      const payment = c.payment(1, 2, 3n);
      return craftProposal(latest, [payment, payment]);
    },
  },
  { name: 'a wrong commandsHash',
    reason: 'WRONG_COMMANDS_HASH', build: (c, latest) => craftProposal(latest, [c.payment(1, 2, 3n)], { commandsHash: hexOf('other-commands') }) },
  {
    name: 'a commands hash of fewer payments than applied',
    reason: 'WRONG_COMMANDS_HASH',
    build: (c, latest) => {
      const [a, b] = [c.payment(1, 2, 3n), c.payment(2, 0, 4n)];
      const full = craftProposal(latest, [a, b]);
      return { ...full, state: { ...full.state, commandsHash: craftProposal(latest, [a]).state.commandsHash } };
    },
  },
  { name: 'no payments at all (an empty non-final update)',
    reason: 'BAD_BATCH_SIZE', build: (_c, latest) => craftProposal(latest, []) },
  { name: 'another channel',
    reason: 'WRONG_CHANNEL', build: (c, latest) => craftProposal(latest, [c.payment(1, 2, 3n)], { channelId: hexOf('other-channel') }) },
  { name: 'another chain',
    reason: 'WRONG_CHANNEL', build: (c, latest) => craftProposal(latest, [c.payment(1, 2, 3n)], { chainId: 'wedge-other' }) },
  { name: 'a missing proposer signature',
    reason: 'BAD_SIGNATURE', build: (c, latest) => craftProposal(latest, [c.payment(1, 2, 3n)]), signers: [] },
  { name: 'a proposer signature by the wrong member',
    reason: 'BAD_SIGNATURE', build: (c, latest) => craftProposal(latest, [c.payment(1, 2, 3n)]), signers: [2] },
];

describe.each<ChannelTopology>(['star', 'chain'])('rule 1 (%s)', (topology) => {
  it('signs an honest proposal that extends its certificate (the control case)', () => {
    const { cluster } = atVersionOne(topology);
    const latest = cluster.states[1]!.latest.state;
    const effects = offer(cluster, craftProposal(latest, [cluster.payment(1, 2, 3n), cluster.payment(2, 0, 4n)]));
    expect(releasedSignature(effects)).toBe(true);
    expect(cluster.states[1]!.signedVersion).toBe(2);
  });

  it.each(BAD_CASES)('refuses a proposal with $name ($reason)', ({ build, signers, reason }) => {
    const { cluster, first } = atVersionOne(topology);
    const before = structuredClone(cluster.states[1]!);
    const effects = offer(cluster, build(cluster, before.latest.state, first), signers ?? [0]);
    expect(releasedSignature(effects)).toBe(false);
    // The only effect is the drop, with the check that refused it.
    expect(effects).toEqual([{ type: 'dropped', input: 'propose', from: 0, reason }]);
    // Refusing leaves the member exactly as it was.
    expect(cluster.states[1]).toEqual(before);
  });

  it('refuses any tampering with the balances of a valid batch (property)', () => {
    const batch = fc.array(fc.record({ from: fc.nat(2), to: fc.nat(1), amount: fc.bigInt({ min: 1n, max: 200n }) }), { minLength: 1, maxLength: 6 });
    const tamper = fc.array(fc.bigInt({ min: -50n, max: 50n }), { minLength: 3, maxLength: 3 }).filter((delta) => delta.some((d) => d !== 0n));
    fc.assert(
      fc.property(batch, tamper, fc.boolean(), (plans, delta, keepTotal) => {
        const { cluster } = atVersionOne(topology);
        const latest = cluster.states[1]!.latest.state;
        const payments = plans.map((plan) => cluster.payment(plan.from, (plan.from + 1 + plan.to) % 3, plan.amount));
        const honest = craftProposal(latest, payments);
        const adjusted = keepTotal ? [...delta.slice(0, 2), -(delta[0]! + delta[1]!)] : delta;
        if (adjusted.every((d) => d === 0n)) return;
        const balances = honest.state.balances.map((balance, index) => balance + adjusted[index]!);
        const effects = offer(cluster, { ...honest, state: { ...honest.state, balances } });
        expect(releasedSignature(effects)).toBe(false);
        // The untampered proposal is still signed afterwards: refusing did not poison the member.
        expect(releasedSignature(offer(cluster, honest))).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});

describe('rule 1 for the proposer itself', () => {
  it('the sequencer never proposes an overdraft, a replay or a payment it cannot verify', () => {
    const cluster = new Cluster({ n: 2, topology: 'star' });
    cluster.startAll();
    const good = cluster.payment(1, 0, 10n);
    cluster.step(0, { type: 'message', from: 1, message: { type: 'forward', payment: good } });
    cluster.run();
    // A replayed forward, an overdraft and a payment with a bad signature: none reaches a proposal.
    cluster.step(0, { type: 'message', from: 1, message: { type: 'forward', payment: good } });
    cluster.step(0, { type: 'message', from: 1, message: { type: 'forward', payment: cluster.payment(1, 0, 10_000n) } });
    cluster.step(0, { type: 'message', from: 1, message: { type: 'forward', payment: { ...cluster.payment(1, 0, 1n), signature: toHex(new Uint8Array(64)) } } });
    cluster.run();
    expect(cluster.highestCertified()!.state.version).toBe(1);
    expect(cluster.effectsOf(0, 'payment-rejected').map((effect) => effect.code).sort()).toEqual(['BAD_SIGNATURE', 'DUPLICATE_PAYMENT', 'INSUFFICIENT_FUNDS']);
  });
});

describe.each<ChannelTopology>(['star', 'chain'])('rule 1 and certificates, which carry no payments (%s)', (topology) => {
  it('a member applies exactly the payments of the proposal it signed, and never signs their replay', () => {
    // Every other member is Byzantine: they certify member 1's payment, then
    // propose the same payment again on top of that certificate.
    const n = topology === 'star' ? 2 : 3;
    const others = Array.from({ length: n }, (_, index) => index).filter((index) => index !== 1);
    const cluster = new Cluster({ n, topology, byzantine: others });
    cluster.startAll();
    const payment = cluster.pay(1, 0, 100n);
    cluster.queue.length = 0; // its forward reached the sequencer
    const first = craftProposal(cluster.states[1]!.latest.state, [payment]);
    expect(releasedSignature(offer(cluster, first))).toBe(true);
    const everyone = Array.from({ length: n }, (_, index) => index);
    const certificate = { state: first.state, signatures: signaturesBy(cluster, first.state, everyone) as string[] };
    // The certificate comes from the sequencer in a star, from the tail in a chain.
    const certifier = topology === 'star' ? 0 : n - 1;
    cluster.step(1, { type: 'message', from: certifier, message: { type: 'certificate', certificate } });
    expect(cluster.states[1]!.latest.state.version).toBe(1);
    expect(cluster.effectsOf(1, 'certified').map((effect) => effect.paymentIds)).toEqual([[payment.paymentId]]);
    expect(seqStatus(cluster.states[1]!.payerSeqs[payment.from]!, payment.seq)).toBe('applied');
    expect(cluster.states[1]!.pending.has(payment.paymentId)).toBe(false);
    const replay = craftProposal(first.state, [payment]);
    expect(releasedSignature(offer(cluster, replay))).toBe(false);
    expect(cluster.states[1]!.signedVersion).toBe(1);
    expect(cluster.states[1]!.latest.state.balances).toEqual(n === 2 ? [1_100n, 900n] : [1_100n, 900n, 1_000n]);
  });

  it('a certificate of a state the member did not sign is ignored, however many signatures it has', () => {
    const cluster = new Cluster({ n: 3, topology, byzantine: [0, 2] });
    cluster.startAll();
    const latest = cluster.states[1]!.latest.state;
    const signed = craftProposal(latest, [cluster.payment(2, 0, 5n)]);
    expect(releasedSignature(offer(cluster, signed))).toBe(true);
    const before = structuredClone(cluster.states[1]!);
    // Another state at the same version, and one a version above: neither carries member 1's true signature.
    const other = craftProposal(latest, [cluster.payment(2, 0, 6n)]);
    const above = craftProposal(signed.state, [cluster.payment(2, 0, 7n)]);
    const cases = [
      { state: other.state, reason: 'NOT_WHAT_WAS_SIGNED' },
      { state: above.state, reason: 'NOT_SIGNED_HERE' },
    ] as const;
    for (const { state, reason } of cases) {
      const forged = signaturesBy(cluster, state, [0, 2]);
      forged[1] = signaturesBy(cluster, signed.state, [1])[1]!; // member 1's signature on what it did sign
      const all = signaturesBy(cluster, state, [0, 1, 2]) as string[]; // or even its real one (a stolen key)
      for (const signatures of [forged as string[], all]) {
        const effects = cluster.step(1, { type: 'message', from: 0, message: { type: 'certificate', certificate: { state, signatures } } });
        expect(effects).toEqual([{ type: 'dropped', input: 'certificate', from: 0, reason }]);
      }
    }
    expect(cluster.states[1]).toEqual(before);
  });

  it('after signing a final state (rule 3), a late certificate of the state below it is taken, with no payments applied', () => {
    // In a chain member 1 sits in the middle, so that its signature on the final state does not complete it.
    const n = topology === 'star' ? 2 : 3;
    const everyone = Array.from({ length: n }, (_, index) => index);
    const cluster = new Cluster({ n, topology, byzantine: everyone.filter((index) => index !== 1) });
    cluster.startAll();
    const opening = cluster.states[1]!.latest.state;
    const payment = cluster.pay(1, 0, 40n);
    cluster.queue.length = 0;
    const first = craftProposal(opening, [payment]);
    expect(releasedSignature(offer(cluster, first))).toBe(true);
    // Member 1 wedges without the certificate of v1, then signs the final state over v0 at v2.
    cluster.step(1, { type: 'wedge', reason: 'user' });
    expect(releasedSignature(offer(cluster, craftFinal(opening, 2)))).toBe(true);
    expect(cluster.states[1]!.signedFinal).toBe(true);
    // The certificate of v1 arrives: its balances are member 1's to keep; nothing is signed again.
    const certificate = { state: first.state, signatures: signaturesBy(cluster, first.state, everyone) as string[] };
    const effects = cluster.step(1, { type: 'message', from: topology === 'star' ? 0 : n - 1, message: { type: 'certificate', certificate } });
    expect(releasedSignature(effects)).toBe(false);
    expect(cluster.states[1]!.latest.state.version).toBe(1);
    expect(cluster.effectsOf(1, 'certified').map((effect) => effect.paymentIds)).toEqual([[]]);
    expect(releasedSignature(offer(cluster, craftProposal(first.state, [cluster.payment(0, 1, 1n)])))).toBe(false);
  });
});
