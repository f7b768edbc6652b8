// Input `new-view-request`: a replica behind in views asks for the new-view
// message of a view or a later one. Any replica that entered such a view
// answers with its own: a new-view message proves itself, whoever relays it.
import type { StepContext } from '../context.ts';
import { drop, send } from '../emit.ts';
import type { NewViewRequestDropReason } from '../reasons.ts';
import type { NewViewRequest, ReplicaId } from '../types.ts';

// Writes nothing: the request is only answered.

export function getNewViewRequestValidity(c: StepContext<unknown, unknown>, request: NewViewRequest): NewViewRequestDropReason | null {
  if (c.state.status !== 'normal') return 'CHANGING_VIEWS';
  if (c.state.newView === null) return 'NO_NEW_VIEW';
  if (!Number.isInteger(request.view)) return 'MALFORMED';
  if (c.state.newView.view < request.view) return 'VIEW_NOT_REACHED';
  return null;
}

export function handleNewViewRequest<Tx>(c: StepContext<Tx, unknown>, from: ReplicaId, request: NewViewRequest): void {
  const reason = getNewViewRequestValidity(c, request);
  if (reason !== null) return drop(c, 'new-view-request', from, reason);
  send(c, from, c.state.newView!);
}
