// One seed of both layers together: the L1 scenario of the seed, plus two
// channels with member faults drawn from the same seed.
import { L1World, type L1SimResult } from './l1-world.ts';
import { l1Scenario } from './l1-scenario.ts';
import { L2Layer, type L2Options, type L2Stats, type MemberFault } from './l2-layer.ts';
import { Prng } from './prng.ts';

const FAULTS: readonly MemberFault[] = ['none', 'crash', 'silent', 'equivocate', 'stale-terminate', 'fake-deposit', 'double-withdraw'];

export type BothResult = L1SimResult & L2Stats & { replicas: number; faults: MemberFault[] };

/** `l2`: broken member, watchtower or ledger rules for the mutation tests (honest when absent). */
export function runBothSeed(seed: number, faults?: readonly MemberFault[], l2: L2Options = {}): BothResult {
  const rng = new Prng(seed ^ 0x12c2);
  const chosen = faults ?? [rng.pick(FAULTS), rng.pick(FAULTS)];
  const options = { ...l1Scenario(seed, { faultPhaseMs: 10_000 }), ...(l2.ledgerRules === undefined ? {} : { ledgerRules: l2.ledgerRules }) };
  const world = new L1World(options);
  const layer = new L2Layer(world, rng.fork(), chosen, l2);
  const result = world.run();
  return {
    ...result,
    violations: [...result.violations, ...layer.violations],
    ...layer.stats,
    replicas: options.replicas,
    faults: [...chosen],
  };
}
