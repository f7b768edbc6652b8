// When a replica should take client traffic (GET /readyz): it is in normal
// operation (not changing view: it orders nothing until the new view), caught
// up (not fetching blocks or a snapshot, nothing known to exist beyond what it
// executed) and it reaches a quorum (2f of its peers, with itself 2f+1, the
// number a block needs). Reads from a replica that fails one of these are
// stale or stuck; a load balancer sends them elsewhere.
import type { ReadinessCheck } from '@wedge/api';
import { faultsTolerated } from '@wedge/consensus';
import type { ReplicaNode } from './replica-node.ts';

export function replicaReadiness(node: ReplicaNode): Record<string, ReadinessCheck> {
  const state = node.replicaState;
  const f = faultsTolerated(node.ctx.config);
  const peers = node.transport.reachability();
  const reachable = peers.filter((peer) => peer.reachable).length;
  const unreachable = peers.filter((peer) => !peer.reachable).map((peer) => peer.id);
  return {
    normalOperation: {
      ok: state.status === 'normal',
      detail: state.status === 'normal' ? `in view ${state.view}` : `changing view (from view ${state.view})`,
    },
    caughtUp: {
      ok: !state.fetching && state.catchUpTarget <= state.executed,
      detail: state.fetching || state.catchUpTarget > state.executed ? `at height ${state.executed}, catching up to ${state.catchUpTarget}` : `at height ${state.executed}`,
    },
    peersReachable: {
      ok: reachable >= 2 * f,
      detail: `${reachable} of ${peers.length} peers reachable, ${2 * f} needed${unreachable.length === 0 ? '' : `; unreachable: ${unreachable.join(', ')}`}`,
    },
  };
}
