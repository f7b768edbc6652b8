// Blocks whose commit certificates verified. A final block never changes, so
// a proof checked once serves every later question about that height; the
// cache only saves signature checks and bytes (waiting for many transactions
// of one block fetches and verifies it once). Bounded, oldest out first.
import { deleteOldest } from '@wedge/common';
import type { BlockProof } from './proof.ts';

export const PROVEN_BLOCKS_CAPACITY = 256;

export type ProvenBlocks = {
  get(height: number): BlockProof | undefined;
  add(proof: BlockProof): void;
};

export function createProvenBlocks(capacity = PROVEN_BLOCKS_CAPACITY): ProvenBlocks {
  const byHeight = new Map<number, BlockProof>();
  return {
    get: (height) => byHeight.get(height),
    add(proof) {
      if (byHeight.has(proof.height)) return;
      // A Map iterates in insertion order, so the first key is the oldest.
      if (byHeight.size >= capacity) deleteOldest(byHeight);
      byHeight.set(proof.height, proof);
    },
  };
}
