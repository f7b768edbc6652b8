// What a Byzantine sequencer proposes besides the honest proposal its core
// built (test/support/byzantine-member-main.ts). Each bogus proposal is for
// the same version as the real one (or one above it), carries the
// sequencer's valid signature, and breaks one of the rules an honest member
// checks before signing (DESIGN §4, rule 1): it creates money, moves another
// member's money without its payment, spends more than the payer has, replays
// a certified payment or reuses a payer seq, forges another payer's
// signature, does not extend the latest certificate, skips a version, or is a
// final state with other balances — or it carries a payment the sequencer
// told the payer's member will never commit (`withRefusedPayment`). An
// honest member must refuse every one of
// them (the harness counts any vote it gets for one). `conflictingProposal`
// is the equivocation: a different state for the same version that every
// follower would sign on its own.
import { commandsHash, signPayment, type Payment, type Proposal } from '@wedge/channel';
import { hashTaggedHex, type SignatureScheme } from '@wedge/crypto';
import type { ChannelState } from '@wedge/ledger';

export const BOGUS_KINDS = ['mint', 'shift', 'overspend', 'replayed-payment', 'seq-reuse', 'forged-payer', 'wrong-prev', 'skip-version', 'final-steal'] as const;
export type BogusKind = (typeof BOGUS_KINDS)[number];

export type ProposerKeys = {
  readonly chainId: string;
  readonly channelId: string;
  /** The sequencer's member index and secret key: the only payer signature it can make. */
  readonly self: number;
  readonly secretKey: Uint8Array;
  readonly scheme: SignatureScheme;
};

export type BogusContext = ProposerKeys & {
  /** The latest certified state, which the real proposal extends. */
  readonly latest: ChannelState;
  /** A payment some certificate already applied (null: none yet). */
  readonly certifiedPayment: Payment | null;
  /** A seq of the sequencer's own that a certificate already applied (null: none yet). */
  readonly usedOwnSeq: number | null;
  /** A seq of the sequencer's own that no payment took. */
  readonly freshOwnSeq: number;
};

/** A payment id no honest client made: derived from what it is for. */
function bogusId(context: ProposerKeys, what: string, version: number): string {
  return hashTaggedHex(`wedge/${context.chainId}/byzantine-member`, { channel: context.channelId, what, version });
}

function moved(balances: readonly bigint[], from: number, to: number, amount: bigint): bigint[] {
  const next = [...balances];
  next[from] = next[from]! - amount;
  next[to] = next[to]! + amount;
  return next;
}

/** A follower other than the sequencer with at least `amount`, or null. */
function victimOf(context: BogusContext, amount: bigint): number | null {
  const index = context.latest.balances.findIndex((balance, member) => member !== context.self && balance >= amount);
  return index === -1 ? null : index;
}

/** The proposal of `kind` next to `real`, or null when this channel's state gives it nothing to break (say, no certified payment yet). */
export function bogusProposal(context: BogusContext, kind: BogusKind, real: Proposal): Proposal | null {
  const { latest, self } = context;
  const { state } = real;
  const own = (to: number, amount: bigint, seq: number, what: string): Payment =>
    signPayment(context.scheme, context, { from: self, to, amount, seq, paymentId: bogusId(context, what, state.version) }, context.secretKey);
  const withPayments = (payments: readonly Payment[], balances: readonly bigint[]): Proposal => ({
    state: { ...state, balances: [...balances], commandsHash: commandsHash(context.chainId, payments) },
    payments,
  });
  switch (kind) {
    case 'mint': {
      // The real payments, and 1,000 units more for the sequencer: the total grows.
      const balances = [...state.balances];
      balances[self] = balances[self]! + 1_000n;
      return { state: { ...state, balances }, payments: real.payments };
    }
    case 'shift': {
      // The real payments, and one unit of a follower's taken without its payment: the total holds, the balances do not.
      const victim = victimOf({ ...context, latest: state }, 1n);
      return victim === null ? null : { state: { ...state, balances: moved(state.balances, victim, self, 1n) }, payments: real.payments };
    }
    case 'overspend': {
      // The sequencer pays all it has and one unit more; the state claims a conserving outcome.
      const victim = self === 0 ? 1 : 0;
      const amount = latest.balances[self]! + 1n;
      const balances = [...latest.balances];
      balances[victim] = balances[victim]! + balances[self]!;
      balances[self] = 0n;
      return withPayments([own(victim, amount, context.freshOwnSeq, 'overspend')], balances);
    }
    case 'replayed-payment': {
      // A payment a certificate applied already, applied again.
      const old = context.certifiedPayment;
      if (old === null || latest.balances[old.from]! < old.amount) return null;
      return withPayments([old], moved(latest.balances, old.from, old.to, old.amount));
    }
    case 'seq-reuse': {
      // A new payment of the sequencer's at a seq a certificate already applied.
      if (context.usedOwnSeq === null || latest.balances[self]! < 1n) return null;
      const victim = self === 0 ? 1 : 0;
      return withPayments([own(victim, 1n, context.usedOwnSeq, 'seq-reuse')], moved(latest.balances, self, victim, 1n));
    }
    case 'forged-payer': {
      // A follower "pays" the sequencer, signed with the sequencer's key.
      const victim = victimOf(context, 5n);
      if (victim === null) return null;
      const forged = signPayment(
        context.scheme,
        context,
        { from: victim, to: self, amount: 5n, seq: 1_000_000, paymentId: bogusId(context, 'forged-payer', state.version) },
        context.secretKey,
      );
      return withPayments([forged], moved(latest.balances, victim, self, 5n));
    }
    case 'wrong-prev':
      return { state: { ...state, prevHash: '00'.repeat(32) }, payments: real.payments };
    case 'skip-version':
      return { state: { ...state, version: state.version + 1 }, payments: real.payments };
    case 'final-steal': {
      // A "cooperative close" that hands the sequencer a follower's balance.
      const victim = victimOf(context, 1n);
      if (victim === null) return null;
      const balances = moved(latest.balances, victim, self, latest.balances[victim]!);
      return { state: { ...state, balances, final: true, commandsHash: commandsHash(context.chainId, []) }, payments: [] };
    }
  }
}

/**
 * The real proposal and one payment more: a payment a follower forwarded,
 * which this sequencer told that follower will never commit (so its client
 * heard it failed). Null when the payer cannot cover it on top of the batch.
 */
export function withRefusedPayment(context: Pick<ProposerKeys, 'chainId'>, real: Proposal, refused: Payment): Proposal | null {
  const { state } = real;
  if (state.balances[refused.from]! < refused.amount) return null;
  const payments = [...real.payments, refused];
  return { state: { ...state, balances: moved(state.balances, refused.from, refused.to, refused.amount), commandsHash: commandsHash(context.chainId, payments) }, payments };
}

/**
 * Equivocation: another state for the same version that a follower would
 * sign on its own — the batch without its last payment, or, for a single
 * payment, that payment swapped for one of the sequencer's own (as the
 * simulator's equivocating sequencer does, packages/sim/src/l2-layer.ts).
 */
export function conflictingProposal(context: ProposerKeys & { readonly latest: ChannelState; readonly freshOwnSeq: number }, real: Proposal): Proposal | null {
  const { state } = real;
  let balances = [...state.balances];
  const undo = (payment: Payment): void => {
    balances = moved(balances, payment.to, payment.from, payment.amount);
  };
  let payments: Payment[];
  if (real.payments.length >= 2) {
    payments = real.payments.slice(0, -1);
    undo(real.payments.at(-1)!);
  } else {
    for (const payment of real.payments) undo(payment);
    const payee = context.self === 0 ? 1 : 0;
    if (balances[context.self]! < 1n) return null;
    const paymentId = bogusId(context, 'equivocation', state.version);
    payments = [signPayment(context.scheme, context, { from: context.self, to: payee, amount: 1n, seq: context.freshOwnSeq, paymentId }, context.secretKey)];
    balances = moved(balances, context.self, payee, 1n);
  }
  return { state: { ...state, balances, commandsHash: commandsHash(context.chainId, payments) }, payments };
}
