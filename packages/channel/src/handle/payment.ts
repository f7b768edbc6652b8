// Payments: one a client submitted here (`payment` input), one another member
// forwarded to the sequencer (`forward`), and the sequencer's notice that a
// forwarded payment will never commit (`rejected`), which this member then
// never signs (state.ts, `refused`). A refused payment is a
// `payment-rejected` effect with its code; an accepted one waits in
// `pending`, is forwarded to the sequencer if this member is not it, and the
// sequencer proposes it when nothing is in flight.
import { seqStatus } from '../payer-seqs.ts';
import { paymentValidity } from '../payments.ts';
import { armTimer, hasWork, stopTimer } from '../progress.ts';
import { propose } from '../proposing.ts';
import { drop, isLeader, reject, send, type MemberStep } from '../step.ts';
import type { ChannelErrorCode, Payment } from '../types.ts';

/** `forwardedBy`: the member that handed the payment to us, the sequencer (null when a client submitted it here). */
export function handlePayment(step: MemberStep, payment: Payment, forwardedBy: number | null): void {
  const { state } = step;
  // A forwarded payment that will never commit is reported back, so the
  // forwarding member does not wait for it until its progress timeout.
  const refuse = (code: ChannelErrorCode): void => {
    reject(step, payment.paymentId, code);
    if (forwardedBy !== null) send(step, forwardedBy, { type: 'rejected', paymentId: payment.paymentId, code });
  };
  if (state.closed) return refuse('CHANNEL_CLOSED');
  if (state.wedged !== null || state.closeRequested) return refuse('WEDGED');
  const code = paymentValidity(step.ctx.scheme, step.config, payment);
  if (code !== null) return refuse(code);
  const seq = seqStatus(state.payerSeqs[payment.from]!, payment.seq);
  if (seq === 'too-old') return refuse('PAYMENT_SEQ_TOO_OLD');
  // A duplicated forward of a payment already here or committed is not news to anyone.
  const waiting = state.pending.get(payment.paymentId);
  if (seq === 'applied' || waiting !== undefined) {
    // Another member forwarded what a client also submitted here: that member
    // now counts on it being kept, so it survives a crash (durable.ts) like
    // any forwarded payment.
    if (waiting !== undefined && waiting.forwardedBy === null && forwardedBy !== null) state.pending.set(payment.paymentId, { ...waiting, forwardedBy });
    return reject(step, payment.paymentId, 'DUPLICATE_PAYMENT');
  }
  if (state.pending.size + state.refused.size >= step.config.maxPendingPayments) return refuse('MEMPOOL_FULL');
  if (!isLeader(step) && overdraws(step, payment)) return reject(step, payment.paymentId, 'INSUFFICIENT_FUNDS');
  // Its client may send again a payment it was told failed: taken now, it may commit.
  state.refused.delete(payment.paymentId);
  state.pending.set(payment.paymentId, { payment, forwardedBy });
  if (!isLeader(step) && forwardedBy === null) send(step, 0, { type: 'forward', payment });
  // Propose first: a payment dropped at proposal time must not leave a timer
  // running, which would cut short the timeout of the next piece of work.
  propose(step);
  armTimer(step);
}

/**
 * Only the sequencer decides, at proposal time, whether a payment fits, and
 * it drops one that does not without telling anyone; a member that forwarded
 * it would wait for it until its progress timeout and wedge the channel. So
 * another member refuses at once a payment its payer cannot cover from the
 * latest certified balance less the payer's payments already waiting here.
 */
function overdraws(step: MemberStep, payment: Payment): boolean {
  let available = step.state.latest.state.balances[payment.from]!;
  for (const { payment: waiting } of step.state.pending.values()) if (waiting.from === payment.from) available -= waiting.amount;
  return payment.amount > available;
}

export function handleForward(step: MemberStep, from: number, payment: Payment): void {
  if (!isLeader(step)) return drop(step, 'forward', from, 'NOT_SEQUENCER');
  handlePayment(step, payment, from);
}

export function handleRejected(step: MemberStep, from: number, paymentId: string, code: ChannelErrorCode): void {
  if (from !== 0) return drop(step, 'rejected', from, 'NOT_FROM_SEQUENCER');
  const waiting = step.state.pending.get(paymentId);
  if (waiting === undefined) return drop(step, 'rejected', from, 'NOT_PENDING');
  step.state.pending.delete(paymentId);
  // The client hears it failed; so this member never signs it (a lying sequencer could still propose it).
  step.state.refused.set(paymentId, { from: waiting.payment.from, seq: waiting.payment.seq });
  reject(step, paymentId, code);
  if (!hasWork(step)) stopTimer(step);
}
