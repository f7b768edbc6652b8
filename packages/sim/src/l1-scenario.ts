// Turns a seed into a fault scenario: replica count, Byzantine replicas and
// their behaviour, network faults, crashes and partitions. The fault budget
// keeps Byzantine plus simultaneously crashed or isolated replicas within f
// during the fault phase, so that liveness after GST is a fair check.
import { HONEST_RULES, type ConsensusRules } from '@wedge/consensus';
import { randomProfile } from './byzantine.ts';
import type { CrashPlan, L1SimOptions, PartitionPlan } from './l1-world.ts';
import { Prng } from './prng.ts';

export type ScenarioOverrides = Partial<Omit<L1SimOptions, 'seed'>> & { readonly byzantineShare?: number };

export function l1Scenario(seed: number, overrides: ScenarioOverrides = {}): L1SimOptions {
  const rng = new Prng(seed ^ 0x5eed1);
  const replicas = overrides.replicas ?? (rng.chance(0.6) ? 4 : 7);
  const f = Math.floor((replicas - 1) / 3);
  const byzantineCount = rng.chance(overrides.byzantineShare ?? 0.5) ? rng.int(1, f) : 0;
  // Primaries of the first views are the most interesting Byzantine replicas.
  const candidates = rng.chance(0.7) ? [0, 1, 2, 3].slice(0, replicas) : Array.from({ length: replicas }, (_, id) => id);
  const byzantineIds = rng.shuffle(candidates).slice(0, byzantineCount);
  const byzantine = byzantineIds.map((replica) => ({ replica, profile: randomProfile(rng) }));
  const honest = Array.from({ length: replicas }, (_, id) => id).filter((id) => !byzantineIds.includes(id));
  const faultPhaseMs = overrides.faultPhaseMs ?? 8_000;
  const spare = f - byzantineCount;
  const crashes: CrashPlan[] = [];
  const partitions: PartitionPlan[] = [];
  if (spare > 0 && rng.chance(0.3)) {
    // The primary crashes under load for long enough that the others change
    // views and move a few checkpoints on; it restarts from its disk and
    // catches up by state transfer, with requests arriving all the while.
    const atMs = rng.int(500, Math.max(500, faultPhaseMs - 5_000));
    crashes.push({ atMs, replica: 'primary', downMs: rng.int(2_500, 4_500), dropLastStep: rng.chance(0.5) });
  } else if (spare > 0) {
    // Faults are spread over disjoint windows, each touching at most `spare` replicas.
    const windows = rng.int(0, 3);
    for (let window = 0; window < windows; window++) {
      const atMs = Math.floor((faultPhaseMs * (window + rng.next() * 0.5)) / Math.max(windows, 1));
      const durationMs = rng.int(300, Math.floor(faultPhaseMs / Math.max(windows, 1) / 2));
      const victims = rng.shuffle(honest).slice(0, rng.int(1, spare));
      if (rng.chance(0.5)) {
        for (const replica of victims) crashes.push({ atMs, replica, downMs: durationMs, dropLastStep: rng.chance(0.5) });
      } else {
        partitions.push({ atMs, durationMs, isolated: victims });
      }
    }
  }
  const faultyNetwork = rng.chance(0.7);
  return {
    seed,
    replicas,
    scheme: 'stand-in',
    rules: HONEST_RULES as ConsensusRules,
    byzantine,
    network: {
      minDelayMs: 1,
      maxDelayMs: faultyNetwork ? rng.int(5, 60) : 10,
      lossProbability: faultyNetwork ? rng.next() * 0.05 : 0,
      duplicateProbability: faultyNetwork ? rng.next() * 0.05 : 0,
    },
    crashes,
    partitions,
    workload: {
      accounts: 6,
      channels: 2,
      actionIntervalMs: 100,
      invalidProbability: 0.05,
      challengeBlocks: 30,
      retryMs: 1_000,
    },
    faultPhaseMs,
    drainMs: 40_000,
    consensus: {},
    ...overrides,
  };
}
