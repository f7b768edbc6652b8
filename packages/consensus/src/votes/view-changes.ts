// Vote counting of view changes: one message kept per replica (its
// highest-view one), the smallest higher view that f+1 replicas back, and
// the 2f+1 view changes a new primary builds its new view from.
import type { ReplicaId, ViewChange } from '../types.ts';

type ViewChanges<Tx> = Map<number, Map<ReplicaId, ViewChange<Tx>>>;

/**
 * Stores `viewChange` unless its replica has sent one for a higher view;
 * returns whether it was stored. Only each replica's highest-view message
 * is kept: a replica that moved on no longer backs the lower view, and the
 * store stays bounded (n messages) whatever a Byzantine replica sends.
 */
export function storeViewChange<Tx>(viewChanges: ViewChanges<Tx>, viewChange: ViewChange<Tx>): boolean {
  for (const [view, messages] of viewChanges) {
    const previous = messages.get(viewChange.replica);
    if (previous === undefined) continue;
    if (view > viewChange.view) return false;
    if (view < viewChange.view) {
      messages.delete(viewChange.replica);
      if (messages.size === 0) viewChanges.delete(view);
    }
  }
  let byReplica = viewChanges.get(viewChange.view);
  if (byReplica === undefined) {
    byReplica = new Map();
    viewChanges.set(viewChange.view, byReplica);
  }
  byReplica.set(viewChange.replica, viewChange);
  return true;
}

/**
 * The smallest view above `view` that f+1 other replicas ask for (each by
 * its lowest such view), or null. Any f+1 include an honest replica, so
 * that view is never beyond what an honest replica asked for.
 */
export function viewBackedByOthers(
  viewChanges: ReadonlyMap<number, ReadonlyMap<ReplicaId, ViewChange<unknown>>>,
  view: number,
  ownId: ReplicaId,
  f: number,
): number | null {
  const lowestByReplica = new Map<ReplicaId, number>();
  for (const [candidate, byReplica] of viewChanges) {
    if (candidate <= view) continue;
    for (const replica of byReplica.keys()) {
      if (replica === ownId) continue;
      lowestByReplica.set(replica, Math.min(lowestByReplica.get(replica) ?? Infinity, candidate));
    }
  }
  if (lowestByReplica.size < f + 1) return null;
  const smallest = Math.min(...lowestByReplica.values());
  return smallest > view ? smallest : null;
}

/** A new primary's 2f+1 view changes for its view: its own first, then the others in arrival order; null while it lacks them. */
export function newViewQuorum<Tx>(byReplica: ReadonlyMap<ReplicaId, ViewChange<Tx>> | undefined, ownId: ReplicaId, quorum: number): ViewChange<Tx>[] | null {
  if (byReplica === undefined || byReplica.size < quorum) return null;
  const own = byReplica.get(ownId);
  if (own === undefined) return null;
  const others = [...byReplica.values()].filter((viewChange) => viewChange.replica !== ownId);
  return [own, ...others.slice(0, quorum - 1)];
}
