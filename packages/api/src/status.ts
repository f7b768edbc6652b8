// GET /v1/status: one replica's view of itself and its peers, for operators,
// the dashboard and clients that check they talk to the right network.
import { z } from 'zod';
import { WireChainId, WireCount, WireHash } from './fields.ts';
import { MAX_REPLICAS, MAX_URL_LENGTH } from './limits.ts';

const WireReplicaId = z.int().min(0).max(MAX_REPLICAS - 1);

export const StatusResponse = z.strictObject({
  chainId: WireChainId,
  genesisHash: WireHash,
  replicaId: WireReplicaId,
  view: WireCount,
  viewStatus: z.enum(['normal', 'view-change']),
  /** The last executed block. */
  height: WireCount,
  stableCheckpoint: z.strictObject({ seq: WireCount, root: WireHash }),
  stateRoot: WireHash,
  pendingTxs: WireCount,
  /**
   * Blocks this replica executed without holding them (it caught up by
   * installing a peer's snapshot) and has not fetched back yet; it answers
   * HISTORY_INCOMPLETE for them meanwhile. And how many it has fetched back.
   */
  history: z.strictObject({ missingBlocks: WireCount, backfilledBlocks: WireCount }),
  peers: z
    .array(
      z.strictObject({
        id: WireReplicaId,
        url: z.string().max(MAX_URL_LENGTH),
        reachable: z.boolean(),
        /** When this replica last heard from the peer, by the answering replica's clock (epoch ms); null if never. */
        lastSeenMs: z.number().nonnegative().finite().nullable(),
      }),
    )
    .max(MAX_REPLICAS),
});
export type StatusResponse = z.infer<typeof StatusResponse>;
