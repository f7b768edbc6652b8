// What a member persists, and how it comes back after a crash. Both drivers
// go through these two functions: the member process (member-codec.ts writes
// the durable state to SQLite in its own encoding) and the simulator (which
// keeps a copy of it in memory), so every simulated restart runs the rule the
// processes run:
// - a signed version, the wedge and the equivocation evidence are durable
//   (rules 2 and 3 across crashes);
// - of the pending payments, only those another member forwarded here
//   survive: that member was told they are kept (its outbox let go of them).
//   A payment a client submitted here has that client's request waiting on
//   it, which a crash ends too; the client learns its payment failed and may
//   send it again;
// - no timer runs after a restart (the core re-arms it on `start`);
// - the sequencer's proposal in flight is the proposal it signed last, so its
//   payments are kept once, as `signedPayments`.
import { assert } from '@wedge/common';
import type { ChannelState } from '@wedge/ledger';
import { copySeqWindow } from './payer-seqs.ts';
import { createMemberState, type MemberState, type PendingPayment } from './state.ts';
import type { MemberContext, Proposal } from './types.ts';

/** The fields restoreMemberState rebuilds rather than reads. */
export const VOLATILE_MEMBER_FIELDS = ['timerArmed'] as const;

/** The sequencer's proposal in flight without its payments (they are `signedPayments`). */
export type DurableInFlight = { readonly hash: string; readonly state: ChannelState; readonly signatures: readonly (string | null)[] };

export type DurableMemberState = Omit<MemberState, (typeof VOLATILE_MEMBER_FIELDS)[number] | 'pending' | 'inFlight'> & {
  /** The pending payments that survive a crash, in arrival order. */
  readonly pending: ReadonlyMap<string, PendingPayment>;
  readonly inFlight: DurableInFlight | null;
};

/** Whether a pending payment survives a crash: another member forwarded it here. */
export function survivesCrash(entry: PendingPayment): boolean {
  return entry.forwardedBy !== null;
}

/**
 * What a shell persists of `state` after a step: a shallow view (it shares
 * the state's objects), valid until the next step. A shell that keeps it
 * beyond that copies or encodes it.
 */
export function durableMemberState(state: MemberState): DurableMemberState {
  const { timerArmed: _timerArmed, pending, inFlight, ...rest } = state;
  const kept = new Map<string, PendingPayment>();
  for (const [paymentId, entry] of pending) if (survivesCrash(entry)) kept.set(paymentId, entry);
  if (inFlight !== null) assert(inFlight.hash === state.signedHash, 'the proposal in flight is the one signed last');
  return {
    ...rest,
    pending: kept,
    inFlight: inFlight === null ? null : { hash: inFlight.hash, state: inFlight.proposal.state, signatures: inFlight.signatures },
  };
}

/**
 * The member's state after a crash, from what it persisted (null: nothing
 * yet, a new member). The result shares no mutable object with `durable`
 * that a step writes, so the same durable state can be restored again.
 */
export function restoreMemberState(ctx: MemberContext, durable: DurableMemberState | null): MemberState {
  if (durable === null) return createMemberState(ctx);
  const { config } = ctx;
  assert(durable.latest.state.chainId === config.chainId && durable.latest.state.channelId === config.channelId, 'the durable state is of this channel');
  let inFlight: MemberState['inFlight'] = null;
  if (durable.inFlight !== null) {
    assert(durable.inFlight.hash === durable.signedHash, 'the proposal in flight is the one signed last');
    const proposal: Proposal = { state: durable.inFlight.state, payments: durable.signedPayments };
    inFlight = { proposal, hash: durable.inFlight.hash, signatures: [...durable.inFlight.signatures] };
  }
  return {
    ...durable,
    payerSeqs: durable.payerSeqs.map(copySeqWindow),
    withdrawRequests: [...durable.withdrawRequests],
    pending: new Map(durable.pending),
    refused: new Map(durable.refused),
    inFlight,
    aheadProposal: durable.aheadProposal,
    submittedAt: { ...durable.submittedAt },
    timerArmed: false,
  };
}
