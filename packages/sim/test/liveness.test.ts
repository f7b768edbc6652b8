// Proves liveness in the simulator: with no faults every submitted
// transaction executes, and after the primary crashes a view change completes
// and commits resume within a bounded virtual time. Also proves that a run is
// a pure function of its seed (a failing seed replays exactly).
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONSENSUS, L1World, l1Scenario, runL1Seed, type ScenarioOverrides } from '../src/index.ts';

const noFaults: ScenarioOverrides = {
  byzantine: [],
  crashes: [],
  partitions: [],
  network: { minDelayMs: 1, maxDelayMs: 10, lossProbability: 0, duplicateProbability: 0 },
};

describe('L1 liveness', () => {
  it('commits every submitted transaction when nothing fails', () => {
    for (const replicas of [4, 7]) {
      const world = new L1World(l1Scenario(1_000 + replicas, { ...noFaults, replicas }));
      const result = world.run();
      expect(result.violations).toEqual([]);
      expect(result.submitted).toBeGreaterThan(100);
      expect(result.executed).toBe(result.submitted);
      expect(result.viewChanges).toBe(0);
      // One round trip of three message delays, plus batching behind the pipeline.
      expect(result.maxLatencyMs).toBeLessThan(500);
      console.info(`n=${replicas}: ${result.executed} txs, max latency ${result.maxLatencyMs} ms (virtual)`);
    }
  });

  it('resumes commits after the primary crashes, within a bounded virtual time', () => {
    const crashAtMs = 3_000;
    const resumedAfterMs: number[] = [];
    for (const seed of [11, 12, 13, 14, 15]) {
      const world = new L1World(
        l1Scenario(seed, { ...noFaults, replicas: 4, crashes: [{ atMs: crashAtMs, replica: 0, downMs: 60_000, dropLastStep: false }] }),
      );
      let firstCommitAfterCrash: number | null = null;
      world.onCanonicalCommit = (_height, nowMs) => {
        if (nowMs > crashAtMs && firstCommitAfterCrash === null) firstCommitAfterCrash = nowMs;
      };
      const result = world.run();
      expect(result.violations).toEqual([]);
      expect(result.viewChanges).toBeGreaterThanOrEqual(1);
      expect(firstCommitAfterCrash).not.toBeNull();
      resumedAfterMs.push(firstCommitAfterCrash! - crashAtMs);
    }
    // Two progress timeouts to suspect the primary, then one view-change round.
    const boundMs = 2 * DEFAULT_CONSENSUS.progressTimeoutMs + DEFAULT_CONSENSUS.viewChangeTimeoutMs + 500;
    console.info(`primary crash -> next commit: ${resumedAfterMs.join(', ')} ms (virtual), bound ${boundMs} ms`);
    for (const ms of resumedAfterMs) expect(ms).toBeLessThanOrEqual(boundMs);
  });

  it('a replica cut off past the watermarks catches up by state transfer and converges', () => {
    const world = new L1World(
      l1Scenario(21, { ...noFaults, replicas: 4, partitions: [{ atMs: 500, durationMs: 6_000, isolated: [3] }] }),
    );
    const result = world.run();
    expect(result.violations).toEqual([]);
    const [lagging, ...others] = [world.nodes[3]!, world.nodes[0]!, world.nodes[1]!, world.nodes[2]!];
    expect(lagging.stateInstalls).toBeGreaterThan(0);
    const root = (node: typeof lagging) => node.ctx.app.stateRoot(node.state.app);
    for (const other of others) {
      expect(lagging.state.executed).toBe(other.state.executed);
      expect(root(lagging)).toBe(root(other));
    }
  });

  it('replays a seed exactly', () => {
    const first = runL1Seed(42);
    const second = runL1Seed(42);
    expect(second).toEqual(first);
  });
});
