// Why a member wedged, and why it dropped a message: every check of the core
// returns one of these codes (or null when the input passes), so "why was
// this ignored?" always has an answer.

export const WEDGE_REASONS = ['user', 'progress-timeout', 'l1-frozen', 'equivocation'] as const;
/**
 * user: its user asked. progress-timeout: work was pending and no certificate
 * came for `progressTimeoutMs`. l1-frozen: L1 shows the channel frozen.
 * equivocation: the sequencer signed two different states for one version
 * (the evidence is kept in MemberState.equivocation).
 */
export type WedgeReason = (typeof WEDGE_REASONS)[number];

/** Checks every message goes through first. */
export type SenderDropReason =
  /** The sender index is not another member of this channel. */
  | 'UNKNOWN_SENDER'
  /** Only the sequencer takes forwards, votes and close requests. */
  | 'NOT_SEQUENCER';

/** Why a proposal is not signed (rules 1 and 3; rule 2's second state is CONFLICTING_STATE, see handle/propose.ts). */
export type ProposalDropReason =
  /** Star: not from the sequencer. Chain: not from the member before this one. */
  | 'WRONG_PROPOSER'
  /** Not one signature slot per member, or not a list of payments. */
  | 'MALFORMED_PROPOSAL'
  | 'WRONG_CHANNEL'
  /** The channel already has a final certificate: nothing extends it. */
  | 'CHANNEL_FINAL'
  /** A second, different state for a version this member signed. */
  | 'CONFLICTING_STATE'
  /** A conflicting state below the version signed last: what was signed at its version is no longer known, so it proves nothing. */
  | 'BELOW_SIGNED_VERSION'
  /** It does not extend the latest certificate held here. */
  | 'WRONG_PREV_HASH'
  | 'WRONG_BALANCE_COUNT'
  /** A final state that is not rule 3's: other balances, payments, or not above every version signed. */
  | 'FINAL_NOT_ALLOWED'
  /** Rule 3: a wedged member signs nothing but the final close state. */
  | 'WEDGED'
  /** Not exactly one version above the latest certificate. */
  | 'WRONG_VERSION'
  /** No payments, or more than maxBatchPayments. */
  | 'BAD_BATCH_SIZE'
  | 'WRONG_COMMANDS_HASH'
  /** A payment not validly signed by its payer, or with bad fields. */
  | 'BAD_PAYMENT'
  /** A payment whose payer's seq is already applied, or twice in the batch. */
  | 'DUPLICATE_PAYMENT'
  /** A payment whose payer's seq is below the window every member remembers (payer-seqs.ts). */
  | 'PAYMENT_SEQ_TOO_OLD'
  /** A payment this member answered as refused on the sequencer's word (state.ts, `refused`). */
  | 'PAYMENT_REFUSED_HERE'
  /** A payer's balance would go negative, or a withdrawal is larger than its member's balance. */
  | 'INSUFFICIENT_FUNDS'
  /** A cumulative deposit or withdrawal that goes down. */
  | 'BAD_SPLICE'
  /** It accounts for a deposit this member's L1 view does not show final (kept until it does). */
  | 'DEPOSIT_NOT_FINAL'
  /** It withdraws from this member's balance an amount its user did not ask for. */
  | 'WITHDRAWAL_NOT_REQUESTED'
  /** The balances do not follow from the payments. */
  | 'WRONG_BALANCES'
  /** A signature gathered before this member's (the proposer's, in a chain every earlier member's) is not valid. */
  | 'BAD_SIGNATURE';

/** Why the sequencer ignores a vote. */
export type VoteDropReason =
  | 'NOTHING_IN_FLIGHT'
  /** A vote for another version or state than the one in flight (a late vote, usually). */
  | 'NOT_IN_FLIGHT'
  | 'BAD_MEMBER_INDEX'
  | 'DUPLICATE_VOTE'
  | 'BAD_SIGNATURE';

/** Why a certificate is not taken. */
export type CertificateDropReason =
  /** Not above the latest certificate held (a resend, usually). */
  | 'NOT_NEWER'
  /** This member did not sign that version (so it is not its state to accept). */
  | 'NOT_SIGNED_HERE'
  | 'WRONG_CHANNEL'
  /** Another state than the one this member signed at that version. */
  | 'NOT_WHAT_WAS_SIGNED'
  /** Not signed by exactly every member, in order. */
  | 'BAD_SIGNATURE';

/** Why a `rejected` notice (or `withdraw-rejected`) is ignored. */
export type RejectionDropReason =
  /** Only the sequencer decides that a payment (or a withdrawal) will never commit. */
  | 'NOT_FROM_SEQUENCER'
  /** No such payment (or withdrawal) waits here (the notice goes to every member; one forwarded it). */
  | 'NOT_PENDING';

/** Why the sequencer ignores a withdrawal request. */
export type WithdrawRequestDropReason =
  /** Not a positive amount within MAX_AMOUNT. */
  | 'BAD_AMOUNT';

export type DropReason = SenderDropReason | ProposalDropReason | VoteDropReason | CertificateDropReason | RejectionDropReason | WithdrawRequestDropReason;
