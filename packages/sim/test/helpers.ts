import { expect } from 'vitest';
import { L1World, l1Scenario, runBothSeed, type L1SimOptions, type L1SimResult, type L2Options, type MemberFault, type ScenarioOverrides } from '../src/index.ts';

/** Runs seeds from `from` until one shows a safety violation; returns it, or null within the budget. */
export function firstSafetyViolation(budget: number, overrides: (seed: number) => ScenarioOverrides) {
  for (let seed = 0; seed < budget; seed++) {
    const result = new L1World(l1Scenario(seed, overrides(seed))).run();
    // A broken replica can also stall, so liveness is not what these runs judge.
    const safety = result.violations.filter((violation) => violation.invariant !== 'liveness');
    if (safety.length > 0) return { seed, violations: safety };
  }
  return null;
}

export function runScenario(options: L1SimOptions) {
  const world = new L1World(options);
  return { world, result: world.run() };
}

/** The seeds [from, from+count) with their faults show no violation, and really exercise faults. */
export function expectCleanSeeds(from: number, count: number, run: (seed: number) => L1SimResult): void {
  const failures: string[] = [];
  let byzantineRuns = 0;
  let viewChanges = 0;
  let committed = 0;
  for (let seed = from; seed < from + count; seed++) {
    const result = run(seed);
    if (result.byzantine) byzantineRuns += 1;
    viewChanges += result.viewChanges;
    committed += result.committedBlocks;
    for (const violation of result.violations) failures.push(`seed ${seed} ${violation.invariant}: ${violation.detail}`);
  }
  expect(failures).toEqual([]);
  expect(byzantineRuns).toBeGreaterThan(count / 4);
  expect(viewChanges).toBeGreaterThan(0);
  expect(committed).toBeGreaterThan(count * 50);
}

/** A both-layer mutation: member faults that put a rule to work, the broken rules, and the invariant that must catch them. */
export type L2Mutation = { readonly faults: readonly MemberFault[]; readonly broken: L2Options; readonly invariant: string };

/** The first seed below `budget` whose run shows a violation of the mutation's invariant, with its details; null within the budget. */
export function firstCaught(mutation: L2Mutation, budget: number): { seed: number; details: string[] } | null {
  for (let seed = 0; seed < budget; seed++) {
    const result = runBothSeed(seed, mutation.faults, mutation.broken);
    const details = result.violations.filter((violation) => violation.invariant === mutation.invariant).map((violation) => violation.detail);
    if (details.length > 0) return { seed, details };
  }
  return null;
}
