// The nemesis' fault schedule: an endless, seeded stream of faults on four
// tracks, one for the replicas, one for each channel's members and one for
// the watchtower. The stream
// is a pure function of the seed (and of whether partitions are enabled), so
// the same seed replays the same faults in the same order with the same
// durations. Targets are named by role ("the primary", "the backup two
// after it"), because which replica is primary is known only while the soak
// runs; how long recovery takes moves the wall-clock times, not the faults.
import { Prng } from '@wedge/sim';

/** A replica named by its position relative to the primary of the moment: 0 is the primary. */
export type ReplicaTarget = { readonly offset: 0 | 1 | 2 | 3 };

export type PartitionShape =
  /** One backup cut off from the other three. */
  | 'minority'
  /** The primary cut off from the other three. */
  | 'primary-isolated'
  /** Two against two: no side has a quorum, so progress stops until the heal. */
  | 'split';

export type ReplicaFault =
  | { readonly kind: 'replica-kill'; readonly target: ReplicaTarget; readonly downMs: number }
  | { readonly kind: 'replica-pause'; readonly target: ReplicaTarget; readonly pauseMs: number }
  /** A deliberate window with two replicas faulty (more than f = 1): no quorum until it ends. */
  | { readonly kind: 'no-quorum'; readonly how: 'kill' | 'pause'; readonly targets: readonly [ReplicaTarget, ReplicaTarget]; readonly durationMs: number }
  | { readonly kind: 'partition'; readonly shape: PartitionShape; readonly durationMs: number };

export type ChannelName = 'star' | 'chain';

/** The channel-side tracks run side by side: one per channel, one for the watchtower. */
export type L2Track = ChannelName | 'watchtower';
export const L2_TRACKS: readonly L2Track[] = ['star', 'chain', 'watchtower'];

export type L2Fault =
  | { readonly kind: 'member-kill'; readonly channel: ChannelName; readonly member: number; readonly downMs: number }
  | { readonly kind: 'member-pause'; readonly channel: ChannelName; readonly member: number; readonly pauseMs: number }
  | { readonly kind: 'watchtower-kill'; readonly downMs: number }
  | { readonly kind: 'watchtower-pause'; readonly pauseMs: number };

export type Scheduled<F> = { readonly index: number; readonly gapMs: number; readonly fault: F };

export const CHANNEL_MEMBERS: Readonly<Record<ChannelName, number>> = { star: 2, chain: 3 };

/** Pauses last 1-5 s (SIGSTOP, then SIGCONT). */
export const PAUSE_MS = { min: 1_000, max: 5_000 } as const;
/** How long a killed process stays down before it is restarted from its data directory. */
export const DOWN_MS = { min: 500, max: 3_000 } as const;
/** Quiet time between the end of one fault's recovery and the next fault on the same track. */
export const GAP_MS = { min: 500, max: 2_000 } as const;
/** A no-quorum window or a partition lasts this long. */
export const WINDOW_MS = { min: 2_000, max: 5_000 } as const;
/**
 * At least this many replica faults between two no-quorum windows (a 2|2
 * split counts as one). A replica fault takes 10-40 s here (a restart under
 * tsx on a shared 2-core machine is slow), so a 5-minute soak sees about ten:
 * with this spacing it usually opens one window.
 */
export const NO_QUORUM_SPACING = 4;
/**
 * Among single replica kills, the primary is the target at least every this
 * many: the issue asks for every third at least; every second makes a
 * 5-minute soak kill the primary three times or more although a replica
 * kill takes 20-40 s to recover from here.
 */
export const PRIMARY_EVERY_KILLS = 2;

export class FaultSchedule {
  private readonly replicaRng: Prng;
  private readonly l2Rngs: Record<L2Track, Prng>;
  private replicaIndex = 0;
  private readonly l2Index: Record<L2Track, number> = { star: 0, chain: 0, watchtower: 0 };
  /** Single replica kills since the last one of the primary. */
  private killsSincePrimary = 0;
  private faultsSinceNoQuorum = 0;

  constructor(
    readonly seed: number,
    readonly partitions: boolean,
  ) {
    // One generator per track, so that how fast one track runs never changes another's faults.
    const root = new Prng(seed);
    this.replicaRng = root.fork();
    this.l2Rngs = { star: root.fork(), chain: root.fork(), watchtower: root.fork() };
  }

  nextReplicaFault(): Scheduled<ReplicaFault> {
    const rng = this.replicaRng;
    const gapMs = rng.int(GAP_MS.min, GAP_MS.max);
    const fault = this.pickReplicaFault(rng);
    return { index: this.replicaIndex++, gapMs, fault };
  }

  /** The next fault of a channel's members (two kills to one pause) or of the watchtower (the same mix). */
  nextL2Fault(track: L2Track): Scheduled<L2Fault> {
    const rng = this.l2Rngs[track];
    const gapMs = rng.int(GAP_MS.min, GAP_MS.max);
    const kill = rng.chance(2 / 3);
    let fault: L2Fault;
    if (track === 'watchtower') {
      fault = kill ? { kind: 'watchtower-kill', downMs: rng.int(DOWN_MS.min, DOWN_MS.max) } : { kind: 'watchtower-pause', pauseMs: rng.int(PAUSE_MS.min, PAUSE_MS.max) };
    } else {
      const member = rng.int(0, CHANNEL_MEMBERS[track] - 1);
      fault = kill
        ? { kind: 'member-kill', channel: track, member, downMs: rng.int(DOWN_MS.min, DOWN_MS.max) }
        : { kind: 'member-pause', channel: track, member, pauseMs: rng.int(PAUSE_MS.min, PAUSE_MS.max) };
    }
    const index = this.l2Index[track]++;
    return { index, gapMs, fault };
  }

  private pickReplicaFault(rng: Prng): ReplicaFault {
    this.faultsSinceNoQuorum += 1;
    const roll = rng.next();
    const noQuorumDue = this.faultsSinceNoQuorum > NO_QUORUM_SPACING;
    if (noQuorumDue && roll < 0.4) {
      this.faultsSinceNoQuorum = 0;
      const durationMs = rng.int(WINDOW_MS.min, WINDOW_MS.max);
      if (this.partitions && rng.chance(0.5)) return { kind: 'partition', shape: 'split', durationMs };
      const [first, second] = rng.shuffle([0, 1, 2, 3] as const);
      return { kind: 'no-quorum', how: rng.chance(0.5) ? 'kill' : 'pause', targets: [{ offset: first! }, { offset: second! }], durationMs };
    }
    // With the lab, partitions take a third of the faults: they need no restart, so they are quick to recover from.
    if (this.partitions && roll > 2 / 3) {
      return { kind: 'partition', shape: rng.chance(0.5) ? 'minority' : 'primary-isolated', durationMs: rng.int(WINDOW_MS.min, WINDOW_MS.max) };
    }
    if (roll < 0.6) {
      const mustBePrimary = this.killsSincePrimary >= PRIMARY_EVERY_KILLS - 1;
      const offset = mustBePrimary ? 0 : rng.pick([0, 1, 2, 3] as const);
      this.killsSincePrimary = offset === 0 ? 0 : this.killsSincePrimary + 1;
      return { kind: 'replica-kill', target: { offset }, downMs: rng.int(DOWN_MS.min, DOWN_MS.max) };
    }
    return { kind: 'replica-pause', target: { offset: rng.pick([0, 1, 2, 3] as const) }, pauseMs: rng.int(PAUSE_MS.min, PAUSE_MS.max) };
  }
}

/** One line of the fault log, for people: what was done to whom. */
export function describeFault(fault: ReplicaFault | L2Fault): string {
  const role = (target: ReplicaTarget) => (target.offset === 0 ? 'primary' : `primary+${target.offset}`);
  switch (fault.kind) {
    case 'replica-kill':
      return `kill -9 replica ${role(fault.target)}, down ${fault.downMs} ms`;
    case 'replica-pause':
      return `pause replica ${role(fault.target)} for ${fault.pauseMs} ms`;
    case 'no-quorum':
      return `no quorum: ${fault.how} replicas ${fault.targets.map(role).join(' and ')} for ${fault.durationMs} ms`;
    case 'partition':
      return `partition (${fault.shape}) for ${fault.durationMs} ms`;
    case 'member-kill':
      return `kill -9 ${fault.channel} member ${fault.member}, down ${fault.downMs} ms`;
    case 'member-pause':
      return `pause ${fault.channel} member ${fault.member} for ${fault.pauseMs} ms`;
    case 'watchtower-kill':
      return `kill -9 watchtower, down ${fault.downMs} ms`;
    case 'watchtower-pause':
      return `pause watchtower for ${fault.pauseMs} ms`;
  }
}
