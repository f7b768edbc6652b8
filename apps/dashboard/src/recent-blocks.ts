// The most recent committed blocks, each fetched once through the client,
// which verifies its commit certificate against the genesis replica set before
// handing it over — so the page never shows a block that is not proven final.
import type { CommittedBlockView } from '@wedge/api';
import type { WedgeClient } from '@wedge/client';
import type { BlockView } from './snapshot.ts';

/** Blocks the page lists. */
export const RECENT_BLOCKS = 12;

export function blockView(view: CommittedBlockView): BlockView {
  const txTypes: Record<string, number> = {};
  for (const tx of view.block.txs) txTypes[tx.body.type] = (txTypes[tx.body.type] ?? 0) + 1;
  return {
    height: view.block.height,
    view: view.certificate.view,
    digest: view.certificate.digest,
    txCount: view.block.txs.length,
    txTypes,
    rejected: view.results.filter((result) => result.code !== 'OK').length,
    signers: view.certificate.signatures.map((entry) => entry.replica).sort((a, b) => a - b),
  };
}

export class RecentBlocks {
  /** Newest first, at most RECENT_BLOCKS. */
  private blocks: BlockView[] = [];

  get list(): readonly BlockView[] {
    return this.blocks;
  }

  /** Fetches the blocks up to `height` not held yet (at most RECENT_BLOCKS); stops at the first that fails, to retry on the next poll. */
  async catchUp(client: WedgeClient, height: number): Promise<void> {
    const newest = this.blocks[0]?.height ?? 0;
    const from = Math.max(newest + 1, height - RECENT_BLOCKS + 1, 1);
    for (let next = from; next <= height; next++) {
      let view: CommittedBlockView;
      try {
        view = await client.getBlock(next);
      } catch {
        return;
      }
      this.blocks = [blockView(view), ...this.blocks].slice(0, RECENT_BLOCKS);
    }
  }
}
