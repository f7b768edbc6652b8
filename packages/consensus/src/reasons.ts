// Why the core drops an input (malachite's `Error`, for inputs that are not
// bugs): every check of the core returns one of these codes or null, and a
// dropped input becomes a `dropped` effect with its code. One union per
// input, so a handler's signature says which reasons it can give; every
// code has a one-line meaning below (the Record makes a new code fail to
// compile until it has one).
import type { TimerName } from './input.ts';
import type { Message } from './types.ts';

/** What was dropped: a message, by its type (a client's request is 'request' without a sender), or a timer. */
export type DroppedInput = Message<unknown>['type'] | `${TimerName}-timeout`;

/** A number that must be an integer is not (the process schema rejects these first; the simulator's Byzantine replicas do not). */
type Malformed = 'MALFORMED';

/** A vote (pre-prepare, prepare, commit) outside the views and sequence numbers a replica stores now. */
export type VoteWindowReason = Malformed | 'STALE_VIEW' | 'VIEW_TOO_FAR' | 'OUTSIDE_WATERMARKS';

/** A view change, complaint or new view for a view below ours or too far above. */
export type ViewJumpReason = Malformed | 'STALE_VIEW' | 'VIEW_TOO_FAR';

export type RequestDropReason = 'ALREADY_PENDING' | 'ALREADY_EXECUTED' | 'NONCE_SPENT';

/** Why a proposed block is not acceptable (a pre-prepare's, or one buffered for a view we enter). */
export type ProposalReason = Malformed | 'HEIGHT_MISMATCH' | 'BLOCK_TOO_LARGE' | 'BAD_DIGEST' | 'BAD_SIGNATURE' | 'DUPLICATE_TX' | 'NONCE_ORDER' | 'INVALID_TX';

export type PrePrepareDropReason = VoteWindowReason | 'NOT_FROM_PRIMARY' | 'FROM_SELF' | 'DUPLICATE' | 'CONFLICTING_PRE_PREPARE' | ProposalReason;

export type PrepareDropReason = VoteWindowReason | 'PRIMARY_PREPARE' | 'DUPLICATE' | 'BAD_SIGNATURE';

export type CommitDropReason = VoteWindowReason | 'DUPLICATE' | 'BAD_SIGNATURE';

export type CheckpointDropReason = Malformed | 'STALE_CHECKPOINT' | 'NOT_CHECKPOINT_HEIGHT' | 'FAR_AHEAD' | 'DUPLICATE' | 'BAD_SIGNATURE';

export type ComplaintDropReason = ViewJumpReason | 'FROM_SELF' | 'DUPLICATE' | 'SUPERSEDED' | 'BAD_SIGNATURE';

export type HeartbeatDropReason = ViewJumpReason | 'NOT_FROM_PRIMARY' | 'FROM_SELF' | 'VIEW_NOT_REACHED' | 'STALE_BEAT' | 'BAD_SIGNATURE';

/** Why a view-change message is not valid (alone, or inside a new view). */
export type ViewChangeReason =
  | Malformed
  | 'TOO_MANY_CERTIFICATES'
  | 'BAD_SIGNATURE'
  | 'BAD_CHECKPOINT_PROOF'
  | 'CERTIFICATE_OUT_OF_RANGE'
  | 'CERTIFICATE_NOT_FROM_EARLIER_VIEW'
  | 'BAD_PREPARED_CERTIFICATE';

export type ViewChangeDropReason = ViewJumpReason | 'DUPLICATE' | 'SUPERSEDED' | ViewChangeReason;

/** Why a new-view message is not valid. */
export type NewViewReason =
  | Malformed
  | 'TOO_FEW_VIEW_CHANGES'
  | 'TOO_MANY_VIEW_CHANGES'
  | 'DUPLICATE_VIEW_CHANGE'
  | 'TOO_MANY_PRE_PREPARES'
  | 'BAD_SIGNATURE'
  | 'BAD_VIEW_CHANGE'
  | 'BAD_PRE_PREPARE'
  | 'BAD_DIGEST'
  | 'PLAN_MISMATCH';

export type NewViewDropReason = ViewJumpReason | 'ALREADY_IN_VIEW' | 'NOT_FROM_PRIMARY' | 'FROM_SELF' | NewViewReason;

export type NewViewRequestDropReason = Malformed | 'CHANGING_VIEWS' | 'NO_NEW_VIEW' | 'VIEW_NOT_REACHED';

export type FetchStateDropReason = Malformed | 'NOT_AHEAD' | 'FROM_SELF' | 'BAD_SIGNATURE' | 'NOTHING_TO_SEND';

/** Why a snapshot in a state reply is not installed. */
export type SnapshotReason = 'BAD_CHECKPOINT_PROOF' | 'BAD_SNAPSHOT' | 'SNAPSHOT_ROOT_MISMATCH';

/** Why a fetched block is not executed (and the blocks after it in the reply with it). */
export type CommittedBlockReason = 'HEIGHT_GAP' | 'HEIGHT_MISMATCH' | 'BAD_DIGEST' | 'BLOCK_TOO_LARGE' | 'BAD_COMMIT_CERTIFICATE';

export type StateReplyDropReason = Malformed | 'NOTHING_NEW' | SnapshotReason | CommittedBlockReason;

export type TimerDropReason = 'STALE_TIMER' | 'CHANGING_VIEWS' | 'NOT_CHANGING_VIEWS' | 'NOT_PRIMARY' | 'NOT_BACKUP';

export type DropReason =
  | RequestDropReason
  | PrePrepareDropReason
  | PrepareDropReason
  | CommitDropReason
  | CheckpointDropReason
  | ComplaintDropReason
  | HeartbeatDropReason
  | ViewChangeDropReason
  | NewViewDropReason
  | NewViewRequestDropReason
  | FetchStateDropReason
  | StateReplyDropReason
  | TimerDropReason;

export const DROP_REASON_MEANINGS: Readonly<Record<DropReason, string>> = {
  MALFORMED: 'a field that must be an integer (view, sequence number, height) or a list is not one',
  ALREADY_PENDING: 'the request is in the mempool already',
  ALREADY_EXECUTED: 'the request executed recently',
  NONCE_SPENT: "the application says it can never execute (its sender's nonce has moved past it)",
  STALE_VIEW: 'for a view below the current one',
  VIEW_TOO_FAR: 'for a view further ahead than the replica keeps messages for',
  OUTSIDE_WATERMARKS: 'sequence number outside (low watermark, high watermark]',
  NOT_FROM_PRIMARY: "not signed as the view's primary",
  FROM_SELF: 'claims to be our own message, which we never take from a peer',
  DUPLICATE: 'the same replica sent this for the same slot, checkpoint or view already; the first one counts',
  CONFLICTING_PRE_PREPARE: 'a second, different pre-prepare for a (view, sequence number): the primary equivocates; the first one counts',
  HEIGHT_MISMATCH: 'the block height differs from the sequence number (or the certificate height) it is sent for',
  BLOCK_TOO_LARGE: 'more transactions than maxBlockTxs',
  BAD_DIGEST: 'the block does not hash to the digest signed for it',
  BAD_SIGNATURE: 'the signature does not verify against the named replica',
  DUPLICATE_TX: 'the block holds the same transaction twice',
  NONCE_ORDER: "a sender's transactions in the block are not in consecutive nonce order",
  INVALID_TX: "a transaction of the block fails the application's own check (shape, chain id, signatures)",
  PRIMARY_PREPARE: "a prepare from the view's primary, whose vote is its pre-prepare",
  STALE_CHECKPOINT: 'at or below the stable checkpoint',
  NOT_CHECKPOINT_HEIGHT: 'not a multiple of checkpointBlocks',
  FAR_AHEAD: 'a checkpoint beyond the window of stored votes: not counted, but the replica catches up to it',
  SUPERSEDED: 'the replica has sent us one for a higher view, which replaces this',
  TOO_MANY_CERTIFICATES: 'more prepared certificates than watermarkBlocks',
  BAD_CHECKPOINT_PROOF: 'the stable checkpoint is not proven by 2f+1 matching signed checkpoints',
  CERTIFICATE_OUT_OF_RANGE: 'a prepared certificate at or below the stable checkpoint, or above its high watermark',
  CERTIFICATE_NOT_FROM_EARLIER_VIEW: 'a prepared certificate of the view being changed to, or a later one',
  BAD_PREPARED_CERTIFICATE: "a prepared certificate without the primary's signed pre-prepare, its block and 2f matching prepares",
  TOO_FEW_VIEW_CHANGES: 'fewer than 2f+1 view changes',
  TOO_MANY_VIEW_CHANGES: 'more view changes than replicas',
  DUPLICATE_VIEW_CHANGE: 'two view changes from one replica',
  TOO_MANY_PRE_PREPARES: 'more re-proposals than watermarkBlocks',
  BAD_VIEW_CHANGE: 'one of its view changes is invalid or for another view',
  BAD_PRE_PREPARE: "one of its pre-prepares is for another view or not the primary's",
  PLAN_MISMATCH: "its pre-prepares are not the ones the view changes' prepared certificates call for",
  ALREADY_IN_VIEW: 'the replica is normal in that view already',
  CHANGING_VIEWS: 'the replica is changing views, and this belongs to the normal case',
  NOT_CHANGING_VIEWS: 'the replica is no longer changing views',
  NO_NEW_VIEW: 'the replica holds no new-view message (it never changed views)',
  VIEW_NOT_REACHED: 'the replica has not entered the view asked for',
  NOT_AHEAD: 'the replica has not executed the height asked from',
  NOTHING_TO_SEND: 'the replica holds neither the blocks nor a snapshot that would help',
  NOTHING_NEW: 'a state reply with nothing beyond what the replica executed',
  BAD_SNAPSHOT: 'the snapshot does not decode',
  SNAPSHOT_ROOT_MISMATCH: 'the decoded snapshot does not have the root its checkpoint proves',
  HEIGHT_GAP: 'a fetched block is not the next height to execute',
  BAD_COMMIT_CERTIFICATE: 'a fetched block without 2f+1 valid commit signatures',
  STALE_TIMER: 'a timer that was cleared or set again after it was armed',
  NOT_PRIMARY: 'only the primary acts on this timer',
  NOT_BACKUP: 'only a backup acts on this timer',
  STALE_BEAT: 'a heartbeat whose beat is not above the last one taken from that primary (a replay)',
};

/** Every drop reason, for shells and tests that count or list them. */
export const DROP_REASONS = Object.keys(DROP_REASON_MEANINGS) as readonly DropReason[];
