import { L1World, l1Scenario, type L1SimOptions, type ScenarioOverrides } from '../src/index.ts';

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
