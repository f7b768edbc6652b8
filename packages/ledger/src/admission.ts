// Which transactions a replica takes into its mempool: the rule every
// replica applies to a client's submission, before consensus orders it.
// Taking a transaction admits nothing on the ledger — execution decides —
// but a mempool must not fill with what can never execute: a spent nonce
// (a replay), a nonce so far ahead that the gap may never fill, or, for the
// sender's next nonce, a transaction the ledger would reject right now.
// Later nonces are taken on trust (a client pipelines them) and checked
// when they execute. Reads only.
import type { SignatureScheme } from '@wedge/crypto';
import { getAccount } from './accounts.ts';
import { getTxValidity } from './apply-tx.ts';
import type { LedgerErrorCode } from './errors.ts';
import type { LedgerState, SignedTx } from './types.ts';

/** How far ahead of its account's nonce a transaction may be taken (a client's pipeline). */
export const MAX_NONCE_AHEAD = 1_000;

export type AdmissionRefusal = { readonly code: LedgerErrorCode; readonly reason: string };

/**
 * Null when a mempool may take `tx` now, given `state`; else the code and
 * why. Precondition: `tx` passed checkTxStatic (shape, chain, signatures).
 */
export function getAdmissionValidity(scheme: SignatureScheme, state: LedgerState, tx: SignedTx): AdmissionRefusal | null {
  const accountNonce = getAccount(state, tx.body.from).nonce;
  const { nonce } = tx.body;
  if (nonce < accountNonce) return { code: 'BAD_NONCE', reason: `nonce ${nonce} is already used (account nonce ${accountNonce}): a replay` };
  if (nonce > accountNonce + MAX_NONCE_AHEAD) {
    return { code: 'BAD_NONCE', reason: `nonce ${nonce} is more than ${MAX_NONCE_AHEAD} ahead of the account nonce ${accountNonce}` };
  }
  if (nonce > accountNonce) return null;
  const code = getTxValidity(scheme, state, tx, state.height + 1);
  return code === null ? null : { code, reason: `rejected (${code})` };
}
