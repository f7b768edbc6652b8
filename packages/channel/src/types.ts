// Types of the L2 channel member core (DESIGN §4): configuration, payments,
// certificates, the messages between members, and a step's events and effects.
import type { SignatureScheme } from '@wedge/crypto';
import type { ChannelState, ChannelTopology } from '@wedge/ledger';

export type Payment = {
  readonly from: number;
  readonly to: number;
  readonly amount: bigint;
  /** 64 hex, unique per channel: a payment id is applied at most once. */
  readonly paymentId: string;
  /** The payer's signature (hex) over the payment under `wedge/<chainId>/payment`. */
  readonly signature: string;
};

/** A state with one signature per member, in member order. Version 0 (the opening state on L1) needs none. */
export type Certificate = { readonly state: ChannelState; readonly signatures: readonly string[] };

export type MemberConfig = {
  readonly chainId: string;
  readonly channelId: string;
  /** The ordered group L1 designated: member 0 is the sequencer (star) or head (chain). */
  readonly members: readonly { readonly publicKey: string }[];
  readonly self: number;
  readonly topology: ChannelTopology;
  readonly deposits: readonly bigint[];
  readonly maxBatchPayments: number;
  readonly maxPendingPayments: number;
  /** With work pending and no new certificate for this long, the member wedges. */
  readonly progressTimeoutMs: number;
};

export type MemberContext = {
  readonly config: MemberConfig;
  readonly scheme: SignatureScheme;
  readonly secretKey: Uint8Array;
};

/** A proposal for the next version: the state and the payments that produce it from the previous certificate. */
export type Proposal = { readonly state: ChannelState; readonly payments: readonly Payment[] };

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
  | { readonly type: 'rejected'; readonly paymentId: string; readonly code: ChannelErrorCode };

export type L1ChannelView = {
  readonly status: 'open' | 'frozen' | 'closed';
  readonly recordedVersion: number;
  readonly deadline: number | null;
  readonly height: number;
};

export type MemberEvent =
  | { readonly type: 'start' }
  | { readonly type: 'payment'; readonly payment: Payment }
  | { readonly type: 'message'; readonly from: number; readonly message: MemberMessage }
  | { readonly type: 'timeout'; readonly token: number }
  | { readonly type: 'wedge'; readonly reason: WedgeReason }
  | { readonly type: 'close' }
  /** What the member's L1 follower saw (from blocks with verified commit certificates). */
  | { readonly type: 'l1'; readonly channel: L1ChannelView };

export type WedgeReason = 'user' | 'progress-timeout' | 'l1-frozen';

export type L1Action = 'terminate' | 'challenge' | 'settle' | 'close';

export type MemberEffect =
  | { readonly type: 'send'; readonly to: number; readonly message: MemberMessage }
  | { readonly type: 'set-timer'; readonly afterMs: number; readonly token: number }
  | { readonly type: 'clear-timer' }
  /** A new certificate: these payments are committed at its version. */
  | { readonly type: 'certified'; readonly certificate: Certificate; readonly paymentIds: readonly string[] }
  | { readonly type: 'payment-rejected'; readonly paymentId: string; readonly code: ChannelErrorCode }
  | { readonly type: 'wedged'; readonly reason: WedgeReason }
  /** Submit an L1 transaction about this channel, built from `certificate` (null: the opening state). */
  | { readonly type: 'submit-l1'; readonly action: L1Action; readonly certificate: Certificate | null };

export const CHANNEL_ERROR_CODES = [
  'BAD_SIGNATURE',
  'NOT_A_MEMBER',
  'INVALID_AMOUNT',
  'INSUFFICIENT_FUNDS',
  'DUPLICATE_PAYMENT',
  'WEDGED',
  'CHANNEL_CLOSED',
  'MEMPOOL_FULL',
] as const;
export type ChannelErrorCode = (typeof CHANNEL_ERROR_CODES)[number];

/**
 * Why the watchtower core refuses a pushed certificate (its `push-rejected`
 * effect): it does not watch the channel, the certificate is not signed by
 * exactly the channel's members, or it holds this version or a newer one.
 */
export const WATCHTOWER_REJECTION_CODES = ['UNKNOWN_CHANNEL', 'BAD_SIGNATURE', 'STALE_STATE'] as const;
export type WatchtowerRejectionCode = (typeof WATCHTOWER_REJECTION_CODES)[number];
