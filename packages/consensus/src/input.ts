// The inputs of a step (malachite's `Input`): the replica starts, a client
// hands it a request, a peer's message arrives, or one of its timers fires.
// Time reaches the core only as timer events; the shell owns the clock.
import type { Message, ReplicaId } from './types.ts';

export type TimerName = 'progress' | 'view-change' | 'idle' | 'fetch' | 'heartbeat' | 'silence';

export type ConsensusEvent<Tx> =
  /** First boot, or restart from persisted state after a crash. */
  | { readonly type: 'start' }
  | { readonly type: 'request'; readonly tx: Tx }
  | { readonly type: 'message'; readonly from: ReplicaId; readonly message: Message<Tx> }
  | { readonly type: 'timeout'; readonly timer: TimerName; readonly token: number };
