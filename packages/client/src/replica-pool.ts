// The replicas a client talks to, and failover between them. Each call starts
// at the next replica in turn (so load spreads and one bad replica is not
// always asked first) and moves on when a replica fails in a way another
// replica might not (unreachable, timeout, 5xx, an invalid answer). Every url
// is tried at most once per call, so a call is bounded by
// urls.length * timeoutMs.
import { ApiError, shouldFailOver } from './errors.ts';

export type ReplicaPool = {
  readonly urls: readonly string[];
  /** The urls in the order this call should try them. */
  nextOrder(): string[];
  /** Runs `attempt` on each url in turn until one does not fail over; attempt number 0 is the first. */
  withFailover<T>(attempt: (url: string, attemptNumber: number) => Promise<T>): Promise<T>;
};

export function createReplicaPool(urls: readonly string[]): ReplicaPool {
  let cursor = 0;
  const nextOrder = (): string[] => {
    const start = cursor;
    cursor = (cursor + 1) % urls.length;
    return urls.map((_, offset) => urls[(start + offset) % urls.length]!);
  };
  return {
    urls,
    nextOrder,
    async withFailover(attempt) {
      const failures: { url: string; code: string; message: string }[] = [];
      let last: ApiError | null = null;
      for (const [attemptNumber, url] of nextOrder().entries()) {
        try {
          return await attempt(url, attemptNumber);
        } catch (error) {
          if (!shouldFailOver(error)) throw error;
          last = error as ApiError;
          failures.push({ url, code: last.code, message: last.message });
        }
      }
      // Every replica failed: report the last failure's code (all MEMPOOL_FULL stays MEMPOOL_FULL), and all of them.
      const summary = failures.map((failure) => `${failure.url}: ${failure.code}`).join(', ');
      throw new ApiError(last!.code, `no replica could answer (${summary})`, last!.httpStatus, {
        details: { failures },
        cause: last,
      });
    },
  };
}
