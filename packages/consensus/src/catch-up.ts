// Noticing that we are behind: a message or checkpoint from a height or view
// ahead of ours means blocks or a new view passed us by. Heights start a
// state transfer; views, a request for the new-view message that started them.
import { writable, type StepContext } from './context.ts';
import { send } from './emit.ts';
import { primaryOf } from './rules.ts';
import type { StateTransferState, ViewChangeState } from './state.ts';
import { startFetch } from './state-transfer.ts';
import type { ReplicaId } from './types.ts';
import { MAX_VIEW_JUMP, highWatermark } from './windows.ts';

type Writes = Pick<StateTransferState, 'catchUpTarget'> & Pick<ViewChangeState<unknown>, 'newViewRequested'>;

/** Peers have reached height `seq`: fetch what we lack of it. */
export function behindTo(c: StepContext<unknown, unknown>, seq: number): void {
  const s = writable<Writes>(c);
  s.catchUpTarget = Math.max(s.catchUpTarget, seq);
  if (seq > c.state.executed) startFetch(c);
}

/** A message from `sender` in a view or at a height ahead of ours: we may have missed a new view or blocks. */
export function noticeAhead(c: StepContext<unknown, unknown>, view: number, seq: number, sender: ReplicaId): void {
  const s = writable<Writes>(c);
  if (!Number.isInteger(view) || !Number.isInteger(seq)) return;
  if (seq > highWatermark(c) && seq <= c.state.executed + 100 * c.config.watermarkBlocks) {
    s.catchUpTarget = Math.max(s.catchUpTarget, seq - 1);
    startFetch(c);
  }
  noticeView(c, view, sender);
}

/**
 * `sender` is in `view` (it voted there, or a block committed there): when
 * we have not entered that view, ask it and the view's primary for the
 * new-view message that started it — once per view until a timer fires.
 */
export function noticeView(c: StepContext<unknown, unknown>, view: number, sender: ReplicaId): void {
  const s = writable<Writes>(c);
  const waitingForView = view > c.state.view || (view === c.state.view && c.state.status === 'view-change');
  if (!waitingForView || view <= 0 || view > c.state.view + MAX_VIEW_JUMP || s.newViewRequested.has(view)) return;
  s.newViewRequested.add(view);
  const primary = primaryOf(c.config, view);
  send(c, primary, { type: 'new-view-request', view });
  if (Number.isInteger(sender) && sender !== primary && sender >= 0 && sender < c.n) send(c, sender, { type: 'new-view-request', view });
}
