// The value types of the L2 channel member core (DESIGN §4): payments,
// certificates, proposals, a member's configuration and context, the L1 view
// a member acts on, and the codes of a refused payment. Messages, inputs,
// effects, reasons and the member's state each have a file of their own.
import type { SignatureScheme } from '@wedge/crypto';
import type { ChannelState, ChannelTopology } from '@wedge/ledger';
import type { MemberRules } from './rules.ts';

export type Payment = {
  readonly from: number;
  readonly to: number;
  readonly amount: bigint;
  /**
   * The payer's sequence number, a positive integer the payer signs: a payer
   * applies each seq at most once (payer-seqs.ts), which is what makes a
   * payment impossible to replay. A client gives its payments increasing seqs
   * (gaps and reordering are fine within PAYER_SEQ_WINDOW).
   */
  readonly seq: number;
  /** 64 hex: the client's handle on the payment (answers, waiting, rejections). */
  readonly paymentId: string;
  /** The payer's signature (hex) over the payment under `wedge/<chainId>/payment`. */
  readonly signature: string;
};

/**
 * A withdrawal asked for: `amount` out of the member's balance, taking its
 * cumulative withdrawal to `withdrawnTo`. The target makes a request
 * idempotent: once a certificate reaches it, the request is done, however
 * often it was sent.
 */
export type WithdrawalRequest = { readonly amount: bigint; readonly withdrawnTo: bigint };

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
  /**
   * The honest-member rules, replaceable one at a time so that tests can
   * build a broken member and show the simulator's checkers catch it.
   * Absent: HONEST_MEMBER_RULES (every process runs those).
   */
  readonly rules?: MemberRules;
};

/** A proposal for the next version: the state and the payments that produce it from the previous certificate. */
export type Proposal = { readonly state: ChannelState; readonly payments: readonly Payment[] };

export type L1ChannelView = {
  readonly status: 'open' | 'frozen' | 'closed';
  readonly recordedVersion: number;
  readonly deadline: number | null;
  readonly height: number;
  /**
   * The splice fields of the L1 record (DESIGN §7). Absent in a view that
   * does not carry them: no deposit beyond the opening ones, no withdrawal,
   * floor 0.
   */
  /** Per member, the cumulative deposits L1 finalized (the opening deposit included). */
  readonly deposited?: readonly bigint[];
  /** Per member, the cumulative withdrawals L1 has paid. */
  readonly withdrawn?: readonly bigint[];
  /** The version floor: no state below it is accepted in a dispute. */
  readonly floor?: number;
  /** The certificate that set the floor (it carries every member's signature). */
  readonly floorCertificate?: Certificate | null;
};

export type L1Action = 'terminate' | 'challenge' | 'settle' | 'close' | 'withdraw';

export const CHANNEL_ERROR_CODES = [
  'BAD_SIGNATURE',
  'NOT_A_MEMBER',
  'INVALID_AMOUNT',
  'INSUFFICIENT_FUNDS',
  'DUPLICATE_PAYMENT',
  /** The payer's seq is not a positive safe integer. */
  'INVALID_PAYMENT_SEQ',
  /** The payer's seq is below the window of seqs a member remembers: it may have been applied, so it never will be now. */
  'PAYMENT_SEQ_TOO_OLD',
  'WEDGED',
  'CHANNEL_CLOSED',
  'MEMPOOL_FULL',
  /** A member asked for a withdrawal while its previous one is not certified yet. */
  'WITHDRAWAL_PENDING',
] as const;
export type ChannelErrorCode = (typeof CHANNEL_ERROR_CODES)[number];

/**
 * Why the watchtower core refuses a pushed certificate (its `push-rejected`
 * effect): it does not watch the channel, the certificate is not signed by
 * exactly the channel's members, or it holds this version or a newer one.
 */
export const WATCHTOWER_REJECTION_CODES = ['UNKNOWN_CHANNEL', 'BAD_SIGNATURE', 'STALE_STATE'] as const;
export type WatchtowerRejectionCode = (typeof WATCHTOWER_REJECTION_CODES)[number];
