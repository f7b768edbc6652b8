// The sequencer (head) builds the next proposal whenever nothing is in
// flight: a batch of pending payments that its payers can cover, or — on a
// close request with nothing pending — rule 3's final state. It signs it
// (signing.ts) and sends it: to every member in a star, down the chain
// otherwise.
import { assert } from '@wedge/common';
import { channelStateHash } from '@wedge/ledger';
import type { MemberMessage } from './messages.ts';
import { PaymentBatch, commandsHash } from './payments.ts';
import { armTimer } from './progress.ts';
import { isSilencedByWedge, sign } from './signing.ts';
import { hasUnaccountedDeposit, hasWithdrawRequest, nextSplice } from './splices.ts';
import { isLeader, reject, send, sendAll, type MemberStep } from './step.ts';
import { refuseWithdrawal } from './withdrawal.ts';
import type { Payment, Proposal } from './types.ts';

export function propose(step: MemberStep): void {
  const { state } = step;
  // Nothing extends a final state: the channel is done.
  if (!isLeader(step) || state.inFlight !== null || state.closed || state.latest.state.final) return;
  // Payments first; then, on a close request, the final state — also when
  // building the batch just dropped the last pending payments as unpayable.
  const work = state.pending.size > 0 || hasWithdrawRequest(step) || hasUnaccountedDeposit(step);
  let proposal = !isSilencedByWedge(step) && work ? nextProposal(step) : null;
  if (proposal === null && state.closeRequested && state.pending.size === 0) proposal = finalProposal(step);
  if (proposal === null) return;
  const outcome = sign(step, proposal, []);
  if (!('signature' in outcome)) return;
  const signatures: (string | null)[] = Array.from({ length: step.n }, () => null);
  signatures[step.self] = outcome.signature;
  state.inFlight = { proposal, hash: channelStateHash(proposal.state), signatures };
  armTimer(step);
  sendProposal(step);
}

function nextProposal(step: MemberStep): Proposal | null {
  const { state } = step;
  const latest = state.latest.state;
  // Deposits L1 shows final and the withdrawals asked for come first (splices.ts).
  const { splice, refused } = nextSplice(step);
  for (const member of refused) refuseWithdrawal(step, member, 'INSUFFICIENT_FUNDS');
  const batch: Payment[] = [];
  const applied = new PaymentBatch(splice?.balances ?? latest.balances, state.payerSeqs);
  for (const { payment } of state.pending.values()) {
    if (batch.length >= step.config.maxBatchPayments) break;
    const code = applied.take(payment);
    if (code !== null) {
      // The payer cannot cover it (or its seq is taken, or too old): it will
      // never commit. Whichever member forwarded it is waiting for it: tell them all.
      state.pending.delete(payment.paymentId);
      reject(step, payment.paymentId, code);
      sendAll(step, { type: 'rejected', paymentId: payment.paymentId, code });
      continue;
    }
    batch.push(payment);
  }
  const balances = applied.balances;
  if (batch.length === 0 && splice === null) return null;
  return {
    state: {
      chainId: latest.chainId,
      channelId: latest.channelId,
      version: latest.version + 1,
      balances,
      deposited: splice?.deposited ?? [...latest.deposited],
      withdrawn: splice?.withdrawn ?? [...latest.withdrawn],
      commandsHash: commandsHash(latest.chainId, batch),
      prevHash: channelStateHash(latest),
      final: false,
    },
    payments: batch,
  };
}

/** Rule 3's state: the latest certified balances, final, above every version ever signed. */
function finalProposal(step: MemberStep): Proposal {
  const latest = step.state.latest.state;
  return {
    state: {
      chainId: latest.chainId,
      channelId: latest.channelId,
      version: Math.max(latest.version, step.state.signedVersion) + 1,
      balances: [...latest.balances],
      deposited: [...latest.deposited],
      withdrawn: [...latest.withdrawn],
      commandsHash: commandsHash(latest.chainId, []),
      prevHash: channelStateHash(latest),
      final: true,
    },
    payments: [],
  };
}

/** Sends the proposal in flight (again, after a restart). */
export function sendProposal(step: MemberStep): void {
  const inFlight = step.state.inFlight;
  assert(inFlight !== null, 'sendProposal needs a proposal in flight');
  const message: MemberMessage = { type: 'propose', proposal: inFlight.proposal, signatures: inFlight.signatures };
  if (step.config.topology === 'star') sendAll(step, message);
  else send(step, 1, message);
}
