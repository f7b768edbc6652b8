// Proves the simulator's L2 checkers can fail, as mutations.test.ts does for
// L1: members built with one honest-member rule broken (MemberRules) — one
// that signs two different states for one version, one that signs after it
// has wedged — and a watchtower that does not challenge (WatchtowerRules) are
// each caught by the checker that guards that rule (L2-safety,
// safe-termination, settlement) within a small seed budget, in the scenario
// that puts the rule to work (a Byzantine sequencer proposing conflicting
// states; a member whose user wedges it while the others go on; a Byzantine
// member terminating with a stale state while the honest members are
// offline). The same scenarios with honest members and watchtower show no
// violation at all, and really exercise the rule (conflicting proposals
// refused, payments refused by the wedged member, watchtower challenges).
import { HONEST_MEMBER_RULES, HONEST_WATCHTOWER_RULES } from '@wedge/channel';
import { describe, expect, it } from 'vitest';
import { runBothSeed } from '../src/index.ts';
import { firstCaught, type L2Mutation } from './helpers.ts';

const SEED_BUDGET = 10;
const CLEAN_SEEDS = 3;

type Mutation = L2Mutation;

const SIGNS_TWO_STATES: Mutation = {
  faults: ['equivocate', 'equivocate'],
  broken: { memberRules: { ...HONEST_MEMBER_RULES, oneStatePerVersion: false } },
  invariant: 'L2-safety',
};
const SIGNS_AFTER_WEDGING: Mutation = {
  faults: ['user-wedge', 'user-wedge'],
  broken: { memberRules: { ...HONEST_MEMBER_RULES, silentAfterWedge: false } },
  invariant: 'safe-termination',
};
const TOWER_NEVER_CHALLENGES: Mutation = {
  faults: ['stale-terminate', 'stale-terminate'],
  broken: { watchtowerRules: { ...HONEST_WATCHTOWER_RULES, challengesStaleStates: false } },
  invariant: 'settlement',
};

describe('broken channel parties are caught by the L2 checkers', () => {
  it('a member that signs two different states for one version (rule 2 off): L2-safety', () => {
    const found = firstCaught(SIGNS_TWO_STATES, SEED_BUDGET);
    expect(found, 'no L2-safety violation within the seed budget').not.toBeNull();
    expect(found!.details.join('; ')).toMatch(/two different certificates for version/);
  });

  it('a member that signs after it has wedged (rule 3 off): safe-termination', () => {
    const found = firstCaught(SIGNS_AFTER_WEDGING, SEED_BUDGET);
    expect(found, 'no safe-termination violation within the seed budget').not.toBeNull();
    expect(found!.details.join('; ')).toMatch(/certified after member \d+ wedged/);
  });

  it('a watchtower that does not challenge a stale termination: settlement', () => {
    const found = firstCaught(TOWER_NEVER_CHALLENGES, SEED_BUDGET);
    expect(found, 'no settlement violation within the seed budget').not.toBeNull();
    expect(found!.details.join('; ')).toMatch(/paid \d+, holds v\d+ owing \d+/);
  });
});

describe('the same scenarios with honest parties', () => {
  it('show no violation, and exercise what the broken rules skip', () => {
    const failures: string[] = [];
    const exercised = { conflictingRefused: 0, wedgedRefusals: 0, watchtowerChallenges: 0 };
    for (const mutation of [SIGNS_TWO_STATES, SIGNS_AFTER_WEDGING, TOWER_NEVER_CHALLENGES]) {
      for (let seed = 0; seed < CLEAN_SEEDS; seed++) {
        const result = runBothSeed(seed, mutation.faults);
        for (const violation of result.violations) failures.push(`seed ${seed} [${mutation.faults}] ${violation.invariant}: ${violation.detail}`);
        if (mutation === SIGNS_TWO_STATES) exercised.conflictingRefused += result.droppedMessages.CONFLICTING_STATE ?? 0;
        if (mutation === SIGNS_AFTER_WEDGING) exercised.wedgedRefusals += result.droppedMessages.WEDGED ?? 0;
        if (mutation === TOWER_NEVER_CHALLENGES) exercised.watchtowerChallenges += result.watchtowerChallenges;
      }
    }
    expect(failures).toEqual([]);
    expect(exercised.conflictingRefused).toBeGreaterThan(0);
    expect(exercised.wedgedRefusals).toBeGreaterThan(0);
    expect(exercised.watchtowerChallenges).toBeGreaterThan(0);
  });
});
