// Proves the nemesis' schedule is what the soak promises: the same seed gives
// the same faults in the same order on every track (so a failing run can be
// replayed), another seed gives others; among single replica kills the
// primary is the target at least every third time; more than one replica is
// faulty only in labelled no-quorum windows (two replicas, or a 2|2 split),
// spaced apart; pauses last 1-5 s; and partitions appear only with the lab.
import { describe, expect, it } from 'vitest';
import { FaultSchedule, L2_TRACKS, NO_QUORUM_SPACING, PAUSE_MS, PRIMARY_EVERY_KILLS, type ReplicaFault } from '../src/schedule.ts';

function replicaFaults(seed: number, lab: boolean, count: number): ReplicaFault[] {
  const schedule = new FaultSchedule(seed, lab);
  return Array.from({ length: count }, () => schedule.nextReplicaFault().fault);
}

describe('the fault schedule', () => {
  it('replays: the same seed gives the same faults on every track, another seed others', () => {
    const take = (seed: number) => {
      const schedule = new FaultSchedule(seed, true);
      // Tracks are drawn in an interleaving that differs between the two runs: each track's faults must not depend on it.
      const order = seed === 7 ? [...L2_TRACKS, 'replicas'] : ['replicas', ...[...L2_TRACKS].reverse()];
      const out: Record<string, unknown[]> = {};
      for (let round = 0; round < 200; round++) {
        for (const track of order) {
          (out[track] ??= []).push(track === 'replicas' ? schedule.nextReplicaFault() : schedule.nextL2Fault(track as (typeof L2_TRACKS)[number]));
        }
      }
      return out;
    };
    const first = take(7);
    const again = new FaultSchedule(7, true);
    const replayed = { replicas: Array.from({ length: 200 }, () => again.nextReplicaFault()) };
    expect(replayed.replicas).toEqual(first.replicas);
    for (const track of L2_TRACKS) {
      const schedule = new FaultSchedule(7, true);
      expect(Array.from({ length: 200 }, () => schedule.nextL2Fault(track))).toEqual(first[track]);
    }
    expect(JSON.stringify(take(8).replicas)).not.toBe(JSON.stringify(first.replicas));
  });

  it('kills the primary at least every third single replica kill', () => {
    for (let seed = 0; seed < 50; seed++) {
      const kills = replicaFaults(seed, false, 300).filter((fault) => fault.kind === 'replica-kill');
      let sincePrimary = 0;
      for (const kill of kills) {
        sincePrimary = kill.target.offset === 0 ? 0 : sincePrimary + 1;
        expect(sincePrimary).toBeLessThan(PRIMARY_EVERY_KILLS);
      }
      expect(kills.length).toBeGreaterThan(100);
    }
  });

  it('has more than one replica faulty only in spaced, labelled no-quorum windows; pauses of 1-5 s', () => {
    for (let seed = 0; seed < 50; seed++) {
      const faults = replicaFaults(seed, true, 300);
      let last = -Infinity;
      faults.forEach((fault, index) => {
        const noQuorum = fault.kind === 'no-quorum' || (fault.kind === 'partition' && fault.shape === 'split');
        if (noQuorum) {
          expect(index - last).toBeGreaterThan(NO_QUORUM_SPACING);
          last = index;
        }
        if (fault.kind === 'no-quorum') expect(new Set(fault.targets.map((target) => target.offset)).size).toBe(2);
        if (fault.kind === 'replica-pause') {
          expect(fault.pauseMs).toBeGreaterThanOrEqual(PAUSE_MS.min);
          expect(fault.pauseMs).toBeLessThanOrEqual(PAUSE_MS.max);
        }
      });
      expect(faults.some((fault) => fault.kind === 'no-quorum' || fault.kind === 'partition')).toBe(true);
    }
  });

  it('schedules partitions only with the lab, and then every shape', () => {
    const without = Array.from({ length: 50 }, (_, seed) => replicaFaults(seed, false, 300)).flat();
    expect(without.some((fault) => fault.kind === 'partition')).toBe(false);
    const shapes = new Set(
      Array.from({ length: 50 }, (_, seed) => replicaFaults(seed, true, 300))
        .flat()
        .flatMap((fault) => (fault.kind === 'partition' ? [fault.shape] : [])),
    );
    expect([...shapes].sort()).toEqual(['minority', 'primary-isolated', 'split']);
  });
});
