// The L2 processes' log: @wedge/shell's process log (pino; one JSON object
// per line on stdout, pretty in a terminal, secrets scrubbed) with the
// process's fields on every line — what an operator (or a test harness)
// needs to follow a process: it listens, recovered, wedged, disputed, settled,
// an L1 transaction's fate.
import { createProcessLog, type ProcessLog } from '@wedge/shell';

/** What the nodes log through: an event name and its fields. */
export type Logger = { info(event: string, fields?: Record<string, unknown>): void };

/** `secrets`: the process's secret keys as hex, never to be written. */
export function createLogger(base: Record<string, unknown>, secrets: readonly string[] = []): ProcessLog {
  return createProcessLog({ base, secrets });
}
