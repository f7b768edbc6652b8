// Top-ups and withdrawals while the channel stays open (DESIGN §7). A state
// carries, per member, the cumulative amounts it accounts for as deposited
// and withdrawn; a new state moves them on from the certificate it extends:
// - a deposit is taken in (its balance credited) only once this member's L1
//   view, built from blocks with verified commit certificates, shows it
//   final — never a deposit L1 may still refuse (extended rule 1);
// - a withdrawal moves an amount out of one member's balance, never more
//   than that balance; for this member's own balance only the amount its
//   user asked for (its signature on the state is its consent, so the
//   request itself needs none).
// Deposits are credited first, then withdrawals debited, then the batch's
// payments applied: every member computes the same balances from the same
// certificate and proposal.
import type { ChannelState } from '@wedge/ledger';
import type { MemberStep } from './step.ts';

/** Deposited and withdrawn amounts of a state, and the balances they leave before its payments. */
export type Splice = { readonly deposited: bigint[]; readonly withdrawn: bigint[]; readonly balances: bigint[] };

/** The cumulative deposit of `member` this member may account for: what L1 shows final, or what a certificate it holds already did. */
export function finalDeposit(step: MemberStep, member: number): bigint {
  const latest = step.state.latest.state.deposited[member]!;
  const onL1 = step.state.l1?.deposited?.[member] ?? step.config.deposits[member]!;
  return onL1 > latest ? onL1 : latest;
}

/** True when L1 shows a deposit the latest certificate does not account for yet (the sequencer proposes it). */
export function hasUnaccountedDeposit(step: MemberStep): boolean {
  const latest = step.state.latest.state;
  if (step.state.l1?.status !== 'open') return false;
  return latest.deposited.some((amount, member) => finalDeposit(step, member) > amount);
}

export function hasWithdrawRequest(step: MemberStep): boolean {
  return step.state.withdrawRequests.some((request) => request !== null);
}

/**
 * The sequencer's splice for the next state: every final deposit taken in,
 * and each requested withdrawal its member's balance covers. A request it
 * cannot cover is returned in `refused` (and dropped from the requests);
 * those taken are cleared too. Null when nothing moves.
 */
export function nextSplice(step: MemberStep): { splice: Splice | null; refused: number[] } {
  const { state } = step;
  const latest = state.latest.state;
  const deposited = latest.deposited.map((_, member) => (state.l1?.status === 'open' ? finalDeposit(step, member) : latest.deposited[member]!));
  const balances = latest.balances.map((balance, member) => balance + deposited[member]! - latest.deposited[member]!);
  const withdrawn = [...latest.withdrawn];
  const refused: number[] = [];
  let moved = deposited.some((amount, member) => amount !== latest.deposited[member]);
  state.withdrawRequests.forEach((request, member) => {
    if (request === null) return;
    state.withdrawRequests[member] = null;
    // Done already (a resent request), or asked on top of another state than ours: nothing to take.
    if (latest.withdrawn[member]! + request.amount !== request.withdrawnTo) return;
    const { amount } = request;
    if (balances[member]! < amount) return void refused.push(member);
    balances[member] = balances[member]! - amount;
    withdrawn[member] = withdrawn[member]! + amount;
    moved = true;
  });
  return { splice: moved ? { deposited, withdrawn, balances } : null, refused };
}

export type SpliceInvalidity = 'WRONG_BALANCE_COUNT' | 'BAD_SPLICE' | 'DEPOSIT_NOT_FINAL' | 'WITHDRAWAL_NOT_REQUESTED' | 'INSUFFICIENT_FUNDS';

/**
 * The balances `proposed` starts from before its payments, or why this
 * member may not sign it: amounts that go down, a deposit not final on L1
 * here, a withdrawal from this member's balance its user did not ask for, a
 * withdrawal larger than a balance. Changes nothing.
 */
export function getSpliceValidity(step: MemberStep, proposed: ChannelState): { readonly balances: bigint[]; readonly moved: boolean } | { readonly invalid: SpliceInvalidity } {
  const latest = step.state.latest.state;
  const n = step.n;
  if (proposed.deposited.length !== n || proposed.withdrawn.length !== n) return { invalid: 'WRONG_BALANCE_COUNT' };
  const balances = [...latest.balances];
  let moved = false;
  for (let member = 0; member < n; member++) {
    const deposit = proposed.deposited[member]! - latest.deposited[member]!;
    const withdrawal = proposed.withdrawn[member]! - latest.withdrawn[member]!;
    if (deposit < 0n || withdrawal < 0n) return { invalid: 'BAD_SPLICE' };
    if (deposit > 0n && proposed.deposited[member]! > finalDeposit(step, member) && step.rules.depositsOnlyWhenFinal) return { invalid: 'DEPOSIT_NOT_FINAL' };
    if (member === step.self && withdrawal > 0n && !isAsked(step, proposed.withdrawn[member]!, withdrawal) && step.rules.withdrawsOnlyAsAsked) return { invalid: 'WITHDRAWAL_NOT_REQUESTED' };
    balances[member] = balances[member]! + deposit - withdrawal;
    if (balances[member]! < 0n) return { invalid: 'INSUFFICIENT_FUNDS' };
    if (deposit !== 0n || withdrawal !== 0n) moved = true;
  }
  return { balances, moved };
}

/** True when taking `withdrawal` to `withdrawnTo` from this member's balance is exactly what its user asked for. */
function isAsked(step: MemberStep, withdrawnTo: bigint, withdrawal: bigint): boolean {
  const asked = step.state.withdrawal;
  return asked !== null && asked.amount === withdrawal && asked.withdrawnTo === withdrawnTo;
}

/** True when `state` accounts for exactly what `latest` does: no deposit or withdrawal moves. */
export function sameSplice(state: ChannelState, latest: ChannelState): boolean {
  const equal = (a: readonly bigint[], b: readonly bigint[]): boolean => a.length === b.length && a.every((amount, index) => amount === b[index]);
  return equal(state.deposited, latest.deposited) && equal(state.withdrawn, latest.withdrawn);
}
