// The replicas panel: one card per replica with its view, height, health and
// the primary marked.
import type { ReplicaView, Snapshot } from '../src/snapshot.ts';
import { fill, h } from './dom.ts';

const HEALTH_LABEL: Record<ReplicaView['health'], string> = {
  healthy: 'healthy',
  lagging: 'lagging',
  'view-change': 'changing view',
  unreachable: 'unreachable',
};

function replicaCard(replica: ReplicaView): HTMLElement {
  const port = new URL(replica.url).port;
  return h(
    'article',
    { class: `replica health-${replica.health}`, 'data-testid': 'replica', 'data-replica': replica.id },
    h(
      'header',
      {},
      h('span', { class: 'replica-name' }, `Replica ${replica.id}`),
      replica.primary ? h('span', { class: 'badge primary', title: 'the primary of the current view orders blocks' }, 'primary') : null,
    ),
    h('div', { class: 'replica-health' }, h('span', { class: 'dot' }), HEALTH_LABEL[replica.health]),
    h(
      'dl',
      {},
      h('dt', {}, 'height'),
      h('dd', { class: 'num' }, replica.height ?? '—'),
      h('dt', {}, 'view'),
      h('dd', { class: 'num' }, replica.view ?? '—'),
      h('dt', {}, 'checkpoint'),
      h('dd', { class: 'num' }, replica.stableCheckpoint ?? '—'),
      h('dt', {}, 'mempool'),
      h('dd', { class: 'num' }, replica.pendingTxs ?? '—'),
      h('dt', {}, 'peers'),
      h('dd', { class: 'num' }, replica.peersReachable === null ? '—' : `${replica.peersReachable}/${replica.peersTotal}`),
    ),
    h('footer', { class: 'muted', title: replica.error ?? replica.url }, replica.error === null ? `:${port}` : replica.error),
  );
}

export function renderReplicas(snapshot: Snapshot): void {
  const healthy = snapshot.replicas.filter((replica) => replica.health === 'healthy').length;
  const quorum = 2 * snapshot.f + 1;
  fill(
    'replicas-summary',
    snapshot.replicas.length === 0
      ? 'waiting for the first poll…'
      : `${healthy} of ${snapshot.replicas.length} healthy · quorum ${quorum} · tolerates f = ${snapshot.f}`,
  );
  fill('replicas', ...snapshot.replicas.map(replicaCard));
}
