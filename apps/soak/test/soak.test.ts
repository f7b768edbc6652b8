// Proves a one-minute soak over real processes finds nothing wrong and
// really did its harm: four replica processes, a star and a chain channel
// with a watchtower under continuous L1 transfers and payments, while the
// seeded nemesis kills (kill -9) and restarts replicas — the primary first,
// with this seed — channel members and the watchtower, and pauses processes
// with SIGSTOP/SIGCONT. Every live and final check of the soak must pass:
// final transactions committed everywhere, equal block digests and state
// roots, conservation, acknowledged payments in the latest certificate, no
// conflicting certificates, exact settlement of both channels, and recovery
// within its bound after every fault. Partitions need the network lab and
// are not part of this test (the lab has its own).
import { describe, expect, it } from 'vitest';
import { runSoak } from '../src/soak.ts';
import { FaultSchedule } from '../src/schedule.ts';

const SEED = 4;
const MINUTES = 1;

describe('a one-minute soak', () => {
  it('with this seed, the first replica fault is a kill of the primary', () => {
    const first = new FaultSchedule(SEED, false).nextReplicaFault().fault;
    expect(first.kind === 'replica-kill' && first.target.offset === 0).toBe(true);
  });

  it('kills, pauses and restarts processes under load and finds no violation', { timeout: 900_000 }, async () => {
    const report = await runSoak({ minutes: MINUTES, seed: SEED, lab: false, steady: false, progress: null });
    if (typeof report === 'string') throw new Error(report);
    expect(report.violations, JSON.stringify({ violations: report.violations, faultLog: report.faultLog }, null, 1)).toEqual([]);
    expect(report.kills.primary).toBeGreaterThanOrEqual(1);
    expect(report.kills.member + report.kills.watchtower).toBeGreaterThanOrEqual(1);
    expect(report.pauses).toBeGreaterThanOrEqual(1);
    // Failover after each primary kill is measured (kill -> first block in a higher view).
    expect(report.recoveryMs.primaryKill?.count).toBeGreaterThanOrEqual(1);
    expect(report.partitionsEnabled).toBe(false);
    expect(report.partitions).toBe(0);
    // Load really ran, through the faults.
    expect(report.committedTxs).toBeGreaterThan(100);
    expect(report.payments).toBeGreaterThan(20);
    console.info(`soak seed ${SEED}: kills ${JSON.stringify(report.kills)}, pauses ${report.pauses}, recovery ${JSON.stringify(report.recoveryMs)}, RSS max ${JSON.stringify(report.rssMbMax)}`);
  });
});
