// A member's own withdrawal (DESIGN §7): its user asks (`withdraw` input),
// the member remembers the amount and asks the sequencer (`withdraw-request`,
// or itself when it is the sequencer); the sequencer proposes a state moving
// it out of the member's balance into its cumulative `withdrawn`, and once
// that state is certified the member's L1 watch submits `channel.withdraw`
// (again every few blocks until L1 has paid: handle/l1.ts). The sequencer
// refuses a request the balance does not cover (`withdraw-rejected`).
import type { Certificate, ChannelErrorCode } from './types.ts';
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
 * held before: the asked-for withdrawal is done on L2. L1 is asked to pay it
 * from the member's L1 watch (handle/l1.ts), with the latest certificate then
 * held: any certificate at or after the withdrawal carries it (amounts are
 * cumulative), and the latest one raises the version floor as high as it can
 * go, so every older state is refused in a dispute from then on.
 */
export function onCertifiedWithdrawal(step: MemberStep, previous: Certificate, certificate: Certificate): void {
  const moved = certificate.state.withdrawn[step.self]! - previous.state.withdrawn[step.self]!;
  if (moved <= 0n) return;
  const asked = step.state.withdrawal;
  // Reaching the target is the request done (a certificate taken from L1 may carry it at a later version).
  if (asked !== null && certificate.state.withdrawn[step.self]! >= asked.withdrawnTo) step.state.withdrawal = null;
  step.effects.push({ type: 'withdrawal-certified', amount: asked?.amount ?? moved, version: certificate.state.version });
}
