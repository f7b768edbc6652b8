// Proves honest-member rule 3 and safe termination. A member wedges on its
// user's request, on a progress timeout with work pending, or when it sees the
// channel frozen on L1; a wedged member submits `channel.terminate` with its
// latest certificate (null at version 0) unless L1 is already frozen, and
// signs nothing afterwards except the final close state that repeats its
// latest certified balances. Property (fast-check, seeded router with
// reordering, duplicates and drops, crashes): after any member wedges, no
// state above the version it had signed is ever certified except such a final
// state. A cooperative close produces a final certificate and `submit-l1
// close` at every member, and then the members fall quiet.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ChannelTopology } from '@wedge/ledger';
import { Cluster, craftFinal, craftProposal, signaturesBy } from './harness.ts';
import type { Certificate, L1ChannelView, MemberEffect } from '../src/index.ts';

const FROZEN: L1ChannelView = { status: 'frozen', recordedVersion: 0, deadline: 100, height: 10 };
const OPEN: L1ChannelView = { status: 'open', recordedVersion: 0, deadline: null, height: 10 };

function terminates(effects: readonly MemberEffect[]): Extract<MemberEffect, { type: 'submit-l1' }>[] {
  return effects.filter((effect): effect is Extract<MemberEffect, { type: 'submit-l1' }> => effect.type === 'submit-l1' && effect.action === 'terminate');
}

/** A cluster with `payments` single-payment certificates behind it. */
function withHistory(topology: ChannelTopology, n: number, payments: number): Cluster {
  const cluster = new Cluster({ n, topology });
  cluster.startAll();
  for (let index = 0; index < payments; index++) {
    cluster.pay(index % n, (index + 1) % n, 7n);
    cluster.run();
  }
  return cluster;
}

describe.each<ChannelTopology>(['star', 'chain'])('wedging (%s)', (topology) => {
  it('on user request at version 0: submits terminate with null (the opening state)', () => {
    const cluster = withHistory(topology, 3, 0);
    const effects = cluster.step(2, { type: 'wedge', reason: 'user' });
    expect(effects).toContainEqual({ type: 'wedged', reason: 'user' });
    expect(terminates(effects)).toEqual([{ type: 'submit-l1', action: 'terminate', certificate: null }]);
  });

  it('on user request later: submits terminate with its latest certificate', () => {
    const cluster = withHistory(topology, 3, 3);
    const effects = cluster.step(1, { type: 'wedge', reason: 'user' });
    expect(terminates(effects)).toEqual([{ type: 'submit-l1', action: 'terminate', certificate: cluster.states[1]!.latest }]);
    expect(cluster.states[1]!.latest.state.version).toBe(3);
  });

  it('on a progress timeout with work pending: wedges and terminates; without work the timer does nothing', () => {
    const cluster = withHistory(topology, 3, 1);
    // No work: no timer armed, and a stray timeout changes nothing.
    expect(cluster.timers[2]).toBeNull();
    expect(cluster.step(2, { type: 'timeout', token: cluster.states[2]!.timerToken })).toEqual([]);
    // Member 2's payment is forwarded but the sequencer never answers.
    cluster.pay(2, 0, 5n);
    cluster.queue.length = 0;
    const effects = cluster.fireTimer(2);
    expect(effects).toContainEqual({ type: 'wedged', reason: 'progress-timeout' });
    expect(effects).toContainEqual({ type: 'payment-rejected', paymentId: expect.any(String), code: 'WEDGED' });
    expect(terminates(effects)).toEqual([{ type: 'submit-l1', action: 'terminate', certificate: cluster.states[2]!.latest }]);
  });

  it('when L1 shows the channel frozen: wedges and does not terminate again', () => {
    const cluster = withHistory(topology, 3, 2);
    const effects = cluster.step(1, { type: 'l1', channel: FROZEN });
    expect(effects).toContainEqual({ type: 'wedged', reason: 'l1-frozen' });
    expect(terminates(effects)).toEqual([]);
  });

  it('a user wedge while L1 is known frozen does not terminate', () => {
    const cluster = withHistory(topology, 3, 1);
    cluster.step(1, { type: 'l1', channel: { ...FROZEN, recordedVersion: 1 } });
    expect(terminates(cluster.step(1, { type: 'wedge', reason: 'user' }))).toEqual([]);
  });

  it('wedging is durable: it survives a crash, and a second wedge does nothing', () => {
    const cluster = withHistory(topology, 3, 1);
    cluster.step(1, { type: 'wedge', reason: 'user' });
    cluster.crash(1);
    expect(cluster.states[1]!.wedged).toBe('user');
    expect(cluster.step(1, { type: 'wedge', reason: 'progress-timeout' })).toEqual([]);
  });

  it('a wedged member refuses the next state but signs the rule-3 final state', () => {
    const cluster = withHistory(topology, 3, 2);
    cluster.step(1, { type: 'wedge', reason: 'user' });
    const latest = cluster.states[1]!.latest.state;
    const offer = (proposal: ReturnType<typeof craftProposal>) =>
      cluster.step(1, { type: 'message', from: 0, message: { type: 'propose', proposal, signatures: signaturesBy(cluster, proposal.state, [0]) } });
    expect(offer(craftProposal(latest, [cluster.payment(0, 1, 1n)])).filter((effect) => effect.type === 'send')).toEqual([]);
    // A final state that moves money is refused too.
    const moved = craftProposal(latest, [cluster.payment(0, 1, 1n)], { final: true });
    expect(offer({ ...moved, payments: [] }).filter((effect) => effect.type === 'send')).toEqual([]);
    expect(offer(craftFinal(latest, latest.version + 1)).filter((effect) => effect.type === 'send')).not.toEqual([]);
    expect(cluster.states[1]!.signedVersion).toBe(latest.version + 1);
  });

  it('a wedged member whose last signed state was never certified signs a final state only above it', () => {
    const cluster = withHistory(topology, 3, 1);
    const latest = cluster.states[1]!.latest.state;
    const next = craftProposal(latest, [cluster.payment(0, 1, 1n)]);
    cluster.step(1, { type: 'message', from: 0, message: { type: 'propose', proposal: next, signatures: signaturesBy(cluster, next.state, [0]) } });
    cluster.step(1, { type: 'wedge', reason: 'user' });
    const offer = (version: number) => {
      const proposal = craftFinal(latest, version);
      return cluster.step(1, { type: 'message', from: 0, message: { type: 'propose', proposal, signatures: signaturesBy(cluster, proposal.state, [0]) } });
    };
    // Version 2 was signed (a different state): a final state there would be a second state for version 2.
    expect(offer(2).filter((effect) => effect.type === 'send')).toEqual([]);
    expect(offer(3).filter((effect) => effect.type === 'send')).not.toEqual([]);
  });
});

describe.each<ChannelTopology>(['star', 'chain'])('cooperative close (%s)', (topology) => {
  it.each([2, 3, 5])('with %i members: a final certificate with the latest balances, then submit-l1 close everywhere, then quiet', (n) => {
    const cluster = withHistory(topology, n, 3);
    const before = cluster.highestCertified()!;
    // Asked at the last member; a payment pending at the sequencer still commits first.
    cluster.pay(0, 1, 3n);
    cluster.step(n - 1, { type: 'close' });
    cluster.run();
    const final = cluster.highestCertified()!;
    expect(final.state.final).toBe(true);
    const paid = cluster.certificates.get(final.state.version - 1)!;
    expect(paid.state.version).toBe(before.state.version + 1);
    expect(final.state.balances).toEqual(paid.state.balances);
    for (let member = 0; member < n; member++) {
      const closes = cluster.effectsOf(member, 'submit-l1').filter((effect) => effect.action === 'close');
      expect(closes).toHaveLength(1);
      expect(closes[0]!.certificate).toEqual(final);
      // Done: nothing pending, so no progress timer that could later wedge it.
      expect(cluster.timers[member]).toBeNull();
    }
    // Only one final state: the members do not go on certifying final states.
    expect([...cluster.certificates.values()].filter((certificate) => certificate.state.final)).toHaveLength(1);
    expect(cluster.step(0, { type: 'payment', payment: cluster.payment(0, 1, 1n) })).toContainEqual(expect.objectContaining({ type: 'payment-rejected', code: 'WEDGED' }));
  });

  it('a close asked of a silent sequencer ends in a wedge by progress timeout', () => {
    const cluster = withHistory(topology, 3, 1);
    cluster.step(2, { type: 'close' });
    cluster.queue.length = 0; // the sequencer never hears of it
    const effects = cluster.fireTimer(2);
    expect(effects).toContainEqual({ type: 'wedged', reason: 'progress-timeout' });
    expect(terminates(effects)).toHaveLength(1);
  });

  it('a close at the sequencer still ends in a final state when its pending payments turn out unpayable', () => {
    const cluster = withHistory(topology, 3, 1);
    // Hold the first payment in flight so the overdraft waits in the pending pool.
    cluster.pay(0, 1, 1n);
    const overdraft = cluster.payment(0, 2, 10_000n);
    cluster.step(0, { type: 'payment', payment: overdraft });
    cluster.step(0, { type: 'close' });
    cluster.run();
    expect(cluster.effectsOf(0, 'payment-rejected')).toContainEqual({ type: 'payment-rejected', paymentId: overdraft.paymentId, code: 'INSUFFICIENT_FUNDS' });
    expect(cluster.highestCertified()!.state.final).toBe(true);
  });

  it('members wedged by a frozen L1 still close cooperatively (the close skips the challenge window)', () => {
    const cluster = withHistory(topology, 3, 2);
    for (let member = 0; member < 3; member++) cluster.step(member, { type: 'l1', channel: { ...FROZEN, recordedVersion: 1 } });
    cluster.step(1, { type: 'close' });
    cluster.run();
    const final = cluster.highestCertified()!;
    expect(final.state.final).toBe(true);
    expect(final.state.balances).toEqual(cluster.certificates.get(2)!.state.balances);
    for (let member = 0; member < 3; member++) {
      expect(cluster.effectsOf(member, 'submit-l1').filter((effect) => effect.action === 'close').map((effect) => effect.certificate)).toEqual([final]);
    }
  });
});

describe('safe termination over random schedules (property)', () => {
  it('after a member wedges, nothing above what it signed is certified except the final close state', () => {
    const op = fc.oneof(
      { weight: 4, arbitrary: fc.record({ op: fc.constant('pay' as const), from: fc.nat(8), to: fc.nat(8), amount: fc.bigInt({ min: 1n, max: 300n }) }) },
      { weight: 6, arbitrary: fc.record({ op: fc.constant('deliver' as const), count: fc.integer({ min: 1, max: 5 }) }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('wedge' as const), member: fc.nat(8) }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('timeout' as const), member: fc.nat(8) }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('frozen' as const), member: fc.nat(8) }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('close' as const), member: fc.nat(8) }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('crash' as const), member: fc.nat(8), dropInbox: fc.boolean() }) },
    );
    const scenario = fc.record({
      seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      topology: fc.constantFrom<ChannelTopology>('star', 'chain'),
      n: fc.constantFrom(2, 3, 5),
      dropProbability: fc.constantFrom(0, 0.05),
      duplicateProbability: fc.constantFrom(0, 0.1),
      ops: fc.array(op, { minLength: 5, maxLength: 80 }),
    });
    const coverage = { wedges: 0, finalAfterWedge: 0 };
    fc.assert(
      fc.property(scenario, ({ seed, topology, n, dropProbability, duplicateProbability, ops }) => {
        const cluster = new Cluster({ n, topology, seed, faults: { reorder: true, dropProbability, duplicateProbability } });
        cluster.startAll();
        /** Per member: the highest version it had signed when it wedged. */
        const wedgedAt: (number | null)[] = cluster.states.map(() => null);
        const observe = (member: number, effects: readonly MemberEffect[], frozenBefore: boolean) => {
          const wedged = effects.find((effect) => effect.type === 'wedged');
          if (wedged === undefined) return;
          const state = cluster.states[member]!;
          wedgedAt[member] = state.signedVersion;
          coverage.wedges += 1;
          const ending = effects.filter((effect) => effect.type === 'submit-l1' && effect.action !== 'challenge' && effect.action !== 'settle');
          if (frozenBefore || state.l1?.status === 'frozen') expect(terminates(ending), `seed ${seed}`).toEqual([]);
          // Holding the final certificate, it closes at once instead (no challenge window).
          else if (state.latest.state.final) expect(ending, `seed ${seed}`).toEqual([{ type: 'submit-l1', action: 'close', certificate: state.latest }]);
          else expect(ending, `seed ${seed}`).toEqual([{ type: 'submit-l1', action: 'terminate', certificate: state.latest.state.version === 0 ? null : state.latest }]);
        };
        // Observe every step, including deliveries, timeouts and restarts.
        const originalStep = cluster.step.bind(cluster);
        cluster.step = (member, event) => {
          const frozenBefore = cluster.states[member]!.l1?.status === 'frozen';
          const effects = originalStep(member, event);
          observe(member, effects, frozenBefore);
          return effects;
        };
        for (const step of ops) {
          switch (step.op) {
            case 'pay': {
              const from = step.from % n;
              cluster.pay(from, (from + 1 + (step.to % (n - 1))) % n, step.amount);
              break;
            }
            case 'deliver':
              for (let index = 0; index < step.count; index++) cluster.deliverNext();
              break;
            case 'wedge':
              cluster.step(step.member % n, { type: 'wedge', reason: 'user' });
              break;
            case 'timeout':
              cluster.fireTimer(step.member % n);
              break;
            case 'frozen':
              cluster.step(step.member % n, { type: 'l1', channel: FROZEN });
              break;
            case 'close':
              cluster.step(step.member % n, { type: 'close' });
              break;
            case 'crash':
              cluster.crash(step.member % n, { dropInbox: step.dropInbox });
              break;
          }
        }
        cluster.run();
        // Every certificate above a wedged member's signed version is the final state repeating the latest balances.
        const certificates = [...cluster.certificates.values()].sort((a, b) => a.state.version - b.state.version);
        for (const certificate of certificates) {
          for (let member = 0; member < n; member++) {
            const at = wedgedAt[member] ?? null;
            if (at === null || certificate.state.version <= at) continue;
            if (!certificate.state.final) cluster.fail(`v${certificate.state.version} certified after member ${member} wedged at v${at}`);
            const below = certificates.filter((other) => other.state.version < certificate.state.version).at(-1) as Certificate | undefined;
            const balances = below?.state.balances ?? cluster.ctxs[0]!.config.deposits;
            if (certificate.state.balances.some((balance, index) => balance !== balances[index])) cluster.fail(`final v${certificate.state.version} does not repeat the latest certified balances`);
            coverage.finalAfterWedge += 1;
          }
        }
      }),
      { numRuns: 300 },
    );
    expect(coverage.wedges).toBeGreaterThan(100);
    expect(coverage.finalAfterWedge).toBeGreaterThan(5);
  });
});
