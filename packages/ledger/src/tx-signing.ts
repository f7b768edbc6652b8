// Transaction signatures and ids. Signers sign the body under the chain's tx
// tag; a transaction's id hashes the whole signed transaction under the tx-id
// tag. Who must sign: for channel.open every member, one signature per member
// in member order (the sender, a member, is among them); for every other type
// exactly one signature, by the key whose address is `from`.
import { assert, fromHex, toHex } from '@wedge/common';
import { addressOf, hashTaggedHex, taggedPreimage, type KeyPair, type SignatureScheme } from '@wedge/crypto';
import { canonicalSignedTx, canonicalTxBody } from './encoding.ts';
import { LedgerError, type LedgerErrorCode } from './errors.ts';
import { MAX_CHANNEL_MEMBERS } from './limits.ts';
import { txIdTag, txTag } from './tags.ts';
import type { SignedTx, TxBody } from './types.ts';

/** The bytes every signer of `body` signs. */
export function txSigningPreimage(body: TxBody): Uint8Array {
  return taggedPreimage(txTag(body.chainId), canonicalTxBody(body));
}

/**
 * Signs `body` with each signer, in the order given: the sender alone, or for
 * channel.open one key pair per member in member order.
 */
export function signTx(scheme: SignatureScheme, body: TxBody, signers: readonly KeyPair[]): SignedTx {
  assert(signers.length >= 1 && signers.length <= MAX_CHANNEL_MEMBERS, `signTx: 1..${MAX_CHANNEL_MEMBERS} signers`);
  const preimage = txSigningPreimage(body);
  const signatures = signers.map((signer) => ({
    publicKey: toHex(signer.publicKey),
    signature: toHex(scheme.sign(signer.secretKey, preimage)),
  }));
  return { body, signatures };
}

/**
 * 64 hex: the id of a signed transaction. Every well-formed transaction (see
 * isWellFormedTx) has one; for a value that cannot be encoded at all this
 * throws a LedgerError (MALFORMED) rather than the encoder's TypeError, so a
 * caller hashing untrusted input gets a handled error.
 */
export function txHash(tx: SignedTx): string {
  try {
    return hashTaggedHex(txIdTag(tx.body.chainId), canonicalSignedTx(tx));
  } catch (cause) {
    throw new LedgerError('MALFORMED', 'transaction cannot be encoded, so it has no id', { cause });
  }
}

/** The keys that must sign `body`, in order, or null when they follow from the signatures (single sender). */
function requiredSignerKeys(body: TxBody): string[] | null {
  return body.type === 'channel.open' ? body.members.map((member) => member.publicKey) : null;
}

/**
 * BAD_SIGNATURE unless the signatures are exactly the required ones and all
 * verify. Precondition: `tx` is well formed (shapes and counts are bounded).
 */
export function getTxSignatureValidity(scheme: SignatureScheme, tx: SignedTx): LedgerErrorCode | null {
  const { body, signatures } = tx;
  const required = requiredSignerKeys(body);
  if (required === null) {
    if (signatures.length !== 1 || addressOf(fromHex(signatures[0]!.publicKey)) !== body.from) return 'BAD_SIGNATURE';
  } else {
    if (signatures.length !== required.length) return 'BAD_SIGNATURE';
    for (let index = 0; index < required.length; index++) {
      if (signatures[index]!.publicKey !== required[index]) return 'BAD_SIGNATURE';
    }
  }
  assert(signatures.length <= MAX_CHANNEL_MEMBERS, 'getTxSignatureValidity: too many signatures');
  const preimage = txSigningPreimage(body);
  for (const entry of signatures) {
    if (!scheme.verify(fromHex(entry.publicKey), preimage, fromHex(entry.signature))) return 'BAD_SIGNATURE';
  }
  return null;
}
