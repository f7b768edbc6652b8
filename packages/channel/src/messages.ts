// The messages members send each other. Every one arrives as a `message`
// input with the sender's index, which the shell has authenticated.
import type { Certificate, ChannelErrorCode, Payment, Proposal, WithdrawalRequest } from './types.ts';

export type MemberMessage =
  /** A payment handed to the sequencer (head). */
  | { readonly type: 'forward'; readonly payment: Payment }
  /** Star: the sequencer's proposal with its own signature. Chain: the proposal with the signatures gathered so far. */
  | { readonly type: 'propose'; readonly proposal: Proposal; readonly signatures: readonly (string | null)[] }
  /** Star: a member's signature on a proposal. */
  | { readonly type: 'vote'; readonly version: number; readonly stateHash: string; readonly member: number; readonly signature: string }
  /**
   * A completed certificate, sent to every member. It carries no payments:
   * every member signed this very state, so each takes the payments from the
   * proposal it checked before signing — never from the sender's word.
   */
  | { readonly type: 'certificate'; readonly certificate: Certificate }
  /** Asks the sequencer to propose the final state (cooperative close). */
  | { readonly type: 'close-request' }
  /** The sequencer tells the payer's member that a payment will never commit, so it does not wait for it. */
  | { readonly type: 'rejected'; readonly paymentId: string; readonly code: ChannelErrorCode }
  /**
   * Asks the sequencer to propose a state withdrawing `amount` from the
   * sender's balance (DESIGN §7). It needs no signature of its own: the
   * sender's signature on the resulting state is its consent.
   */
  | { readonly type: 'withdraw-request'; readonly request: WithdrawalRequest }
  /** The sequencer tells a member that its withdrawal will not be proposed (its balance does not cover it). */
  | { readonly type: 'withdraw-rejected'; readonly code: ChannelErrorCode };

export type MemberMessageType = MemberMessage['type'];
