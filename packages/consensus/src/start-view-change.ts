// Starting a view change: leave the normal case of the current view, sign a
// view-change message with our stable checkpoint and prepared certificates,
// and wait (with a timer that doubles per attempt) for the new view.
import { assert } from '@wedge/common';
import { writable, type StepContext } from './context.ts';
import { broadcast } from './emit.ts';
import { signMessage } from './messages.ts';
import { sendNewViewWhenReady } from './send-new-view.ts';
import { resetPrimaryWatch, stretchedToLatency } from './liveness.ts';
import type { LivenessState, ProgressWatchState, ViewChangeState } from './state.ts';
import { startFetch } from './state-transfer.ts';
import { clearTimer, setTimer } from './timers.ts';
import type { ViewChange } from './types.ts';
import { forgetComplaintsBelow } from './votes/complaints.ts';
import { storeViewChange } from './votes/view-changes.ts';

type Writes<Tx> = ViewChangeState<Tx> & Pick<ProgressWatchState, 'progressStrikes'> & Pick<LivenessState, 'failedViews'>;

/** How long to wait for a new view: the base stretched to the observed commit latency, doubling with each attempt up to 64 times. */
export function viewChangeTimeoutMs(c: StepContext<unknown, unknown>): number {
  return stretchedToLatency(c, c.config.viewChangeTimeoutMs) * 2 ** Math.min(c.state.viewChangeAttempts, 6);
}

export function startViewChange<Tx>(c: StepContext<Tx, unknown>, view: number): void {
  const s = writable<Writes<Tx>>(c);
  assert(view > s.view || (view === s.view && s.status === 'normal'), 'view changes move forward');
  s.view = view;
  s.status = 'view-change';
  s.newView = null;
  s.progressStrikes = 0;
  s.viewChangeTimeouts = 0;
  // Kept until the view starts: the complaints about the view we leave are
  // why we left, and are sent again while the new view is late.
  forgetComplaintsBelow(s.complaints, view - 1);
  // Until a block commits in a view we are in, every failover timer backs off (liveness.ts).
  s.failedViews += 1;
  resetPrimaryWatch(c);
  clearTimer(c, 'progress');
  clearTimer(c, 'idle');
  clearTimer(c, 'heartbeat');
  clearTimer(c, 'silence');
  const stable = c.state.stable;
  const prepared = [...c.state.preparedCertificates.values()]
    .filter((certificate) => certificate.prePrepare.seq > stable.seq)
    .sort((a, b) => a.prePrepare.seq - b.prePrepare.seq);
  const viewChange = signMessage<ViewChange<Tx>>(c.signer, {
    type: 'view-change',
    view,
    stableSeq: stable.seq,
    stableRoot: stable.root,
    checkpointProof: stable.proof,
    prepared,
    replica: c.id,
  });
  storeViewChange(s.viewChanges, viewChange);
  broadcast(c, viewChange);
  startFetch(c);
  setTimer(c, 'view-change', viewChangeTimeoutMs(c));
  s.viewChangeAttempts += 1;
  sendNewViewWhenReady(c, view);
}
