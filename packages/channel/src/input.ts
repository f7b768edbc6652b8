// What a member core is stepped with: one input at a time, from its shell.
import type { MemberMessage } from './messages.ts';
import type { WedgeReason } from './reasons.ts';
import type { L1ChannelView, Payment } from './types.ts';

export type MemberEvent =
  /** The shell (re)started the core: after a crash, what may have been lost is sent again. */
  | { readonly type: 'start' }
  /** A payment a client submitted at this member. */
  | { readonly type: 'payment'; readonly payment: Payment }
  | { readonly type: 'message'; readonly from: number; readonly message: MemberMessage }
  /** The progress timer the core set (`set-timer`) fired. */
  | { readonly type: 'timeout'; readonly token: number }
  /** The member's user asks it to wedge. */
  | { readonly type: 'wedge'; readonly reason: WedgeReason }
  /** The member's user asks for a cooperative close. */
  | { readonly type: 'close' }
  /** The member's user asks to take `amount` out of its balance to its L1 account, the channel staying open. */
  | { readonly type: 'withdraw'; readonly amount: bigint }
  /** What the member's L1 follower saw (from blocks with verified commit certificates). */
  | { readonly type: 'l1'; readonly channel: L1ChannelView };
