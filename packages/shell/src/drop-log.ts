// The inputs a core dropped, with the core's reason (its `dropped` effects),
// logged as a sample: counts per input and reason, one line per interval when
// there is something to say. Most drops are benign (a vote that arrived twice,
// a checkpoint already stable, a forwarded payment already known); a sudden
// kind or count is what an operator looks for ("why is this process ignoring
// that one?").
export const DROP_LOG_INTERVAL_MS = 60_000;

export type DropLogLine = { readonly intervalMs: number; readonly dropped: Record<string, number> };

export class DropLog {
  private counts = new Map<string, number>();
  private total = 0;
  private readonly timer: ReturnType<typeof setInterval> | null;

  /** With `emit`, a line goes out every `intervalMs` in which something was dropped; without, `take` is called by hand. */
  constructor(emit?: (line: DropLogLine) => void, private readonly intervalMs = DROP_LOG_INTERVAL_MS) {
    if (emit === undefined) {
      this.timer = null;
      return;
    }
    this.timer = setInterval(() => {
      const line = this.take();
      if (line !== null) emit(line);
    }, intervalMs);
    this.timer.unref?.();
  }

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

  /** The counts since the last call (null when none), and starts counting afresh. */
  take(): DropLogLine | null {
    if (this.counts.size === 0) return null;
    const dropped = Object.fromEntries([...this.counts].sort(([a], [b]) => (a < b ? -1 : 1)));
    this.counts = new Map();
    return { intervalMs: this.intervalMs, dropped };
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
  }
}
