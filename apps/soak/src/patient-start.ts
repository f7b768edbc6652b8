// The end-to-end harness gives a process 30 s to print its "listening" line
// and then rejects — but leaves the process running. On this 2-core machine,
// with other suites running beside the soak, a restart took longer than that
// (tsx compiling the sources while the CPU is shared by some twenty
// processes). So the soak keeps waiting for the same process rather than
// failing the restart, or starting a second process on the same data
// directory while the first one is still coming up.
import { setTimeout as sleep } from 'node:timers/promises';

/** How long a start may take in all, counting the harness's own 30 s. */
export const START_PATIENCE_MS = 180_000;
const POLL_MS = 100;

export type Startable = {
  /** The harness's start: resolves once the process listens, rejects after its own timeout or when the process exits. */
  start(): Promise<void>;
  /** The process's output chunks so far (the harness appends to this array). */
  log(): readonly string[];
  /** Whether the process the last start spawned is still running. */
  running(): boolean;
};

/** Starts the process and resolves once it listens, within START_PATIENCE_MS; rejects if it exits first or takes longer. */
export async function startPatiently(target: Startable, listeningMarker: string): Promise<void> {
  const startedAt = Date.now();
  const chunksBefore = target.log().length;
  try {
    await target.start();
    return;
  } catch (error) {
    while (Date.now() - startedAt < START_PATIENCE_MS) {
      if (!target.running()) throw error;
      if (target.log().slice(chunksBefore).join('').includes(listeningMarker)) return;
      await sleep(POLL_MS);
    }
    throw error;
  }
}
