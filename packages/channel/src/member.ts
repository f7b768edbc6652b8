// The L2 channel member core (DESIGN §4), sans-I/O: `stepMember(ctx, state,
// input)` mutates the member's own state and returns effects. The shell
// persists the state before carrying out any effect, so a signature never
// leaves the process before the decision to sign is durable.
//
// An honest member
//   1. signs version v+1 only if it extends the certificate of v it holds,
//      every payment is signed by its payer, no balance goes negative and the
//      total is unchanged (proposal-validity.ts);
//   2. never signs two different states with the same version (signing.ts);
//   3. never signs after it has wedged — except a final state that repeats the
//      balances of its latest certificate at a version above every version it
//      has ever signed (a cooperative close that skips the challenge window).
//
// This file is only the dispatch: each input has its handler in handle/.
import { handleCertificate } from './handle/certificate.ts';
import { handleClose, handleCloseRequest } from './handle/close.ts';
import { handleL1 } from './handle/l1.ts';
import { handleForward, handlePayment, handleRejected } from './handle/payment.ts';
import { handleProposal } from './handle/propose.ts';
import { handleStart } from './handle/start.ts';
import { handleTimeout } from './handle/timeout.ts';
import { handleVote } from './handle/vote.ts';
import { wedge } from './handle/wedge.ts';
import { handleWithdraw, handleWithdrawRejected, handleWithdrawRequest } from './handle/withdraw.ts';
import type { MemberEffect } from './effect.ts';
import type { MemberEvent } from './input.ts';
import type { MemberMessage } from './messages.ts';
import type { MemberState } from './state.ts';
import { drop, makeStep, type MemberStep } from './step.ts';
import type { MemberContext } from './types.ts';

export type MemberStepResult = { state: MemberState; effects: MemberEffect[] };

export function stepMember(ctx: MemberContext, state: MemberState, event: MemberEvent): MemberStepResult {
  const step = makeStep(ctx, state);
  switch (event.type) {
    case 'start':
      handleStart(step);
      break;
    case 'payment':
      handlePayment(step, event.payment, null);
      break;
    case 'message':
      handleMessage(step, event.from, event.message);
      break;
    case 'timeout':
      handleTimeout(step, event.token);
      break;
    case 'wedge':
      wedge(step, event.reason);
      break;
    case 'close':
      handleClose(step);
      break;
    case 'l1':
      handleL1(step, event.channel);
      break;
    case 'withdraw':
      handleWithdraw(step, event.amount);
      break;
  }
  return { state, effects: step.effects };
}

function handleMessage(step: MemberStep, from: number, message: MemberMessage): void {
  if (!Number.isInteger(from) || from < 0 || from >= step.n || from === step.self) return drop(step, message.type, from, 'UNKNOWN_SENDER');
  switch (message.type) {
    case 'forward':
      return handleForward(step, from, message.payment);
    case 'rejected':
      return handleRejected(step, from, message.paymentId, message.code);
    case 'propose':
      return handleProposal(step, from, message.proposal, message.signatures);
    case 'vote':
      return handleVote(step, from, message);
    case 'certificate':
      return handleCertificate(step, from, message.certificate);
    case 'close-request':
      return handleCloseRequest(step, from);
    case 'withdraw-request':
      return handleWithdrawRequest(step, from, message.request);
    case 'withdraw-rejected':
      return handleWithdrawRejected(step, from, message.code);
  }
}
