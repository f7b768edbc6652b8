// The progress timer fired: with work still pending and no certificate since
// it was set, the member wedges. A superseded timer (another token) does
// nothing.
import type { MemberStep } from '../step.ts';
import { hasWork } from '../progress.ts';
import { wedge } from './wedge.ts';

export function handleTimeout(step: MemberStep, token: number): void {
  const { state } = step;
  if (token !== state.timerToken || !state.timerArmed) return;
  state.timerArmed = false;
  if (hasWork(step)) wedge(step, 'progress-timeout');
}
