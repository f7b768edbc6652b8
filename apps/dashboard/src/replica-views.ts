// One poll of every replica's GET /v1/status, summarised for the page: each
// replica's view and height, whether it is healthy, and which one is primary.
import type { StatusResponse } from '@wedge/api';
import type { WedgeClient } from '@wedge/client';
import type { ReplicaHealth, ReplicaView } from './snapshot.ts';

/** A replica more than this many blocks behind the highest is shown as lagging. */
export const LAG_BLOCKS = 3;

type Answer = { url: string; status: StatusResponse | null; error: string | null };

function mostCommon(values: readonly number[]): number | null {
  const counts = new Map<number, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  let best: number | null = null;
  for (const [value, count] of counts) if (best === null || count > counts.get(best)! || (count === counts.get(best)! && value > best)) best = value;
  return best;
}

function healthOf(status: StatusResponse | null, maxHeight: number): ReplicaHealth {
  if (status === null) return 'unreachable';
  if (status.viewStatus === 'view-change') return 'view-change';
  return status.height + LAG_BLOCKS < maxHeight ? 'lagging' : 'healthy';
}

/** `replicaCount`: n of the genesis replica set (the urls may name only some of them). */
export async function readReplicas(
  client: WedgeClient,
  urls: readonly string[],
  replicaCount: number,
): Promise<{ replicas: ReplicaView[]; maxHeight: number | null }> {
  const answers = await Promise.all(
    urls.map(async (url): Promise<Answer> => {
      try {
        return { url, status: await client.getStatus(url), error: null };
      } catch (error) {
        return { url, status: null, error: (error as Error).message };
      }
    }),
  );
  const reached = answers.flatMap((answer) => (answer.status === null ? [] : [answer.status]));
  const maxHeight = reached.length === 0 ? null : Math.max(...reached.map((status) => status.height));
  // PBFT's primary of view v is replica v mod n; the view most replicas are in says who leads now.
  const view = mostCommon(reached.filter((status) => status.viewStatus === 'normal').map((status) => status.view));
  const primaryId = view === null ? null : view % replicaCount;
  const replicas = answers.map((answer, index): ReplicaView => {
    const status = answer.status;
    const id = status?.replicaId ?? index;
    return {
      id,
      url: answer.url,
      health: healthOf(status, maxHeight ?? 0),
      primary: id === primaryId,
      view: status?.view ?? null,
      viewStatus: status?.viewStatus ?? null,
      height: status?.height ?? null,
      stableCheckpoint: status?.stableCheckpoint.seq ?? null,
      pendingTxs: status?.pendingTxs ?? null,
      peersReachable: status === null ? null : status.peers.filter((peer) => peer.reachable).length,
      peersTotal: status?.peers.length ?? replicaCount - 1,
      error: answer.error,
    };
  });
  return { replicas, maxHeight };
}
