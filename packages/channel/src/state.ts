// A member's state: what it holds (the latest certificate), what it signed
// (rule 2), whether it wedged (rule 3), the work waiting, and its L1 watch.
// Written only by the core's handlers; the shell persists it after each batch
// of steps (see durable.ts for what survives a crash).
import { createSeqWindow, type SeqWindow } from './payer-seqs.ts';
import { assert } from '@wedge/common';
import { openingState, type ChannelState } from '@wedge/ledger';
import type { WedgeReason } from './reasons.ts';
import type { Certificate, L1ChannelView, MemberContext, Payment, Proposal, WithdrawalRequest } from './types.ts';

/** A payment waiting to be certified, and the member that forwarded it here (null: a client submitted it here). */
export type PendingPayment = { readonly payment: Payment; readonly forwardedBy: number | null };

/** A payment this member answered as refused on the sequencer's word: its payer and seq (payer-seqs.ts). */
export type RefusedPayment = { readonly from: number; readonly seq: number };

/** The sequencer's (head's) proposal being signed, with the signatures gathered so far. */
export type InFlightProposal = { proposal: Proposal; hash: string; signatures: (string | null)[] };

/** A proposal that arrived before the certificate it extends. */
export type AheadProposal = { from: number; proposal: Proposal; signatures: readonly (string | null)[] };

/**
 * Proof that the sequencer signed two different states for one version: the
 * state this member signed there and the second one, each with the
 * sequencer's signature (both checked). Kept so that it can be shown later.
 */
export type EquivocationEvidence = {
  readonly version: number;
  readonly signed: { readonly state: ChannelState; readonly sequencerSignature: string };
  readonly conflicting: { readonly state: ChannelState; readonly sequencerSignature: string };
};

export type MemberState = {
  /** The latest certificate this member holds (version 0: the opening state). */
  latest: Certificate;
  /** The highest version this member ever signed, and what it signed there. */
  signedVersion: number;
  signedState: ChannelState | null;
  signedHash: string | null;
  signedSignature: string | null;
  /** The payments of the proposal signed at `signedVersion` (checked then); a certificate of that state applies exactly these. */
  signedPayments: readonly Payment[];
  /** Whether the state signed at `signedVersion` is final (rule 3). */
  signedFinal: boolean;
  /**
   * Per member, a signature on the state signed at `signedVersion` known to
   * be valid (ours, and those checked before signing): its certificate need
   * not verify them again.
   */
  signedWith: readonly (string | null)[];
  wedged: WedgeReason | null;
  /** The first proof of equivocation this member saw (it wedged then, unless it was already wedged). */
  equivocation: EquivocationEvidence | null;
  closed: boolean;
  closeRequested: boolean;
  /** Per member (as payer): the seqs of its payments in certified states, a bounded window (payer-seqs.ts). */
  payerSeqs: SeqWindow[];
  /** Payments waiting to be certified (at the sequencer: to be proposed), in arrival order. */
  pending: Map<string, PendingPayment>;
  inFlight: InFlightProposal | null;
  /**
   * A proposal that arrived before the certificate it extends (the network
   * reordered them, or in a chain the tail's certificate is slower than the
   * head's next proposal); looked at again when that certificate arrives.
   */
  aheadProposal: AheadProposal | null;
  l1: L1ChannelView | null;
  /**
   * Payments that waited here and that the sequencer said will never commit
   * (a `rejected` notice, answered to the client as a refusal), by id with
   * their payer and seq: this member never signs a state that applies one
   * (PAYMENT_REFUSED_HERE), so a lying sequencer cannot commit a payment whose
   * client was told it failed. An entry goes once its payer's seq can no
   * longer apply (the window moved past it, or another payment took it), or
   * when the client submits that payment again. It counts toward
   * maxPendingPayments with `pending`.
   */
  refused: Map<string, RefusedPayment>;
  /** The amount this member's user asked to withdraw, until a certificate carries it or it is refused (DESIGN §7). */
  withdrawal: WithdrawalRequest | null;
  /** At the sequencer: per member, a withdrawal asked for and not yet proposed. */
  withdrawRequests: (WithdrawalRequest | null)[];
  /** L1 height at which each action was last submitted, to resubmit only after a while. */
  submittedAt: { terminate: number; challenge: number; settle: number; close: number; withdraw: number };
  timerToken: number;
  timerArmed: boolean;
};

export function createMemberState(ctx: MemberContext): MemberState {
  const { config } = ctx;
  assert(config.members.length >= 2 && config.members.length <= 16, 'a channel has 2..16 members');
  assert(config.self >= 0 && config.self < config.members.length, 'self is a member index');
  assert(config.deposits.length === config.members.length, 'one deposit per member');
  return {
    latest: { state: openingState(config.chainId, config.channelId, [...config.deposits]), signatures: [] },
    signedVersion: 0,
    signedState: null,
    signedHash: null,
    signedSignature: null,
    signedPayments: [],
    signedFinal: false,
    signedWith: [],
    wedged: null,
    equivocation: null,
    closed: false,
    closeRequested: false,
    payerSeqs: config.members.map(() => createSeqWindow()),
    pending: new Map(),
    inFlight: null,
    aheadProposal: null,
    l1: null,
    refused: new Map(),
    withdrawal: null,
    withdrawRequests: config.members.map(() => null),
    submittedAt: { terminate: -Infinity, challenge: -Infinity, settle: -Infinity, close: -Infinity, withdraw: -Infinity },
    timerToken: 0,
    timerArmed: false,
  };
}
