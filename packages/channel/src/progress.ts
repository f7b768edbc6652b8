// The progress watch: while work is pending a timer runs, and if it fires
// before a new certificate the member wedges (handle/timeout.ts). One timer
// per member; `timerToken` tells a live timer from a superseded one.
import type { MemberStep } from './step.ts';

export function hasWork(step: MemberStep): boolean {
  const { state } = step;
  // A final certificate ends the channel's work. A close request is work at
  // every member: it waits for the final state, and if the sequencer never
  // proposes one the member must time out and wedge.
  if (state.closed || state.latest.state.final) return false;
  return state.pending.size > 0 || state.inFlight !== null || state.closeRequested || state.withdrawal !== null;
}

export function armTimer(step: MemberStep): void {
  const { state } = step;
  if (state.timerArmed || !hasWork(step) || state.wedged !== null) return;
  state.timerArmed = true;
  state.timerToken += 1;
  step.effects.push({ type: 'set-timer', afterMs: step.config.progressTimeoutMs, token: state.timerToken });
}

export function stopTimer(step: MemberStep): void {
  if (step.state.timerArmed) {
    step.state.timerArmed = false;
    step.effects.push({ type: 'clear-timer' });
  }
}
