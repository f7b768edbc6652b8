// Proves the L2 invariants (L2-safety, L2-conservation, safe-termination,
// settlement) and channel liveness, with L1 running PBFT underneath, over 40
// seeds: every member fault — crash and restart from persisted state, a
// silent member, a Byzantine sequencer proposing conflicting states, a
// Byzantine member terminating with a stale state while the honest members are
// offline, a Byzantine sequencer crediting itself a deposit it never made or
// withdrawing a member's withdrawal twice — with top-ups and withdrawals
// racing them, and the L1 faults of each seed. Disputes are settled on L1. Each
// fault on its own (and a member wedged by its user while the others go on)
// settles correctly too.
import { describe, expect, it } from 'vitest';
import { runBothSeed, type MemberFault } from '../src/index.ts';

describe('both layers in the simulator', () => {
  it('holds every L1 and L2 invariant over 40 seeds', () => {
    const failures: string[] = [];
    const totals = { wedges: 0, watchtowerChallenges: 0, staleRejected: 0, payments: 0, deposits: 0, withdrawals: 0 };
    for (let seed = 0; seed < 40; seed++) {
      const result = runBothSeed(seed);
      for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += result[key];
      for (const violation of result.violations) failures.push(`seed ${seed} [${result.faults}] ${violation.invariant}: ${violation.detail}`);
    }
    expect(failures).toEqual([]);
    expect(totals.payments).toBeGreaterThan(1_000);
    expect(totals.wedges).toBeGreaterThan(0);
    expect(totals.watchtowerChallenges).toBeGreaterThan(0);
    // Top-ups and withdrawals race the faults (DESIGN §7).
    expect(totals.deposits).toBeGreaterThan(0);
    expect(totals.withdrawals).toBeGreaterThan(0);
  });

  it('each member fault on its own settles correctly', () => {
    const faults: MemberFault[] = ['crash', 'silent', 'equivocate', 'stale-terminate', 'user-wedge', 'fake-deposit', 'double-withdraw'];
    for (const fault of faults) {
      for (const seed of [101, 102]) {
        const result = runBothSeed(seed, [fault, fault]);
        expect(result.violations, `${fault} seed ${seed}`).toEqual([]);
      }
    }
  });
});
