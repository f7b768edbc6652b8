// Proves the simulator's splice checkers (DESIGN §7) can fail, as
// l2-mutations.test.ts does for the other L2 checkers: a member that signs
// states accounting for deposits its L1 view does not show (rule 1 for
// deposits off, MemberRules.depositsOnlyWhenFinal) next to a Byzantine
// sequencer that credits itself a deposit it never made is caught by
// deposit-safety; a ledger that ignores the version floor
// (LedgerRules.versionFloor), with a Byzantine member terminating with the
// oldest certificate L1 takes but for the floor, by floor; members that sign
// any withdrawal from their own balance (MemberRules.withdrawsOnlyAsAsked)
// next to a Byzantine sequencer that proposes a certified withdrawal again,
// by withdraw-once. The same scenarios with honest parties show no
// violation, and really exercise the rules (fake deposits held, states
// refused below the floor, second withdrawals refused).
import { HONEST_MEMBER_RULES } from '@wedge/channel';
import { HONEST_LEDGER_RULES } from '@wedge/ledger';
import { describe, expect, it } from 'vitest';
import { runBothSeed } from '../src/index.ts';
import { firstCaught, type L2Mutation } from './helpers.ts';

const SEED_BUDGET = 12;
const CLEAN_SEEDS = 3;

type Mutation = L2Mutation & { readonly detail: RegExp };

const SIGNS_UNFINALIZED_DEPOSITS: Mutation = {
  faults: ['fake-deposit', 'fake-deposit'],
  broken: { memberRules: { ...HONEST_MEMBER_RULES, depositsOnlyWhenFinal: false } },
  invariant: 'deposit-safety',
  detail: /accounts for \d+ deposited by member 0, L1 committed \d+/,
};
const IGNORES_THE_FLOOR: Mutation = {
  faults: ['stale-terminate', 'stale-terminate'],
  broken: { ledgerRules: { ...HONEST_LEDGER_RULES, versionFloor: false } },
  invariant: 'floor',
  detail: /recorded below the floor/,
};
const SIGNS_A_WITHDRAWAL_TWICE: Mutation = {
  faults: ['double-withdraw', 'double-withdraw'],
  broken: { memberRules: { ...HONEST_MEMBER_RULES, withdrawsOnlyAsAsked: false } },
  invariant: 'withdraw-once',
  detail: /withdraws \d+ for member \d+, whose user asked for \d+/,
};

describe('broken splice rules are caught by the splice checkers', () => {
  it.each([
    ['members that sign unfinalized deposits: deposit-safety', SIGNS_UNFINALIZED_DEPOSITS],
    ['a ledger without the version floor: floor', IGNORES_THE_FLOOR],
    ['members that sign a withdrawal of their own they did not ask for: withdraw-once', SIGNS_A_WITHDRAWAL_TWICE],
  ] as const)('%s', (_name, mutation) => {
    const found = firstCaught(mutation, SEED_BUDGET);
    expect(found, `no ${mutation.invariant} violation within the seed budget`).not.toBeNull();
    expect(found!.details.join('; ')).toMatch(mutation.detail);
  });
});

describe('the same scenarios with honest parties', () => {
  it('show no violation, and exercise what the broken rules skip', () => {
    const failures: string[] = [];
    const exercised = { fakeDepositsHeld: 0, floorRejections: 0, secondWithdrawalsRefused: 0, withdrawals: 0, deposits: 0 };
    for (const faults of [SIGNS_UNFINALIZED_DEPOSITS.faults, IGNORES_THE_FLOOR.faults, SIGNS_A_WITHDRAWAL_TWICE.faults]) {
      for (let seed = 0; seed < CLEAN_SEEDS; seed++) {
        const result = runBothSeed(seed, faults);
        for (const violation of result.violations) failures.push(`seed ${seed} [${faults}] ${violation.invariant}: ${violation.detail}`);
        exercised.fakeDepositsHeld += result.droppedMessages.DEPOSIT_NOT_FINAL ?? 0;
        exercised.secondWithdrawalsRefused += result.droppedMessages.WITHDRAWAL_NOT_REQUESTED ?? 0;
        if (faults === IGNORES_THE_FLOOR.faults) exercised.floorRejections += result.floorRejections;
        exercised.withdrawals += result.withdrawals;
        exercised.deposits += result.deposits;
      }
    }
    expect(failures).toEqual([]);
    expect(exercised.fakeDepositsHeld).toBeGreaterThan(0);
    expect(exercised.floorRejections).toBeGreaterThan(0);
    expect(exercised.secondWithdrawalsRefused).toBeGreaterThan(0);
    expect(exercised.withdrawals).toBeGreaterThan(0);
    expect(exercised.deposits).toBeGreaterThan(0);
  });
});
