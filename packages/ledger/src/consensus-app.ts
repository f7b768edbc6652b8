// The L1 ledger seen by the PBFT core (the `ConsensusApp` of @wedge/consensus,
// matched structurally so the ledger does not depend on consensus): the
// adapter both the simulator and the replica processes use.
import type { Canonical, SignatureScheme } from '@wedge/crypto';
import { applyBlock, type TxMemo } from './block.ts';
import type { LedgerErrorCode } from './errors.ts';
import { cloneLedger } from './clone.ts';
import { hasFrozenChannel } from './funds.ts';
import { HONEST_LEDGER_RULES, type LedgerRules } from './rules.ts';
import { decodeLedger } from './snapshot-decode.ts';
import { encodeLedger, stateRoot } from './snapshot-encode.ts';
import { checkTxStatic, checkWellFormedTxStatic, isWellFormedTx } from './static-check.ts';
import { signedTxPreimage, txHashFromPreimage } from './tx-signing.ts';
import type { LedgerState, SignedTx, TxResult } from './types.ts';

export type LedgerConsensusApp = {
  /** isWellFormedTx, remembered per object: a shell validating what arrives asks this, so the shape is checked once. */
  isWellFormed(value: unknown): value is SignedTx;
  txHash(tx: SignedTx): string;
  checkTx(tx: SignedTx): string | null;
  txSequence(tx: SignedTx): { sender: string; nonce: number };
  nextNonce(state: LedgerState, sender: string): number;
  execute(state: LedgerState, height: number, txs: readonly SignedTx[]): TxResult[];
  stateRoot(state: LedgerState): string;
  clone(state: LedgerState): LedgerState;
  encodeState(state: LedgerState): Canonical;
  decodeState(value: Canonical): LedgerState;
  needsIdleBlocks(state: LedgerState): boolean;
  isStale(state: LedgerState, tx: SignedTx): boolean;
};

/** What a replica works out once per transaction object (forgotten with the object). */
type TxFacts = { wellFormed: boolean | undefined; preimage: Uint8Array | undefined; hash: string | undefined; code: LedgerErrorCode | null | undefined };

/** `rules`: HONEST_LEDGER_RULES except in the simulator's mutation tests. */
export function createLedgerApp(scheme: SignatureScheme, chainId: string, rules: LedgerRules = HONEST_LEDGER_RULES): LedgerConsensusApp {
  // Each replica checks a transaction once: its shape, id, signing preimage
  // and static check (the signatures with it) are remembered per object, in
  // one record, so each question costs one WeakMap lookup (the replica interns
  // equal transactions into one object, and a compact proposal is rebuilt
  // from the mempool's objects). Execution asks again for every transaction
  // in a block and gets the remembered answers. The body is encoded once: the
  // id is hashed from the signing preimage, which is kept only until the id
  // and the check are both known.
  const facts = new WeakMap<SignedTx, TxFacts>();
  const factsOf = (tx: SignedTx): TxFacts => {
    let known = facts.get(tx);
    if (known === undefined) {
      // All fields from the start, so every record has one shape.
      known = { wellFormed: undefined, preimage: undefined, hash: undefined, code: undefined };
      facts.set(tx, known);
    }
    return known;
  };
  const isWellFormed = (value: unknown): value is SignedTx => {
    if (typeof value !== 'object' || value === null) return false;
    const known = factsOf(value as SignedTx);
    return (known.wellFormed ??= isWellFormedTx(value));
  };
  const preimageOf = (tx: SignedTx): Uint8Array => {
    const known = factsOf(tx);
    return (known.preimage ??= signedTxPreimage(tx));
  };
  // The preimage is kept only until both the id and the check are known:
  // after that nothing asks for it, and a transaction lives on for seconds
  // (mempool, block, recent blocks), so it would only be more memory for the
  // collector to copy and sweep.
  const settled = (known: TxFacts): void => {
    if (known.hash !== undefined && known.code !== undefined) known.preimage = undefined;
  };
  const hashOf = (tx: SignedTx): string => {
    const known = factsOf(tx);
    if (known.hash !== undefined) return known.hash;
    known.hash = txHashFromPreimage(tx, (known.preimage ??= signedTxPreimage(tx)));
    settled(known);
    return known.hash;
  };
  const checkTx = (tx: SignedTx): LedgerErrorCode | null => {
    const known = factsOf(tx);
    if (known.code !== undefined) return known.code;
    if (!(known.wellFormed ??= isWellFormedTx(tx))) return (known.code = 'MALFORMED');
    known.code = checkWellFormedTxStatic(scheme, chainId, tx, preimageOf);
    settled(known);
    return known.code;
  };
  // Execution asks for every transaction's id and static check again; a
  // malformed one (which has no id) is checked afresh each time.
  const memo: TxMemo = {
    isWellFormed: (tx) => isWellFormed(tx),
    txHash: hashOf,
    checkTxStatic: (tx) => (isWellFormed(tx) ? checkTx(tx) : checkTxStatic(scheme, chainId, tx)),
  };
  return {
    isWellFormed,
    txHash: hashOf,
    checkTx,
    txSequence: (tx) => ({ sender: tx.body.from, nonce: tx.body.nonce }),
    nextNonce: (state, sender) => state.accounts.get(sender)?.nonce ?? 0,
    execute: (state, height, txs) => applyBlock(scheme, state, { height, txs: [...txs] }, memo, rules),
    stateRoot,
    clone: cloneLedger,
    encodeState: encodeLedger,
    decodeState: decodeLedger,
    needsIdleBlocks: hasFrozenChannel,
    isStale: (state, tx) => (state.accounts.get(tx.body.from)?.nonce ?? 0) > tx.body.nonce,
  };
}
