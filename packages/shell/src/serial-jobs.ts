// Asynchronous jobs run one at a time, in the order they were added, on a loop
// of their own: the shell's event loop adds a job and goes on; it never waits
// for one. For work where two at once would race (L1 transactions from one
// account need its nonces in order; pushes to a watchtower where the newest
// wins).
//
// Bounded: at most `maxWaitingJobs` wait besides the one running; adding one
// more pushes out the oldest waiting (never the running one) and reports it,
// since in every use a newer job supersedes or repeats an older one.
//
// A job that throws is reported to `onError`, with the job, and the runner
// goes on with the next: an error is never dropped silently. A shell that
// sees a bug in it rethrows from `onError`, which rejects the runner's loop
// and so crashes the process (Node's default for an unhandled rejection).

export type SerialJobsOptions<Job> = {
  readonly maxWaitingJobs: number;
  /** Carries out one job; the next starts when its promise settles. */
  readonly run: (job: Job) => Promise<void>;
  readonly onError: (error: unknown, job: Job) => void;
  /** A job that finished (not one cut short by `stop`, nor one that threw). */
  readonly onDone?: (job: Job) => void;
  /** A waiting job pushed out by the bound. */
  readonly onDropped?: (job: Job) => void;
};

export class SerialJobs<Job> {
  private readonly waitingJobs: Job[] = [];
  private current: { readonly job: Job } | null = null;
  private looping = false;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: SerialJobsOptions<Job>) {
    if (!Number.isSafeInteger(options.maxWaitingJobs) || options.maxWaitingJobs < 1) {
      throw new RangeError(`maxWaitingJobs must be a positive integer, not ${options.maxWaitingJobs}`);
    }
  }

  /** Jobs waiting, not counting the running one. */
  get waiting(): number {
    return this.waitingJobs.length;
  }

  /** True while a job runs. */
  get busy(): boolean {
    return this.current !== null;
  }

  /** True when the running job or a waiting one satisfies `predicate`. */
  some(predicate: (job: Job) => boolean): boolean {
    return (this.current !== null && predicate(this.current.job)) || this.waitingJobs.some(predicate);
  }

  add(job: Job): void {
    if (this.stopped) return;
    this.waitingJobs.push(job);
    while (this.waitingJobs.length > this.options.maxWaitingJobs) {
      // Shift before reporting: `onDropped?.(shift())` would skip the shift
      // when no one listens and loop forever.
      const pushedOut = this.waitingJobs.shift()!;
      this.options.onDropped?.(pushedOut);
    }
    if (!this.looping) void this.loop();
  }

  /** No job starts after this; the running one is not reported done (its work may be incomplete). */
  stop(): void {
    this.stopped = true;
    this.waitingJobs.length = 0;
  }

  /** Resolves once no job runs or waits (at once when idle). */
  idle(): Promise<void> {
    if (!this.looping) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async loop(): Promise<void> {
    this.looping = true;
    try {
      while (!this.stopped && this.waitingJobs.length > 0) {
        const job = this.waitingJobs.shift()!;
        this.current = { job };
        let threw = false;
        try {
          await this.options.run(job);
        } catch (error) {
          threw = true;
          this.current = null;
          if (!this.stopped) this.options.onError(error, job);
        }
        this.current = null;
        if (!threw && !this.stopped) this.options.onDone?.(job);
      }
    } finally {
      this.looping = false;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}
