// What a step asks its shell to do. The shell persists the new state with the
// effects before it carries out any of them (DESIGN §1, persist then act).
import type { MemberMessage, MemberMessageType } from './messages.ts';
import type { DropReason, WedgeReason } from './reasons.ts';
import type { Certificate, ChannelErrorCode, L1Action } from './types.ts';

export type DroppedEffect = {
  readonly type: 'dropped';
  /** Which kind of message was dropped. */
  readonly input: MemberMessageType;
  readonly from: number;
  readonly reason: DropReason;
};

export type MemberEffect =
  | { readonly type: 'send'; readonly to: number; readonly message: MemberMessage }
  | { readonly type: 'set-timer'; readonly afterMs: number; readonly token: number }
  | { readonly type: 'clear-timer' }
  /** A new certificate: these payments are committed at its version. */
  | { readonly type: 'certified'; readonly certificate: Certificate; readonly paymentIds: readonly string[] }
  | { readonly type: 'payment-rejected'; readonly paymentId: string; readonly code: ChannelErrorCode }
  | { readonly type: 'wedged'; readonly reason: WedgeReason }
  /** This member's withdrawal is in a certificate (at `version`); its `channel.withdraw` is being submitted. */
  | { readonly type: 'withdrawal-certified'; readonly amount: bigint; readonly version: number }
  /** This member's withdrawal will not be certified. */
  | { readonly type: 'withdrawal-rejected'; readonly amount: bigint; readonly code: ChannelErrorCode }
  /** Submit an L1 transaction about this channel, built from `certificate` (null: the opening state) by channelActionBody. */
  | { readonly type: 'submit-l1'; readonly action: L1Action; readonly certificate: Certificate | null }
  /** A message the core ignored, and why: the simulator counts these, a process logs them. */
  | DroppedEffect;
