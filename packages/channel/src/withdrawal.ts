// A member's own withdrawal (DESIGN §7): its user asks (`withdraw` input),
// the member remembers the amount and asks the sequencer (`withdraw-request`,
// or itself when it is the sequencer); the sequencer proposes a state moving
// it out of the member's balance into its cumulative `withdrawn`, and once
// that state is certified the member submits `channel.withdraw` with it (and
// again from its L1 watch until L1 has paid: handle/l1.ts). The sequencer
// refuses a request the balance does not cover (`withdraw-rejected`).
import type { Certificate, ChannelErrorCode } from './types.ts';
import { submit } from './l1-actions.ts';
import { isLeader, send, type MemberStep } from './step.ts';

/** The sequencer refuses `member`'s withdrawal: to another member a notice, to itself the effect. */
export function refuseWithdrawal(step: MemberStep, member: number, code: ChannelErrorCode): void {
  if (member !== step.self) return send(step, member, { type: 'withdraw-rejected', code });
  dropOwnWithdrawal(step, code);
}

/** This member's own withdrawal will not be certified: forget it and say so. */
export function dropOwnWithdrawal(step: MemberStep, code: ChannelErrorCode): void {
  const amount = step.state.withdrawal;
  if (amount === null) return;
  step.state.withdrawal = null;
  if (isLeader(step)) step.state.withdrawRequests[step.self] = null;
  step.effects.push({ type: 'withdrawal-rejected', amount, code });
}

/**
 * A new certificate moved this member's cumulative withdrawal past the one it
 * held before: the asked-for withdrawal is done on L2, and L1 is asked to pay.
 */
export function onCertifiedWithdrawal(step: MemberStep, previous: Certificate, certificate: Certificate): void {
  const { self } = step;
  const moved = certificate.state.withdrawn[self]! - previous.state.withdrawn[self]!;
  if (moved <= 0n) return;
  const amount = step.state.withdrawal;
  step.state.withdrawal = null;
  step.effects.push({ type: 'withdrawal-certified', amount: amount ?? moved, version: certificate.state.version });
  // A final state is paid by the close it leads to (pay-out.ts on L1), not by
  // a withdraw; and what L1 already paid (a certificate taken from L1's floor) is not asked again.
  const paid = step.state.l1?.withdrawn?.[self] ?? 0n;
  if (!certificate.state.final && certificate.state.withdrawn[self]! > paid) submit(step, 'withdraw', certificate);
}
