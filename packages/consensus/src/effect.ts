// The effects of a step (malachite's `Effect`): data the shell carries out
// after persisting the state — messages to send, timers to set or clear,
// blocks to store and report, and inputs the core dropped, with the reason.
import type { TimerName } from './input.ts';
import type { DropReason, DroppedInput } from './reasons.ts';
import type { Block, CommitCertificate, Message, ReplicaId, StableCheckpoint } from './types.ts';

/**
 * An input the core ignored, and why. `from` is the peer that delivered a
 * message (absent for a client's request and for timers). Nothing in the
 * state changed because of the input, except what its reason says (a
 * checkpoint far ahead still starts a catch-up). The simulator counts these
 * by reason; a process logs a sample.
 */
export type DroppedEffect = {
  readonly type: 'dropped';
  readonly input: DroppedInput;
  readonly from: ReplicaId | undefined;
  readonly reason: DropReason;
};

export type ConsensusEffect<Tx> =
  | { readonly type: 'send'; readonly to: ReplicaId; readonly message: Message<Tx> }
  | { readonly type: 'broadcast'; readonly message: Message<Tx> }
  | { readonly type: 'set-timer'; readonly timer: TimerName; readonly afterMs: number; readonly token: number }
  | { readonly type: 'clear-timer'; readonly timer: TimerName }
  | { readonly type: 'committed'; readonly block: Block<Tx>; readonly certificate: CommitCertificate; readonly results: unknown[] }
  /** A request the application or a full mempool refused: the client gets this code (not a `dropped` effect). */
  | { readonly type: 'request-rejected'; readonly hash: string; readonly code: string }
  | { readonly type: 'checkpoint-stable'; readonly checkpoint: StableCheckpoint }
  | { readonly type: 'state-installed'; readonly seq: number; readonly root: string }
  | { readonly type: 'view-entered'; readonly view: number }
  | DroppedEffect;
