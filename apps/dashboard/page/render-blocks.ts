// Recent blocks, newest first, each with its commit certificate: the 2f+1
// replicas whose signatures prove it final.
import type { BlockView, Snapshot } from '../src/snapshot.ts';
import { fill, h } from './dom.ts';

function txSummary(block: BlockView): string {
  if (block.txCount === 0) return 'empty (clock tick)';
  return Object.entries(block.txTypes)
    .map(([type, count]) => `${count} ${type}`)
    .join(', ');
}

function signerChips(block: BlockView, replicaCount: number): HTMLElement {
  const signed = new Set(block.signers);
  return h(
    'span',
    { class: 'signers', title: `commit certificate: ${block.signers.length} signatures` },
    ...Array.from({ length: replicaCount }, (_, id) => h('span', { class: signed.has(id) ? 'chip on' : 'chip' }, id)),
  );
}

export function renderBlocks(snapshot: Snapshot): void {
  const replicaCount = Math.max(snapshot.replicas.length, 3 * snapshot.f + 1);
  const rows = snapshot.blocks.map((block) =>
    h(
      'tr',
      { 'data-testid': 'block' },
      h('td', { class: 'num strong' }, block.height),
      h('td', { class: 'num' }, block.txCount),
      h('td', { class: block.txCount === 0 ? 'muted' : '' }, txSummary(block), block.rejected > 0 ? h('span', { class: 'rejected' }, ` · ${block.rejected} rejected`) : null),
      h('td', { class: 'mono', title: block.digest }, block.digest.slice(0, 10)),
      h('td', { class: 'num' }, block.view),
      h('td', {}, signerChips(block, replicaCount)),
    ),
  );
  fill('blocks', ...(rows.length > 0 ? rows : [h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'no blocks yet'))]));
}
