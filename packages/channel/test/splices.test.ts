// Proves the member core's top-ups and withdrawals (DESIGN §7): a deposit is
// taken into a state only once a member's L1 view shows it final (extended
// rule 1: a member never signs a state accounting for a deposit L1 has not
// finalized, and holds such a proposal until its view catches up); a
// withdrawal moves an amount out of its member's balance only when that
// member asked, never more than a balance, and once certified the member's
// submits channel.withdraw with it, and its L1 watch again with the latest
// certificate until L1 has paid; a member
// that missed the certificate behind the floor takes it from L1; a crash
// keeps a requested withdrawal; rule 3's final state repeats the deposits and
// withdrawals of the latest certificate.
import { describe, expect, it } from 'vitest';
import type { ChannelTopology } from '@wedge/ledger';
import type { L1ChannelView, MemberEffect } from '../src/index.ts';
import { Cluster, DEPOSIT, craftProposal, signaturesBy } from './harness.ts';

const open = (height: number, splices: Partial<L1ChannelView> = {}): L1ChannelView => ({ status: 'open', recordedVersion: 0, deadline: null, height, ...splices });

function l1(cluster: Cluster, member: number, view: L1ChannelView): MemberEffect[] {
  return cluster.step(member, { type: 'l1', channel: view });
}

function submissions(effects: readonly MemberEffect[]): { action: string; version: number | null }[] {
  return effects.flatMap((effect) => (effect.type === 'submit-l1' ? [{ action: effect.action, version: effect.certificate?.state.version ?? null }] : []));
}

describe.each<ChannelTopology>(['star', 'chain'])('splices (%s)', (topology) => {
  it('takes a deposit in once every member’s L1 view shows it final, not before', () => {
    const cluster = new Cluster({ n: 3, topology });
    cluster.startAll();
    const deposited = [DEPOSIT, DEPOSIT + 500n, DEPOSIT];
    // Only the sequencer sees the deposit final: the others hold its proposal and sign nothing.
    l1(cluster, 0, open(5, { deposited }));
    cluster.run();
    expect(cluster.certificates.size).toBe(0);
    expect(cluster.states[1]!.signedVersion).toBe(0);
    // Their views catch up: the held proposal is signed and certified.
    for (const member of [1, 2]) {
      l1(cluster, member, open(6, { deposited }));
      cluster.run();
    }
    const latest = cluster.highestCertified()!.state;
    expect(latest.version).toBe(1);
    expect(latest.deposited).toEqual(deposited);
    expect(latest.balances).toEqual([DEPOSIT, DEPOSIT + 500n, DEPOSIT]);
    // Payments may spend it at once.
    cluster.pay(1, 0, DEPOSIT + 400n);
    cluster.run();
    expect(cluster.highestCertified()!.state.balances).toEqual([2n * DEPOSIT + 400n, 100n, DEPOSIT]);
  });

  it('never signs a state that accounts for a deposit its L1 view does not show', () => {
    const cluster = new Cluster({ n: 2, topology, byzantine: [0] });
    cluster.startAll();
    const latest = cluster.states[1]!.latest.state;
    const proposal = craftProposal(latest, [], { deposited: [DEPOSIT, DEPOSIT + 9n], balances: [DEPOSIT, DEPOSIT + 9n] });
    cluster.inject(0, 1, { type: 'propose', proposal, signatures: signaturesBy(cluster, proposal.state, [0]) });
    cluster.run();
    expect(cluster.states[1]!.signedVersion).toBe(0);
    // L1 shows a smaller deposit than the state claims: still nothing signed.
    l1(cluster, 1, open(3, { deposited: [DEPOSIT, DEPOSIT + 8n] }));
    cluster.run();
    expect(cluster.states[1]!.signedVersion).toBe(0);
  });

  it('withdraws what its member asked for, submits channel.withdraw, and resubmits until L1 has paid', () => {
    const cluster = new Cluster({ n: 3, topology });
    cluster.startAll();
    cluster.step(2, { type: 'withdraw', amount: 300n });
    cluster.run();
    const certificate = cluster.highestCertified()!;
    expect(certificate.state.withdrawn).toEqual([0n, 0n, 300n]);
    expect(certificate.state.balances).toEqual([DEPOSIT, DEPOSIT, DEPOSIT - 300n]);
    expect(cluster.effectsOf(2, 'withdrawal-certified')).toEqual([{ type: 'withdrawal-certified', amount: 300n, version: certificate.state.version }]);
    expect(cluster.states[2]!.withdrawal).toBeNull();
    expect(submissions(cluster.log[2]!)).toEqual([{ action: 'withdraw', version: certificate.state.version }]);
    // A payment later, L1 has still not paid: the L1 watch asks again with the latest certificate (a higher floor).
    cluster.pay(0, 1, 5n);
    cluster.run();
    const latest = cluster.highestCertified()!.state.version;
    expect(latest).toBe(certificate.state.version + 1);
    expect(submissions(l1(cluster, 2, open(10)))).toEqual([{ action: 'withdraw', version: latest }]);
    // Nobody else submits it, and its member again only every few blocks while L1 has not paid.
    expect(submissions(l1(cluster, 0, open(10)))).toEqual([]);
    expect(submissions(l1(cluster, 2, open(11)))).toEqual([]);
    expect(submissions(l1(cluster, 2, open(13)))).toEqual([{ action: 'withdraw', version: latest }]);
    expect(submissions(l1(cluster, 2, open(17, { withdrawn: [0n, 0n, 300n], floor: latest })))).toEqual([]);
  });

  it('refuses at once a withdrawal above the balance, a second one while the first is pending, and bad amounts', () => {
    const cluster = new Cluster({ n: 2, topology });
    cluster.startAll();
    const rejected = (effects: MemberEffect[]) => effects.flatMap((effect) => (effect.type === 'withdrawal-rejected' ? [effect.code] : []));
    expect(rejected(cluster.step(1, { type: 'withdraw', amount: DEPOSIT + 1n }))).toEqual(['INSUFFICIENT_FUNDS']);
    expect(rejected(cluster.step(1, { type: 'withdraw', amount: 0n }))).toEqual(['INVALID_AMOUNT']);
    expect(rejected(cluster.step(1, { type: 'withdraw', amount: 10n }))).toEqual([]);
    expect(rejected(cluster.step(1, { type: 'withdraw', amount: 10n }))).toEqual(['WITHDRAWAL_PENDING']);
    cluster.run();
    expect(cluster.highestCertified()!.state.withdrawn).toEqual([0n, 10n]);
  });

  it('the sequencer refuses a withdrawal that payments made uncoverable, and the member is told', () => {
    const cluster = new Cluster({ n: 2, topology });
    cluster.startAll();
    cluster.step(1, { type: 'withdraw', amount: 900n });
    // A payment of member 1 reaches the sequencer first... in this schedule the request is queued behind it.
    const request = cluster.queue.splice(0, 1);
    cluster.pay(1, 0, 500n);
    cluster.run();
    cluster.queue.push(...request);
    cluster.run();
    expect(cluster.effectsOf(1, 'withdrawal-rejected').map((effect) => effect.code)).toEqual(['INSUFFICIENT_FUNDS']);
    expect(cluster.states[1]!.withdrawal).toBeNull();
    expect(cluster.highestCertified()!.state.withdrawn).toEqual([0n, 0n]);
  });

  it('refuses to sign a withdrawal from its own balance it did not ask for, or one above another member’s balance', () => {
    const cluster = new Cluster({ n: 2, topology, byzantine: [0] });
    cluster.startAll();
    const latest = cluster.states[1]!.latest.state;
    const unasked = craftProposal(latest, [], { withdrawn: [0n, 5n], balances: [DEPOSIT, DEPOSIT - 5n] });
    cluster.inject(0, 1, { type: 'propose', proposal: unasked, signatures: signaturesBy(cluster, unasked.state, [0]) });
    const overdrawn = craftProposal(latest, [], { version: latest.version + 1, withdrawn: [DEPOSIT + 1n, 0n], balances: [-1n, DEPOSIT] });
    cluster.inject(0, 1, { type: 'propose', proposal: overdrawn, signatures: signaturesBy(cluster, overdrawn.state, [0]) });
    cluster.run();
    expect(cluster.states[1]!.signedVersion).toBe(0);
    const reasons = cluster.effectsOf(1, 'dropped').map((effect) => effect.reason);
    expect(reasons).toEqual(['WITHDRAWAL_NOT_REQUESTED', 'INSUFFICIENT_FUNDS']);
  });

  it('a requested withdrawal survives a crash of its member and of the sequencer', () => {
    const cluster = new Cluster({ n: 2, topology });
    cluster.startAll();
    cluster.step(1, { type: 'withdraw', amount: 40n });
    cluster.queue.length = 0; // the request is lost on the way
    cluster.crash(1);
    cluster.crash(0);
    cluster.run();
    expect(cluster.highestCertified()!.state.withdrawn).toEqual([0n, 40n]);
  });

  it('a member that missed the floor’s certificate takes it from L1, and the final state repeats the splices', () => {
    const cluster = new Cluster({ n: 3, topology });
    cluster.startAll();
    cluster.step(0, { type: 'withdraw', amount: 70n });
    // A member other than the one completing the certificate (a chain's tail) never receives it.
    const missing = topology === 'star' ? 2 : 1;
    for (let guard = 0; guard < 1_000 && cluster.deliverNext(); guard++) {
      const next = cluster.queue.findIndex((envelope) => envelope.to === missing && envelope.message.type === 'certificate');
      if (next >= 0) cluster.queue.splice(next, 1);
    }
    const certificate = cluster.highestCertified()!;
    expect(cluster.states[missing]!.latest.state.version).toBe(certificate.state.version - 1);
    l1(cluster, missing, open(20, { withdrawn: [70n, 0n, 0n], floor: certificate.state.version, floorCertificate: certificate }));
    expect(cluster.states[missing]!.latest.state.version).toBe(certificate.state.version);
    cluster.step(1, { type: 'close' });
    cluster.run();
    const final = cluster.highestCertified()!.state;
    expect(final.final).toBe(true);
    expect(final.withdrawn).toEqual([70n, 0n, 0n]);
    expect(final.balances).toEqual(certificate.state.balances);
  });
});
