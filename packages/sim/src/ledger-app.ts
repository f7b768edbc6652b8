// The L1 ledger seen by the PBFT core: the adapter both the simulator and the
// replica processes use. Verification results are cached per replica by
// transaction hash, so each replica verifies each transaction once.
import type { ConsensusApp } from '@wedge/consensus';
import type { SignatureScheme } from '@wedge/crypto';
import {
  applyBlock,
  checkTxStatic,
  cloneLedger,
  decodeLedger,
  encodeLedger,
  hasFrozenChannel,
  stateRoot,
  txHash,
  type LedgerState,
  type SignedTx,
} from '@wedge/ledger';

const CACHE_LIMIT = 100_000;

export function createLedgerApp(scheme: SignatureScheme, chainId: string): ConsensusApp<SignedTx, LedgerState> {
  const hashes = new WeakMap<SignedTx, string>();
  const checked = new Map<string, string | null>();
  const hashOf = (tx: SignedTx): string => {
    let hash = hashes.get(tx);
    if (hash === undefined) {
      hash = txHash(tx);
      hashes.set(tx, hash);
    }
    return hash;
  };
  return {
    txHash: hashOf,
    checkTx(tx) {
      const hash = hashOf(tx);
      const cached = checked.get(hash);
      if (cached !== undefined) return cached;
      const code = checkTxStatic(scheme, chainId, tx);
      if (checked.size >= CACHE_LIMIT) checked.clear();
      checked.set(hash, code);
      return code;
    },
    txOrderKey: (tx) => `${tx.body.from}:${tx.body.nonce.toString().padStart(12, '0')}`,
    execute: (state, height, txs) => applyBlock(scheme, state, { height, txs: [...txs] }),
    stateRoot,
    clone: cloneLedger,
    encodeState: encodeLedger,
    decodeState: decodeLedger,
    needsIdleBlocks: hasFrozenChannel,
    isStale: (state, tx) => (state.accounts.get(tx.body.from)?.nonce ?? 0) > tx.body.nonce,
  };
}
