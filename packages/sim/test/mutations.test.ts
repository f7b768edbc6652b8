// Proves the checkers can fail: replicas built with one PBFT rule broken at a
// time are caught by the simulator (a safety violation) within a small seed
// budget, while the same scenarios with honest rules stay clean.
import { HONEST_RULES, type ConsensusRules } from '@wedge/consensus';
import { describe, expect, it } from 'vitest';
import type { ByzantineProfile, ScenarioOverrides } from '../src/index.ts';
import { firstSafetyViolation } from './helpers.ts';

const SEED_BUDGET = 40;
const DIGEST_SEED_BUDGET = 100;

const adversary: ByzantineProfile = {
  equivocate: true,
  doubleVote: true,
  tamperNewView: true,
  withholdProbability: 0,
  silentPrimary: false,
  forge: false,
  replay: false,
  complain: false,
};

/** A Byzantine replica among the first primaries, with faults that force view changes. */
function hostile(rules: ConsensusRules) {
  return (seed: number): ScenarioOverrides => ({
    rules,
    replicas: 4,
    byzantine: [{ replica: seed % 2, profile: adversary }],
    crashes: [500, 3_500, 6_500].map((atMs) => ({ atMs, replica: (seed + 1) % 2, downMs: 2_500, dropLastStep: false })),
    partitions: [],
    drainMs: 5_000,
  });
}

describe('broken replicas are caught', () => {
  it('a quorum of 2f instead of 2f+1', () => {
    const found = firstSafetyViolation(SEED_BUDGET, hostile({ ...HONEST_RULES, quorum: (f) => 2 * f }));
    expect(found, 'no violation found within the seed budget').not.toBeNull();
  });

  it('a prepare accepted without matching the pre-prepare digest', () => {
    const broken = { ...HONEST_RULES, prepareMatches: (pp, prepare) => pp.view === prepare.view && pp.seq === prepare.seq } satisfies ConsensusRules;
    // Caught first at seed 58 since the heartbeat failover (within 40 before): a Byzantine primary is replaced
    // faster, so fewer seeds have its conflicting pre-prepares and votes meet in one view. Budget with room.
    const found = firstSafetyViolation(DIGEST_SEED_BUDGET, hostile(broken));
    expect(found, 'no violation found within the seed budget').not.toBeNull();
  });

  it('a new view accepted without checking the prepared certificates', () => {
    const found = firstSafetyViolation(SEED_BUDGET, hostile({ ...HONEST_RULES, checkNewViewCertificates: false }));
    expect(found, 'no violation found within the seed budget').not.toBeNull();
    expect(found!.violations.map((violation) => violation.invariant)).toContain('L1-agreement');
  });

  it('the same hostile scenarios with honest rules show no violation', () => {
    const found = firstSafetyViolation(12, hostile(HONEST_RULES));
    expect(found).toBeNull();
  });
});
