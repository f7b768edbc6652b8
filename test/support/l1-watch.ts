// Watching real replicas over their API, for tests and benchmarks that kill,
// pause or attack them: a status that may not come (the replica is down or
// busy), and the first block certified in a higher view (failover time).
import { BlockResultsResponse, StatusResponse, apiPaths } from '@wedge/api';

/** The replica's status, or null when it does not answer within 2 s. */
export async function replicaStatus(url: string): Promise<StatusResponse | null> {
  try {
    const answer = await fetch(`${url}${apiPaths.status()}`, { signal: AbortSignal.timeout(2_000) });
    return StatusResponse.parse(await answer.json());
  } catch {
    return null;
  }
}

/**
 * Follows the chain at `url` from `height` and resolves with the time (by
 * `now`) the first block certified in a view above `view` executed there, or
 * null when none did before `deadline` (by the same clock).
 */
export async function firstCommitAbove(url: string, height: number, view: number, deadline: number, now: () => number = Date.now): Promise<number | null> {
  for (let next = height + 1; now() < deadline; ) {
    const answer = await fetch(`${url}${apiPaths.blockResults(next, 5_000)}`, { signal: AbortSignal.timeout(10_000) }).catch(() => null);
    if (answer === null || answer.status !== 200) {
      await answer?.body?.cancel();
      continue;
    }
    const results = BlockResultsResponse.parse(await answer.json());
    if (results.certificate.view > view) return now();
    next += 1;
  }
  return null;
}
