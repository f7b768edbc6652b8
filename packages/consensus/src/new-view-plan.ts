// PBFT's new-view computation, shared by the new primary (send-new-view.ts)
// and every backup that checks its message (new-view-validity.ts).
import type { Block, ConsensusConfig, PreparedCertificate, ViewChange } from './types.ts';

export type NewViewPlan<Tx> = {
  /** The highest stable checkpoint among the view changes. */
  stable: { seq: number; root: string };
  maxSeq: number;
  entries: { seq: number; block: Block<Tx> }[];
};

/**
 * From min-s (the highest stable checkpoint in the view changes) to max-s
 * (the highest prepared sequence number), re-propose the block of the
 * prepared certificate with the highest view, or an empty block where none
 * prepared.
 */
export function planNewView<Tx>(ctx: { readonly config: ConsensusConfig }, viewChanges: readonly ViewChange<Tx>[]): NewViewPlan<Tx> {
  let stable = { seq: 0, root: '' };
  for (const viewChange of viewChanges) {
    if (viewChange.stableSeq >= stable.seq) stable = { seq: viewChange.stableSeq, root: viewChange.stableRoot };
  }
  const best = new Map<number, PreparedCertificate<Tx>>();
  for (const viewChange of viewChanges) {
    for (const certificate of viewChange.prepared) {
      const seq = certificate.prePrepare.seq;
      if (seq <= stable.seq || seq > stable.seq + ctx.config.watermarkBlocks) continue;
      const current = best.get(seq);
      if (current === undefined || certificate.prePrepare.view > current.prePrepare.view) best.set(seq, certificate);
    }
  }
  const maxSeq = Math.max(stable.seq, ...best.keys());
  const entries: { seq: number; block: Block<Tx> }[] = [];
  for (let seq = stable.seq + 1; seq <= maxSeq; seq++) {
    entries.push({ seq, block: best.get(seq)?.block ?? { height: seq, txs: [] } });
  }
  return { stable, maxSeq, entries };
}
