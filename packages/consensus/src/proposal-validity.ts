// Whether a proposed block may be voted for: its shape, its digest, the
// primary's signature, every transaction's own check, and — where the
// application sequences senders (account nonces) — each sender's
// transactions in the block in consecutive nonce order. An honest primary
// proposes a sender's next nonce only (propose.ts), so its blocks always
// are; a Byzantine one that reordered a sender's transactions would make
// the later ones fail at execution (BAD_NONCE) and their ids spent, so the
// client would have to sign again. The rule looks at the block alone, so
// every honest replica judges a block alike.
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
  const { txSequence } = c.app;
  const lastNonce = txSequence === undefined ? null : new Map<string, number>();
  for (const tx of block.txs) {
    const hash = c.app.txHash(tx);
    if (seen.has(hash)) return 'DUPLICATE_TX';
    seen.add(hash);
    if (lastNonce !== null) {
      const { sender, nonce } = txSequence!(tx);
      const last = lastNonce.get(sender);
      if (last !== undefined && nonce !== last + 1) return 'NONCE_ORDER';
      lastNonce.set(sender, nonce);
    }
    // A request we hold or executed passed the check already.
    if (!c.state.pending.has(hash) && !c.state.recentlyExecuted.has(hash) && c.app.checkTx(tx) !== null) return 'INVALID_TX';
  }
  return null;
}
