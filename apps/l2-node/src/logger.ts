// One JSON object per line on stdout: what an operator (or a test harness)
// needs to follow a process — it listens, it wedged, an L1 transaction's fate.
export type Logger = { info(event: string, fields?: Record<string, unknown>): void };

export function createLogger(base: Record<string, unknown>): Logger {
  return {
    info(event, fields = {}) {
      process.stdout.write(`${JSON.stringify({ event, ...base, ...fields }, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))}\n`);
    },
  };
}
