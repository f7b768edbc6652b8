// Proves honest-member rule 2 against a Byzantine sequencer (head) that holds
// only its own key: whether it sends two different states for one version to
// the same member or one to each member, no two different certificates ever
// exist for one version; a member asked to sign a second state for a version
// it signed refuses and wedges ('equivocation'), keeping both states signed
// by the sequencer as evidence (one without the sequencer's valid signature
// is refused without wedging); the same state again gets the same signature
// (a resend, not a second decision); and after a crash (restart from a
// structured clone of its persisted state, then `start`) a member still never
// signs a second state for a version it signed. The last is a fast-check
// property over random interleavings of offers, deliveries (reordered,
// duplicated), certificates and crashes, in both topologies; the harness reads
// every signature an honest member sends and fails, naming the seed, on a
// second state for one version.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { channelStateHash, type ChannelTopology } from '@wedge/ledger';
import { Cluster, craftProposal, signaturesBy, type Envelope } from './harness.ts';
import type { Certificate, MemberEffect, Proposal } from '../src/index.ts';

function votesIn(effects: readonly MemberEffect[]): string[] {
  return effects.flatMap((effect) => (effect.type === 'send' && effect.message.type === 'vote' ? [effect.message.stateHash] : []));
}

/** A Byzantine member 0 that proposes several different states for each version and assembles what it can. */
class ByzantineSequencer {
  latest: Certificate;
  candidates: Proposal[] = [];
  private readonly gathered = new Map<string, (string | null)[]>();
  /** Every state it ever proposed, by hash. */
  private readonly proposals = new Map<string, Proposal>();
  readonly assembled: Certificate[] = [];

  constructor(
    private readonly cluster: Cluster,
    private readonly variants: number,
  ) {
    this.latest = cluster.states[1]!.latest;
    this.makeCandidates();
    cluster.scripted = (envelope) => this.receive(envelope);
  }

  private makeCandidates(): void {
    const n = this.cluster.n;
    this.candidates = Array.from({ length: this.variants }, (_, k) => {
      // Different payees and amounts: every candidate is a different, internally valid state.
      const payment = this.cluster.payment(0, 1 + (k % (n - 1)), BigInt(k + 1));
      return craftProposal(this.latest.state, [payment]);
    });
    for (const candidate of this.candidates) {
      this.proposals.set(channelStateHash(candidate.state), candidate);
      this.gathered.set(channelStateHash(candidate.state), signaturesBy(this.cluster, candidate.state, [0]));
    }
  }

  offer(k: number, target: number): void {
    const proposal = this.candidates[k % this.candidates.length]!;
    const signatures = signaturesBy(this.cluster, proposal.state, [0]);
    const to = this.cluster.options.topology === 'star' ? 1 + (target % (this.cluster.n - 1)) : 1;
    this.cluster.inject(0, to, { type: 'propose', proposal, signatures });
  }

  private receive(envelope: Envelope): void {
    const { message } = envelope;
    if (message.type === 'vote') {
      const signatures = this.gathered.get(message.stateHash);
      if (signatures === undefined) return;
      signatures[message.member] = message.signature;
      if (signatures.every((signature) => signature !== null)) {
        const proposal = this.proposals.get(message.stateHash)!;
        this.record({ state: proposal.state, signatures: signatures as string[] });
      }
    }
    if (message.type === 'certificate') this.record(message.certificate);
  }

  private record(certificate: Certificate): void {
    this.cluster.checkCertificate(certificate);
    this.assembled.push(certificate);
  }

  /** Moves on to the next version once some candidate of this one was certified. */
  advance(): void {
    const next = this.assembled.find((certificate) => certificate.state.version === this.latest.state.version + 1);
    if (next === undefined) return;
    this.latest = next;
    this.makeCandidates();
  }

  /** Sends the certificate of its latest version to one member. */
  sendCertificate(target: number): void {
    if (this.latest.state.version === 0) return;
    const to = 1 + (target % (this.cluster.n - 1));
    this.cluster.inject(0, to, { type: 'certificate', certificate: this.latest });
  }
}

describe.each<ChannelTopology>(['star', 'chain'])('rule 2 (%s)', (topology) => {
  it('a member asked to sign a second state for a version it signed refuses, wedges for equivocation and keeps the evidence', () => {
    const cluster = new Cluster({ n: 3, topology, byzantine: [0] });
    cluster.startAll();
    const latest = cluster.states[1]!.latest.state;
    const first = craftProposal(latest, [cluster.payment(0, 1, 5n)]);
    const second = craftProposal(latest, [cluster.payment(0, 2, 5n)]);
    const sequencerSignature = (proposal: Proposal) => signaturesBy(cluster, proposal.state, [0])[0]!;
    const propose = (proposal: Proposal) =>
      cluster.step(1, { type: 'message', from: 0, message: { type: 'propose', proposal, signatures: signaturesBy(cluster, proposal.state, [0]) } });
    const signedFirst = propose(first);
    expect(signedFirst.some((effect) => effect.type === 'send')).toBe(true);
    expect(cluster.states[1]!.signedVersion).toBe(1);
    const answer = propose(second);
    expect(answer.some((effect) => effect.type === 'send' && effect.message.type !== 'close-request')).toBe(false);
    expect(answer).toContainEqual({ type: 'dropped', input: 'propose', from: 0, reason: 'CONFLICTING_STATE' });
    expect(answer).toContainEqual({ type: 'wedged', reason: 'equivocation' });
    expect(cluster.states[1]!.wedged).toBe('equivocation');
    expect(cluster.states[1]!.signedHash).toBe(channelStateHash(first.state));
    // Both states, each with the sequencer's signature: anyone can check that it signed two states for version 1.
    const evidence = {
      version: 1,
      signed: { state: first.state, sequencerSignature: sequencerSignature(first) },
      conflicting: { state: second.state, sequencerSignature: sequencerSignature(second) },
    };
    expect(cluster.states[1]!.equivocation).toEqual(evidence);
    // A third state does not replace the first proof.
    propose(craftProposal(latest, [cluster.payment(0, 2, 7n)]));
    expect(cluster.states[1]!.equivocation).toEqual(evidence);
    // The evidence is durable: it survives a crash.
    cluster.crash(1);
    expect(cluster.states[1]!.equivocation).toEqual(evidence);
    expect(cluster.states[1]!.wedged).toBe('equivocation');
  });

  it('a second state without the sequencer\'s valid signature is refused but proves nothing: no wedge', () => {
    const cluster = new Cluster({ n: 3, topology, byzantine: [0] });
    cluster.startAll();
    const latest = cluster.states[1]!.latest.state;
    const first = craftProposal(latest, [cluster.payment(0, 1, 5n)]);
    const second = craftProposal(latest, [cluster.payment(0, 2, 5n)]);
    cluster.step(1, { type: 'message', from: 0, message: { type: 'propose', proposal: first, signatures: signaturesBy(cluster, first.state, [0]) } });
    // Signed by member 2 in the sequencer's slot: not the sequencer's word.
    const forged = signaturesBy(cluster, second.state, [2]);
    forged[0] = forged[2]!;
    forged[2] = null;
    const answer = cluster.step(1, { type: 'message', from: 0, message: { type: 'propose', proposal: second, signatures: forged } });
    expect(answer).toEqual([{ type: 'dropped', input: 'propose', from: 0, reason: 'BAD_SIGNATURE' }]);
    expect(cluster.states[1]!.wedged).toBeNull();
    expect(cluster.states[1]!.equivocation).toBeNull();
    expect(cluster.states[1]!.signedHash).toBe(channelStateHash(first.state));
  });

  it('the same state again gets the very same signature, even after a crash', () => {
    const cluster = new Cluster({ n: 3, topology, byzantine: [0] });
    cluster.startAll();
    const proposal = craftProposal(cluster.states[1]!.latest.state, [cluster.payment(0, 1, 5n)]);
    const message = { type: 'propose' as const, proposal, signatures: signaturesBy(cluster, proposal.state, [0]) };
    const once = cluster.step(1, { type: 'message', from: 0, message });
    cluster.crash(1);
    const again = cluster.step(1, { type: 'message', from: 0, message });
    expect(again).toEqual(once);
    expect(cluster.states[1]!.wedged).toBeNull();
  });

  it('after a crash, a member still refuses a second state for the version it signed', () => {
    const cluster = new Cluster({ n: 3, topology, byzantine: [0] });
    cluster.startAll();
    const latest = cluster.states[1]!.latest.state;
    const first = craftProposal(latest, [cluster.payment(0, 1, 5n)]);
    const second = craftProposal(latest, [cluster.payment(0, 1, 6n)]);
    cluster.step(1, { type: 'message', from: 0, message: { type: 'propose', proposal: first, signatures: signaturesBy(cluster, first.state, [0]) } });
    cluster.crash(1, { dropInbox: true });
    const answer = cluster.step(1, { type: 'message', from: 0, message: { type: 'propose', proposal: second, signatures: signaturesBy(cluster, second.state, [0]) } });
    expect(answer.filter((effect) => effect.type === 'send')).toEqual([]);
    expect(cluster.states[1]!.wedged).toBe('equivocation');
  });
});

describe('rule 2 in a star with one state to each member', () => {
  it('yields no certificate at all, and two wedged members once the sequencer crosses the states over', () => {
    const cluster = new Cluster({ n: 3, topology: 'star', byzantine: [0] });
    cluster.startAll();
    const latest = cluster.states[1]!.latest.state;
    const toOne = craftProposal(latest, [cluster.payment(0, 1, 5n)]);
    const toTwo = craftProposal(latest, [cluster.payment(0, 2, 5n)]);
    const send = (member: number, proposal: Proposal) =>
      cluster.step(member, { type: 'message', from: 0, message: { type: 'propose', proposal, signatures: signaturesBy(cluster, proposal.state, [0]) } });
    expect(votesIn(send(1, toOne))).toEqual([channelStateHash(toOne.state)]);
    expect(votesIn(send(2, toTwo))).toEqual([channelStateHash(toTwo.state)]);
    // Each state lacks one honest signature; crossing over asks each member for a second state.
    expect(votesIn(send(1, toTwo))).toEqual([]);
    expect(votesIn(send(2, toOne))).toEqual([]);
    expect(cluster.states[1]!.wedged).not.toBeNull();
    expect(cluster.states[2]!.wedged).not.toBeNull();
    expect(cluster.certificates.size).toBe(0);
  });
});

describe('rule 2 over random interleavings with crashes (property)', () => {
  it('never yields two certificates for one version, nor two signed states per version and honest member', () => {
    const op = fc.oneof(
      fc.record({ op: fc.constant('offer' as const), k: fc.nat(3), target: fc.nat(8) }),
      fc.record({ op: fc.constant('deliver' as const), count: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ op: fc.constant('crash' as const), member: fc.nat(8), dropInbox: fc.boolean() }),
      fc.record({ op: fc.constant('certificate' as const), target: fc.nat(8) }),
      fc.record({ op: fc.constant('advance' as const) }),
    );
    const scenario = fc.record({
      seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      topology: fc.constantFrom<ChannelTopology>('star', 'chain'),
      n: fc.constantFrom(2, 3, 5),
      variants: fc.integer({ min: 2, max: 3 }),
      duplicateProbability: fc.constantFrom(0, 0.2),
      ops: fc.array(op, { minLength: 5, maxLength: 60 }),
    });
    const coverage = { certificates: 0, wedges: 0, crashes: 0 };
    fc.assert(
      fc.property(scenario, ({ seed, topology, n, variants, duplicateProbability, ops }) => {
        const cluster = new Cluster({ n, topology, seed, byzantine: [0], faults: { reorder: true, duplicateProbability } });
        cluster.startAll();
        const sequencer = new ByzantineSequencer(cluster, variants);
        for (const step of ops) {
          switch (step.op) {
            case 'offer':
              sequencer.offer(step.k, step.target);
              break;
            case 'deliver':
              for (let index = 0; index < step.count; index++) cluster.deliverNext();
              break;
            case 'crash':
              cluster.crash(1 + (step.member % (n - 1)), { dropInbox: step.dropInbox });
              coverage.crashes += 1;
              break;
            case 'certificate':
              sequencer.sendCertificate(step.target);
              break;
            case 'advance':
              sequencer.advance();
              break;
          }
        }
        cluster.run();
        // L2-safety over everything anyone assembled: one state per version.
        const byVersion = new Map<number, string>();
        for (const certificate of sequencer.assembled) {
          const hash = channelStateHash(certificate.state);
          const known = byVersion.get(certificate.state.version);
          if (known !== undefined && known !== hash) cluster.fail(`two certificates for version ${certificate.state.version}`);
          byVersion.set(certificate.state.version, hash);
        }
        coverage.certificates += sequencer.assembled.length;
        coverage.wedges += cluster.states.filter((state, index) => index > 0 && state.wedged !== null).length;
      }),
      { numRuns: 300 },
    );
    // The property is not vacuous: certificates formed, members wedged, members crashed.
    expect(coverage.certificates).toBeGreaterThan(50);
    expect(coverage.wedges).toBeGreaterThan(50);
    expect(coverage.crashes).toBeGreaterThan(50);
  });
});
