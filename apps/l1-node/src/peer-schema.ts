// Schemas of what replicas send each other. A peer is authenticated (MAC) but
// may be Byzantine: every message is validated into its exact shape here, at
// the boundary, before the core sees it. Signatures are checked by the core.
import { MAX_BLOCK_TXS, isWellFormedTx, type SignedTx } from '@wedge/ledger';
import type { Message } from '@wedge/consensus';
import { z } from 'zod';
import type { RelayMessage } from './compact-relay.ts';

const MAX_REPLICAS = 64;
const MAX_WINDOW = 4_096;

const hex = (length: number) => z.string().regex(new RegExp(`^[0-9a-f]{${length}}$`));
const height = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const replica = z.number().int().min(0).max(MAX_REPLICAS - 1);
const signature = z.string().regex(/^[0-9a-f]{2,512}$/);
const HASH = /^[0-9a-f]{64}$/;

/**
 * The schema of one peer message. `isWellFormed` decides whether a value is a
 * transaction (isWellFormedTx, or a replica's memo of it, so that the core
 * does not check a transaction's shape a second time).
 */
function peerMessageSchema(isWellFormed: (value: unknown) => boolean) {
  const tx = z.custom<SignedTx>((value) => isWellFormed(value), { message: 'malformed transaction' });
  /** Up to a block's worth of transaction hashes (checked in one loop: a proposal carries hundreds). */
  const txHashes = z.custom<string[]>(
    (value) => Array.isArray(value) && value.length <= MAX_BLOCK_TXS && value.every((item) => typeof item === 'string' && HASH.test(item)),
    { message: 'not a list of transaction hashes' },
  );
  const block = z.strictObject({ height, txs: z.array(tx).max(MAX_BLOCK_TXS) });

  const vote = <T extends string>(type: T) =>
    z.strictObject({ type: z.literal(type), view: height, seq: height, digest: hex(64), replica, signature });
  const prePrepare = vote('pre-prepare');
  const prepare = vote('prepare');
  const commit = vote('commit');
  const checkpoint = z.strictObject({ type: z.literal('checkpoint'), seq: height, root: hex(64), replica, signature });
  const complaint = z.strictObject({ type: z.literal('complaint'), view: height, replica, signature });
  const heartbeat = z.strictObject({ type: z.literal('heartbeat'), view: height, beat: height, replica, signature });
  const preparedCertificate = z.strictObject({ prePrepare, block, prepares: z.array(prepare).max(MAX_REPLICAS) });
  const viewChange = z.strictObject({
    type: z.literal('view-change'),
    view: height,
    stableSeq: height,
    stableRoot: hex(64),
    checkpointProof: z.array(checkpoint).max(MAX_REPLICAS),
    prepared: z.array(preparedCertificate).max(MAX_WINDOW),
    replica,
    signature,
  });
  const newView = z.strictObject({
    type: z.literal('new-view'),
    view: height,
    viewChanges: z.array(viewChange).max(MAX_REPLICAS),
    prePrepares: z.array(z.strictObject({ prePrepare, block })).max(MAX_WINDOW),
    replica,
    signature,
  });
  // Compact views (compact-relay.ts): blocks in one table, named by index; an index outside the table makes the message malformed.
  const compactBlock = z.strictObject({ height, hashes: txHashes });
  const blockIndex = z.number().int().min(0).max(MAX_WINDOW * (MAX_REPLICAS + 1));
  const inTable = (blocks: readonly unknown[], indices: readonly number[]) => indices.every((index) => index < blocks.length);
  const nestedViewChange = z.strictObject({
    view: height,
    stableSeq: height,
    stableRoot: hex(64),
    checkpointProof: z.array(checkpoint).max(MAX_REPLICAS),
    prepared: z.array(z.strictObject({ prePrepare, prepares: z.array(prepare).max(MAX_REPLICAS), block: blockIndex })).max(MAX_WINDOW),
    replica,
    signature,
  });
  const compactViewChange = z
    .strictObject({ type: z.literal('compact-view-change'), blocks: z.array(compactBlock).max(MAX_WINDOW), ...nestedViewChange.shape })
    .refine((message) => inTable(message.blocks, message.prepared.map((entry) => entry.block)), { message: 'block index outside the table' });
  const compactNewView = z
    .strictObject({
      type: z.literal('compact-new-view'),
      view: height,
      blocks: z.array(compactBlock).max(MAX_WINDOW * (MAX_REPLICAS + 1)),
      viewChanges: z.array(nestedViewChange).max(MAX_REPLICAS),
      prePrepares: z.array(z.strictObject({ prePrepare, block: blockIndex })).max(MAX_WINDOW),
      replica,
      signature,
    })
    .refine(
      (message) =>
        inTable(message.blocks, message.prePrepares.map((entry) => entry.block)) &&
        message.viewChanges.every((viewChange) => inTable(message.blocks, viewChange.prepared.map((entry) => entry.block))),
      { message: 'block index outside the table' },
    );
  const certificate = z.strictObject({
    view: height,
    height,
    digest: hex(64),
    signatures: z.array(z.strictObject({ replica, signature })).max(MAX_REPLICAS),
  });
  const stateReply = z.strictObject({
    type: z.literal('state-reply'),
    snapshot: z
      .strictObject({
        checkpoint: z.strictObject({ seq: height, root: hex(64), proof: z.array(checkpoint).max(MAX_REPLICAS) }),
        // The ledger decoder validates the snapshot fully; the core checks its root.
        state: z.unknown(),
      })
      .nullable(),
    blocks: z.array(z.strictObject({ block, certificate })).max(MAX_WINDOW),
  });

  const peerMessage = z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('pre-prepare-block'), prePrepare, block }),
    prepare,
    commit,
    checkpoint,
    complaint,
    heartbeat,
    viewChange,
    newView,
    z.strictObject({ type: z.literal('fetch-state'), fromHeight: height, nonce: height, replica, signature }),
    stateReply,
    z.strictObject({ type: z.literal('request'), tx }),
    z.strictObject({ type: z.literal('new-view-request'), view: height }),
    // Relay (compact-relay.ts): below the core, between two replica shells.
    z.strictObject({ type: z.literal('compact-pre-prepare'), prePrepare, height, hashes: txHashes }),
    compactViewChange,
    compactNewView,
    z.strictObject({ type: z.literal('fetch-txs'), hashes: txHashes }),
    z.strictObject({ type: z.literal('txs'), txs: z.array(tx).max(MAX_BLOCK_TXS) }),
  ]);
    return peerMessage;
  }

/** What replicas send each other: consensus messages and relay messages. */
export type WireMessage = Message<SignedTx> | RelayMessage;

export const MAX_ENVELOPE_MESSAGES = 2_048;

export const peerEnvelope = z.strictObject({
  from: replica,
  messages: z.array(z.unknown()).max(MAX_ENVELOPE_MESSAGES),
});

export type PeerMessageParser = (messages: readonly unknown[]) => WireMessage[];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The zod schema alone (what the parser's fast path must agree with; for tests). */
export function peerMessageSchemaFor(isWellFormed: (value: unknown) => boolean = isWellFormedTx) {
  return peerMessageSchema(isWellFormed);
}

/** A parser of an envelope's messages: the valid ones; malformed ones are dropped one by one (a Byzantine peer gains nothing). */
export function createPeerMessageParser(isWellFormed: (value: unknown) => boolean = isWellFormedTx): PeerMessageParser {
  const peerMessage = peerMessageSchema(isWellFormed);
  return (messages) => {
    const valid: WireMessage[] = [];
    for (const message of messages) {
      // Forwarded requests are most messages: their schema, { type: 'request', tx }
      // and nothing else, is checked directly (peer-codec.test.ts holds it to zod's answer).
      if (isRecord(message) && message.type === 'request') {
        const keys = Object.keys(message);
        if (keys.length === 2 && Object.hasOwn(message, 'tx') && isWellFormed(message.tx)) valid.push({ type: 'request', tx: message.tx as SignedTx });
        continue;
      }
      const parsed = peerMessage.safeParse(message);
      if (parsed.success) valid.push(parsed.data as WireMessage);
    }
    return valid;
  };
}

/** The parser with the plain shape check (for tools and tests; a replica uses its own, see ReplicaNode). */
export const parsePeerMessages: PeerMessageParser = createPeerMessageParser();
