// How a member asks its shell to act on L1 (`submit-l1` effects), and when an
// action is due again (l1-policy.ts: every L1_RESUBMIT_BLOCKS while it has not
// taken effect).
import { L1_RESUBMIT_BLOCKS } from './l1-policy.ts';
import type { MemberStep } from './step.ts';
import type { Certificate, L1Action } from './types.ts';

export function submit(step: MemberStep, action: L1Action, certificate: Certificate | null): void {
  step.state.submittedAt[action] = step.state.l1?.height ?? 0;
  step.effects.push({ type: 'submit-l1', action, certificate });
}

export function isDue(step: MemberStep, action: L1Action, height: number): boolean {
  return height >= step.state.submittedAt[action] + L1_RESUBMIT_BLOCKS;
}

/** Ends the channel on L1 from the latest certificate: terminate, or close at once with a final one. */
export function submitTermination(step: MemberStep): void {
  const latest = step.state.latest;
  // A final certificate closes without a challenge window; terminating with it
  // would record it on L1 and make the close stale, delaying the payout.
  if (latest.state.final) return submit(step, 'close', latest);
  submit(step, 'terminate', latest.state.version === 0 ? null : latest);
}
