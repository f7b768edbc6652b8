// When an L2 process should take traffic (GET /readyz). A member: it has read
// its channel from L1 at least once (it knows whether the channel is open,
// frozen or closed), the channel still takes payments (not wedged, not
// closed: a payment sent here would only be refused) and no peer member that
// answered before fails now — every state needs every member's signature. A
// peer never exchanged with yet counts as unknown, not unreachable: an idle
// channel sends nothing, and a fresh one must become ready to get its first
// payment. A watchtower: it follows every open channel it watches on L1.
import type { ReadinessCheck } from '@wedge/api';
import type { MemberNode } from './member-node.ts';
import type { WatchtowerNode } from './watchtower-node.ts';

export function memberReadiness(node: MemberNode): Record<string, ReadinessCheck> {
  const state = node.memberState;
  const peers = node.transport.reachability();
  const failing = peers.filter((peer) => !peer.reachable && peer.lastSeenMs !== null).map((peer) => peer.id);
  const unknown = peers.filter((peer) => !peer.reachable && peer.lastSeenMs === null).map((peer) => peer.id);
  const takesPayments = state.wedged === null && !state.closed;
  return {
    followingL1: {
      ok: state.l1 !== null,
      detail: state.l1 === null ? 'the channel has not been read from L1 yet' : `channel ${state.l1.status} on L1 at height ${state.l1.height}`,
    },
    takesPayments: {
      ok: takesPayments,
      detail: state.closed ? 'the channel is closed' : state.wedged !== null ? `wedged (${state.wedged})` : `at version ${state.latest.state.version}`,
    },
    peersReachable: {
      ok: failing.length === 0,
      detail:
        failing.length > 0
          ? `unreachable peer members: ${failing.join(', ')}`
          : `${peers.length - unknown.length} of ${peers.length} peer members answered${unknown.length === 0 ? '' : `; not exchanged with yet: ${unknown.join(', ')}`}`,
    },
  };
}

export function watchtowerReadiness(node: WatchtowerNode): Record<string, ReadinessCheck> {
  const open = [...node.channels].filter(([, channel]) => !channel.closed).map(([channelId]) => channelId);
  const unfollowed = open.filter((channelId) => node.lastL1View(channelId) === null);
  return {
    followingL1: {
      ok: unfollowed.length === 0,
      detail: unfollowed.length === 0 ? `following ${open.length} open channels on L1` : `${unfollowed.length} of ${open.length} open channels not read from L1 yet`,
    },
  };
}
