// Monotonic reads: a client remembers the highest L1 height any answer it
// took was as of (an account, a channel, a status, a committed transaction, a
// proven block, a final transaction) and never returns an answer as of an
// older height. A replica that answers from behind (it is catching up, or was
// cut off) gets the client's STALE_READ, on which the client fails over to
// the next replica; when every replica is behind it waits a little and asks
// again, a bounded number of times, then fails with STALE_READ rather than
// hand back the past. So a read after a read — or after a transaction the
// client saw final — never goes back in time, whichever replica answers.
import { ApiError } from './errors.ts';

/** Rounds over all replicas before a read fails STALE_READ, and the wait before each further round (doubling). */
export const STALE_READ_ROUNDS = 4;
export const STALE_READ_FIRST_WAIT_MS = 50;

export class HeightFloor {
  private highest = 0;

  /** The highest height an answer taken so far was as of. */
  get height(): number {
    return this.highest;
  }

  /** An answer as of `height` was taken (heights below the floor change nothing). */
  saw(height: number): void {
    if (height > this.highest) this.highest = height;
  }

  /** Throws STALE_READ (which fails over) when `url` answered as of a height below the floor; else raises the floor to it. */
  check(url: string, height: number): void {
    if (height < this.highest) {
      throw new ApiError('STALE_READ', `${url} answered as of height ${height}, older than height ${this.highest} this client saw before`, null, {
        details: { height, floor: this.highest },
      });
    }
    this.highest = height;
  }
}

/** Runs `read` (a failover over every replica) until it is not STALE_READ, at most STALE_READ_ROUNDS times, waiting between rounds. */
export async function withFreshReads<T>(read: () => Promise<T>, sleep: (ms: number) => Promise<void>): Promise<T> {
  for (let round = 1; ; round++) {
    try {
      return await read();
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== 'STALE_READ' || round >= STALE_READ_ROUNDS) throw error;
      await sleep(STALE_READ_FIRST_WAIT_MS * 2 ** (round - 1));
    }
  }
}
