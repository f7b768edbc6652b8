// Withdrawals (DESIGN §7, withdrawal.ts): the user's `withdraw` input, the
// sequencer's `withdraw-request` from a member, and its `withdraw-rejected`
// notice back. A refused withdrawal is a `withdrawal-rejected` effect with
// its code; nothing else changes.
import { MAX_AMOUNT } from '@wedge/ledger';
import { armTimer, hasWork, stopTimer } from '../progress.ts';
import { propose } from '../proposing.ts';
import { drop, isLeader, send, type MemberStep } from '../step.ts';
import type { ChannelErrorCode, WithdrawalRequest } from '../types.ts';
import { dropOwnWithdrawal } from '../withdrawal.ts';

function isWithdrawAmount(amount: unknown): amount is bigint {
  return typeof amount === 'bigint' && amount > 0n && amount <= MAX_AMOUNT;
}

/** Why this member refuses its user's withdrawal of `amount` at once, or null. */
function getWithdrawValidity(step: MemberStep, amount: bigint): ChannelErrorCode | null {
  const { state } = step;
  if (state.closed) return 'CHANNEL_CLOSED';
  if (state.wedged !== null || state.closeRequested || state.latest.state.final) return 'WEDGED';
  if (!isWithdrawAmount(amount)) return 'INVALID_AMOUNT';
  if (state.withdrawal !== null) return 'WITHDRAWAL_PENDING';
  // The sequencer checks again against the balance it builds on; this spares a round trip.
  if (amount > state.latest.state.balances[step.self]!) return 'INSUFFICIENT_FUNDS';
  return null;
}

export function handleWithdraw(step: MemberStep, amount: bigint): void {
  const code = getWithdrawValidity(step, amount);
  if (code !== null) return void step.effects.push({ type: 'withdrawal-rejected', amount, code });
  const request: WithdrawalRequest = { amount, withdrawnTo: step.state.latest.state.withdrawn[step.self]! + amount };
  step.state.withdrawal = request;
  if (isLeader(step)) {
    step.state.withdrawRequests[step.self] = request;
    propose(step);
  } else {
    send(step, 0, { type: 'withdraw-request', request });
  }
  armTimer(step);
}

export function handleWithdrawRequest(step: MemberStep, from: number, request: WithdrawalRequest): void {
  if (!isLeader(step)) return drop(step, 'withdraw-request', from, 'NOT_SEQUENCER');
  if (!isWithdrawAmount(request.amount) || typeof request.withdrawnTo !== 'bigint' || request.withdrawnTo < request.amount) return drop(step, 'withdraw-request', from, 'BAD_AMOUNT');
  const { state } = step;
  if (state.closed || state.wedged !== null || state.closeRequested || state.latest.state.final) return send(step, from, { type: 'withdraw-rejected', code: 'WEDGED' });
  // One request per member: a resend (after the member restarted) replaces what waits.
  state.withdrawRequests[from] = request;
  propose(step);
}

export function handleWithdrawRejected(step: MemberStep, from: number, code: ChannelErrorCode): void {
  if (from !== 0) return drop(step, 'withdraw-rejected', from, 'NOT_FROM_SEQUENCER');
  if (step.state.withdrawal === null) return drop(step, 'withdraw-rejected', from, 'NOT_PENDING');
  dropOwnWithdrawal(step, code);
  if (!hasWork(step)) stopTimer(step);
}
