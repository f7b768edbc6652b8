// Input `heartbeat`: the primary of a view says it is alive (liveness.ts).
// A backup normal in that view takes a valid one as a sign of life; one
// from a view we have not entered means we missed its new view: ask for it.
import { noticeView } from '../catch-up.ts';
import { writable, type StepContext } from '../context.ts';
import { drop } from '../emit.ts';
import { noteSignOfLife } from '../liveness.ts';
import { verifyMessage } from '../messages.ts';
import type { HeartbeatDropReason } from '../reasons.ts';
import { primaryOf } from '../rules.ts';
import type { LivenessState } from '../state.ts';
import type { Heartbeat, ReplicaId } from '../types.ts';
import { getViewJumpValidity } from '../windows.ts';

type Writes = Pick<LivenessState, 'primaryBeat'>;

/** Null when `heartbeat` is news from the primary of the view we are normal in: its view, signed by it, a higher beat than before. */
export function getHeartbeatValidity(c: StepContext<unknown, unknown>, heartbeat: Heartbeat): HeartbeatDropReason | null {
  const window = getViewJumpValidity(c, heartbeat.view);
  if (window !== null) return window;
  if (!Number.isInteger(heartbeat.beat)) return 'MALFORMED';
  if (heartbeat.replica !== primaryOf(c.config, heartbeat.view)) return 'NOT_FROM_PRIMARY';
  if (heartbeat.replica === c.id) return 'FROM_SELF';
  if (heartbeat.view > c.state.view || c.state.status !== 'normal') return 'VIEW_NOT_REACHED';
  if (heartbeat.beat <= c.state.primaryBeat) return 'STALE_BEAT';
  if (!verifyMessage(c.verifier, heartbeat)) return 'BAD_SIGNATURE';
  return null;
}

export function handleHeartbeat<Tx>(c: StepContext<Tx, unknown>, from: ReplicaId, heartbeat: Heartbeat): void {
  const reason = getHeartbeatValidity(c, heartbeat);
  if (reason === 'VIEW_NOT_REACHED') noticeView(c, heartbeat.view, heartbeat.replica);
  if (reason !== null) return drop(c, 'heartbeat', from, reason);
  writable<Writes>(c).primaryBeat = heartbeat.beat;
  noteSignOfLife(c);
}
