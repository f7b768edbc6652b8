// Whether a proposed block may be voted for: its shape, its digest, the
// primary's signature, and every transaction's own check.
import type { StepContext } from './context.ts';
import { blockDigest, verifyMessage } from './messages.ts';
import type { ProposalReason } from './reasons.ts';
import type { Block, PrePrepare } from './types.ts';

/** Null when `block` is a valid proposal for `prePrepare`, else why not. */
export function getProposalValidity<Tx>(c: StepContext<Tx, unknown>, prePrepare: PrePrepare, block: Block<Tx>): ProposalReason | null {
  if (block.height !== prePrepare.seq) return 'HEIGHT_MISMATCH';
  if (!Array.isArray(block.txs)) return 'MALFORMED';
  if (block.txs.length > c.config.maxBlockTxs) return 'BLOCK_TOO_LARGE';
  if (blockDigest(c.config.chainId, block, c.app) !== prePrepare.digest) return 'BAD_DIGEST';
  if (!verifyMessage(c.verifier, prePrepare)) return 'BAD_SIGNATURE';
  const seen = new Set<string>();
  for (const tx of block.txs) {
    const hash = c.app.txHash(tx);
    if (seen.has(hash)) return 'DUPLICATE_TX';
    seen.add(hash);
    // A request we hold or executed passed the check already.
    if (!c.state.pending.has(hash) && !c.state.recentlyExecuted.has(hash) && c.app.checkTx(tx) !== null) return 'INVALID_TX';
  }
  return null;
}
