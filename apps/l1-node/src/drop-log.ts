// The inputs a replica's core dropped, with the core's reason, logged as a
// sample: counts per input and reason, one line per interval when there is
// something to say. Most drops are benign (a vote that arrived twice, a
// checkpoint already stable); a sudden kind or count is what an operator
// looks for ("why is this replica ignoring that one?").
export const DROP_LOG_INTERVAL_MS = 60_000;

export class DropLog {
  private counts = new Map<string, number>();
  private total = 0;

  /** Counts one dropped input. */
  add(input: string, reason: string): void {
    const key = `${input}:${reason}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.total += 1;
  }

  /** Drops counted since the process started. */
  get dropped(): number {
    return this.total;
  }

  /** The counts since the last call, as a log line's fields (null when none), and starts counting afresh. */
  take(): { dropped: Record<string, number> } | null {
    if (this.counts.size === 0) return null;
    const dropped = Object.fromEntries([...this.counts].sort(([a], [b]) => (a < b ? -1 : 1)));
    this.counts = new Map();
    return { dropped };
  }
}
