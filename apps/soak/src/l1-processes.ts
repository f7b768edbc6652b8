// The soak's handle on the four replica processes, whichever way they run:
// on this machine's loopback (l1-local.ts, the end-to-end harness) or each
// in a network namespace of its own (l1-lab.ts, the network lab), where links
// between replicas can also be cut.
import type { GenesisFile } from '@wedge/api';
import type { L1Network } from '../../../test/support/l1-network.ts';

export interface L1Processes {
  readonly urls: readonly string[];
  readonly genesis: GenesisFile;
  /**
   * What the L2 harness (test/support/l2-network.ts) needs of a network to
   * open channels and place member data: its genesis file, directory and
   * genesis accounts.
   */
  readonly harnessNetwork: L1Network;
  startAll(): Promise<void>;
  /** Starts (or restarts from its data directory) replica `id`; resolves once it listens. */
  start(id: number): Promise<void>;
  /** kill -9; resolves once it is gone. */
  kill(id: number): Promise<void>;
  pause(id: number): void;
  resume(id: number): void;
  /** The running process's pid, or null. */
  pid(id: number): number | null;
  log(id: number): string;
  /** Replicas in different groups cannot reach each other until heal(); null where links cannot be cut (not in the lab). */
  readonly partitions: { partition(groups: readonly (readonly number[])[]): void; heal(): void } | null;
  destroy(): Promise<void>;
}
