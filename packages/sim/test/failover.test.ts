// Proves, in the simulator, what the fast failover timers (heartbeats and
// silence windows, @wedge/consensus liveness.ts) buy and what they must not
// cost: at normal load with nothing failing — n = 4 and 7, message delays up
// to 60 ms, 12 accounts sending every 50 ms on average — no view changes at
// all (so none is spurious); and after the primary crashes
// under load, the first block committed in the new view comes within a
// second of virtual time, every time.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONSENSUS, L1World, l1Scenario, type ScenarioOverrides } from '../src/index.ts';

const normalLoad = (maxDelayMs: number): ScenarioOverrides => ({
  byzantine: [],
  crashes: [],
  partitions: [],
  network: { minDelayMs: 1, maxDelayMs, lossProbability: 0, duplicateProbability: 0 },
  workload: { accounts: 12, channels: 2, actionIntervalMs: 50, invalidProbability: 0.05, challengeBlocks: 30, retryMs: 1_000 },
  faultPhaseMs: 5_000,
});

/** Runs one seed with the primary of view 0 crashing at `crashAtMs` for good; when the first block certified above view 0 committed. */
function failoverMs(seed: number, replicas: number, crashAtMs: number): number {
  const world = new L1World(l1Scenario(seed, { ...normalLoad(10), replicas, crashes: [{ atMs: crashAtMs, replica: 0, downMs: 60_000, dropLastStep: false }] }));
  let firstInNewView: number | null = null;
  const observer = world.nodes[1]!;
  world.onCanonicalCommit = (_height, nowMs) => {
    if (firstInNewView === null && nowMs > crashAtMs && observer.state.view > 0) firstInNewView = nowMs;
  };
  const result = world.run();
  expect(result.violations).toEqual([]);
  expect(firstInNewView, `seed ${seed}: no block committed in a new view`).not.toBeNull();
  return firstInNewView! - crashAtMs;
}

describe('fast failover in the simulator', () => {
  it('at normal load with nothing failing, no view changes (n = 4 and 7, delays up to 10 and 60 ms)', () => {
    let runs = 0;
    let executed = 0;
    for (const maxDelayMs of [10, 60]) {
      for (const replicas of [4, 7]) {
        for (let seed = 0; seed < 3; seed++) {
          const result = new L1World(l1Scenario(5_000 + seed, { ...normalLoad(maxDelayMs), replicas })).run();
          expect(result.violations).toEqual([]);
          expect(result.executed).toBe(result.submitted);
          expect({ seed, replicas, maxDelayMs, viewChanges: result.viewChanges, spurious: result.spuriousViewChanges }).toEqual({
            seed,
            replicas,
            maxDelayMs,
            viewChanges: 0,
            spurious: 0,
          });
          runs += 1;
          executed += result.executed;
        }
      }
    }
    expect(executed).toBeGreaterThan(runs * 300); // real load: hundreds of transfers a run
  });

  it('a crashed primary is replaced within a second of virtual time: first block committed in the new view', () => {
    const times: number[] = [];
    for (const replicas of [4, 7]) for (let seed = 0; seed < 3; seed++) times.push(failoverMs(7_000 + seed, replicas, 2_000 + 137 * seed));
    const window = 2 * DEFAULT_CONSENSUS.heartbeatMs;
    console.info(`primary crash -> first commit in the new view: ${times.join(', ')} ms (virtual; silence window ${window} ms)`);
    for (const ms of times) expect(ms).toBeLessThanOrEqual(1_000);
  });
});
