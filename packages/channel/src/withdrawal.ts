// A member's own withdrawal (DESIGN §7): its user asks (`withdraw` input),
// the member remembers the amount and asks the sequencer (`withdraw-request`,
// or itself when it is the sequencer); the sequencer proposes a state moving
// it out of the member's balance into its cumulative `withdrawn`, and once
// that state is certified the member submits `channel.withdraw` with it
// (and its L1 watch again every few blocks until L1 has paid: handle/l1.ts). The sequencer
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
  const asked = step.state.withdrawal;
  if (asked === null) return;
  step.state.withdrawal = null;
  if (isLeader(step)) step.state.withdrawRequests[step.self] = null;
  step.effects.push({ type: 'withdrawal-rejected', amount: asked.amount, code });
}

/**
 * A new certificate moved this member's cumulative withdrawal past the one it
 * held before: the asked-for withdrawal is done on L2, and L1 is asked to pay
 * it at once with this certificate. While L1 has not paid, the member's L1
 * watch asks again every few blocks with the latest certificate then held
 * (handle/l1.ts): any certificate at or after the withdrawal carries it
 * (amounts are cumulative), and a later one raises the version floor higher.
 */
export function onCertifiedWithdrawal(step: MemberStep, previous: Certificate, certificate: Certificate): void {
  const moved = certificate.state.withdrawn[step.self]! - previous.state.withdrawn[step.self]!;
  if (moved <= 0n) return;
  const asked = step.state.withdrawal;
  // Reaching the target is the request done (a certificate taken from L1 may carry it at a later version).
  if (asked !== null && certificate.state.withdrawn[step.self]! >= asked.withdrawnTo) step.state.withdrawal = null;
  step.effects.push({ type: 'withdrawal-certified', amount: asked?.amount ?? moved, version: certificate.state.version });
  // A final state is paid by the close it leads to (pay-out.ts on L1), not by
  // a withdraw; and what L1 already paid (a certificate taken from L1's floor) is not asked again.
  const paid = step.state.l1?.withdrawn?.[step.self] ?? 0n;
  if (!certificate.state.final && step.state.wedged === null && certificate.state.withdrawn[step.self]! > paid) submit(step, 'withdraw', certificate);
}
