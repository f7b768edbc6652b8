// Applying a committed block: every transaction in order, each checked in full
// (a Byzantine primary may have included invalid ones; they are recorded as
// rejected and change nothing), then the height advances. Execution is a pure
// function of the committed log.
import { assert } from '@wedge/common';
import { domainTag, hashTaggedHex, type SignatureScheme } from '@wedge/crypto';
import { applyTx } from './apply-tx.ts';
import { MAX_BLOCK_TXS } from './limits.ts';
import { HONEST_LEDGER_RULES, type LedgerRules } from './rules.ts';
import { checkTxStatic, isWellFormedTx } from './static-check.ts';
import { txHash } from './tx-signing.ts';
import type { LedgerErrorCode } from './errors.ts';
import type { Block, LedgerState, SignedTx, TxResult } from './types.ts';

/**
 * A transaction too malformed to encode has no id. Its result gets a stand-in
 * hash naming its place in the log, so that results stay one per transaction.
 */
function malformedTxHash(chainId: string, height: number, index: number): string {
  return hashTaggedHex(domainTag(chainId, 'malformed-tx'), { height, index });
}

/**
 * The per-transaction work of execution that depends on the transaction
 * alone: its id and its stateless checks. A caller that has computed them
 * before (a replica did, when the transaction arrived) passes memoized ones;
 * they must answer exactly as `txHash` and `checkTxStatic` do.
 */
export type TxMemo = {
  isWellFormed(tx: SignedTx): boolean;
  txHash(tx: SignedTx): string;
  checkTxStatic(tx: SignedTx): LedgerErrorCode | null;
};

function freshMemo(scheme: SignatureScheme, chainId: string): TxMemo {
  return { isWellFormed: isWellFormedTx, txHash, checkTxStatic: (tx) => checkTxStatic(scheme, chainId, tx) };
}

/**
 * Applies `block` to `state` in place and returns one result per transaction.
 * Asserts that the block is the next one and within MAX_BLOCK_TXS (consensus
 * must refuse larger blocks before they are committed).
 */
export function applyBlock(
  scheme: SignatureScheme,
  state: LedgerState,
  block: Block,
  memo: TxMemo = freshMemo(scheme, state.chainId),
  rules: LedgerRules = HONEST_LEDGER_RULES,
): TxResult[] {
  assert(block.height === state.height + 1, `applyBlock: height ${block.height} after ${state.height}`);
  assert(block.txs.length <= MAX_BLOCK_TXS, `applyBlock: ${block.txs.length} txs exceed ${MAX_BLOCK_TXS}`);
  const results: TxResult[] = [];
  for (let index = 0; index < block.txs.length; index++) {
    const tx = block.txs[index]!;
    const hash = memo.isWellFormed(tx) ? memo.txHash(tx) : malformedTxHash(state.chainId, block.height, index);
    const staticCode = memo.checkTxStatic(tx);
    const code = staticCode ?? applyTx(scheme, state, tx, block.height, rules);
    results.push({ hash, code });
  }
  state.height = block.height;
  return results;
}
