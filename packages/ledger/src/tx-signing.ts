// Transaction signatures and ids. Signers sign the body under the chain's tx
// tag; a transaction's id hashes the whole signed transaction under the tx-id
// tag. Who must sign: for channel.open every member, one signature per member
// in member order (the sender, a member, is among them); for every other type
// exactly one signature, by the key whose address is `from`.
import { assert, fromHex, toHex } from '@wedge/common';
import {
  PreEncoded,
  addressOf,
  hashTaggedHex,
  hashTaggedHexWith,
  taggedPreimage,
  useTaggedWriting,
  type CanonicalWriter,
  type KeyPair,
  type SignatureScheme,
} from '@wedge/crypto';
import { canonicalTxBody } from './encoding.ts';
import { LedgerError, type LedgerErrorCode } from './errors.ts';
import { MAX_CHANNEL_MEMBERS } from './limits.ts';
import { txIdTag, txTag } from './tags.ts';
import type { SignedTx, TransferBody, TxBody } from './types.ts';

/** The bytes every signer of `body` signs. */
export function txSigningPreimage(body: TxBody): Uint8Array {
  const tag = txTag(body.chainId);
  // A transfer, by far the most common body, is written field by field (the
  // same bytes as its canonical form; static-check.test.ts holds the two equal).
  if (isPlainTransfer(body)) return useTaggedWriting(tag, (writer) => writeTransferBody(writer, body), copyOf);
  return taggedPreimage(tag, canonicalTxBody(body));
}

const copyOf = (bytes: Uint8Array): Uint8Array => bytes.slice();

/** A transfer whose fields have the types canonicalTxBody assumes (anything else takes the general path). */
function isPlainTransfer(body: TxBody): body is TransferBody {
  if (body.type !== 'transfer') return false;
  const { amount, chainId, from, nonce, to } = body;
  return typeof amount === 'bigint' && typeof chainId === 'string' && typeof from === 'string' && typeof nonce === 'number' && typeof to === 'string';
}

/** canonicalTxBody of a transfer: its six keys in sorted order. */
function writeTransferBody(writer: CanonicalWriter, body: TransferBody): void {
  writer.object(6);
  writer.key('amount');
  writer.bigint(body.amount);
  writer.key('chainId');
  writer.string(body.chainId);
  writer.key('from');
  writer.string(body.from);
  writer.key('nonce');
  writer.integer(body.nonce);
  writer.key('to');
  writer.string(body.to);
  writer.key('type');
  writer.string(body.type);
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
 * 64 hex: the id of a signed transaction, the tagged hash of its canonical
 * form (`hashTaggedHex(txIdTag(chainId), canonicalSignedTx(tx))`). Every
 * well-formed transaction (see isWellFormedTx) has one; for a value that
 * cannot be encoded at all this throws a LedgerError (MALFORMED) rather than
 * the encoder's TypeError, so a caller hashing untrusted input gets a handled
 * error.
 */
export function txHash(tx: SignedTx): string {
  return txHashFromPreimage(tx, signedTxPreimage(tx));
}

function unencodable(cause: unknown): LedgerError {
  return new LedgerError('MALFORMED', 'transaction cannot be encoded, so it has no id', { cause });
}

/** `txSigningPreimage(tx.body)`, throwing a LedgerError (MALFORMED) for a value that cannot be encoded. */
export function signedTxPreimage(tx: SignedTx): Uint8Array {
  try {
    return txSigningPreimage(tx.body);
  } catch (cause) {
    throw unencodable(cause);
  }
}

/**
 * `txHash(tx)` from the body's signing preimage, which a verifier has built
 * anyway: the body's canonical encoding is the preimage after its tag, and it
 * goes into the id's encoding as those bytes, so the body is encoded once for
 * both the signatures and the id. (static-check.test.ts holds this to the
 * definition above on every kind of transaction.)
 */
export function txHashFromPreimage(tx: SignedTx, preimage: Uint8Array): string {
  const { chainId } = tx.body;
  const { signatures } = tx;
  try {
    const body = new PreEncoded(preimage.subarray(txTag(chainId).length + 1));
    if (!Array.isArray(signatures) || !signatures.every(isPlainSignature)) {
      return hashTaggedHex(txIdTag(chainId), { body, signatures: signatures.map((entry) => ({ publicKey: entry.publicKey, signature: entry.signature })) });
    }
    // canonicalSignedTx written field by field: { body, signatures: [{ publicKey, signature }, ...] }.
    return hashTaggedHexWith(txIdTag(chainId), (writer) => {
      writer.object(2);
      writer.key('body');
      writer.value(body);
      writer.key('signatures');
      writer.array(signatures.length);
      for (const entry of signatures) {
        writer.object(2);
        writer.key('publicKey');
        writer.string(entry.publicKey);
        writer.key('signature');
        writer.string(entry.signature);
      }
    });
  } catch (cause) {
    throw unencodable(cause);
  }
}

function isPlainSignature(entry: unknown): boolean {
  if (typeof entry !== 'object' || entry === null) return false;
  const { publicKey, signature } = entry as { publicKey?: unknown; signature?: unknown };
  return typeof publicKey === 'string' && typeof signature === 'string';
}

/** The keys that must sign `body`, in order, or null when they follow from the signatures (single sender). */
function requiredSignerKeys(body: TxBody): string[] | null {
  return body.type === 'channel.open' ? body.members.map((member) => member.publicKey) : null;
}

/** Addresses of the public keys met lately (hex → address): a replica sees the same senders over and over. */
const addresses = new Map<string, string>();
const ADDRESSES_LIMIT = 4_096;

function addressOfKeyHex(publicKey: string): string {
  let address = addresses.get(publicKey);
  if (address === undefined) {
    address = addressOf(fromHex(publicKey));
    if (addresses.size >= ADDRESSES_LIMIT) addresses.clear();
    addresses.set(publicKey, address);
  }
  return address;
}

/**
 * BAD_SIGNATURE unless the signatures are exactly the required ones and all
 * verify. Precondition: `tx` is well formed (shapes and counts are bounded).
 * `preimage` is `txSigningPreimage(tx.body)`, for a caller that has it.
 */
export function getTxSignatureValidity(scheme: SignatureScheme, tx: SignedTx, preimage?: Uint8Array): LedgerErrorCode | null {
  const { body, signatures } = tx;
  const required = requiredSignerKeys(body);
  if (required === null) {
    if (signatures.length !== 1 || addressOfKeyHex(signatures[0]!.publicKey) !== body.from) return 'BAD_SIGNATURE';
  } else {
    if (signatures.length !== required.length) return 'BAD_SIGNATURE';
    for (let index = 0; index < required.length; index++) {
      if (signatures[index]!.publicKey !== required[index]) return 'BAD_SIGNATURE';
    }
  }
  assert(signatures.length <= MAX_CHANNEL_MEMBERS, 'getTxSignatureValidity: too many signatures');
  const signed = preimage ?? txSigningPreimage(body);
  for (const entry of signatures) {
    // Well formed, so both are lowercase hex already (fromHex throws on anything else: a broken precondition).
    if (!scheme.verify(fromHex(entry.publicKey), signed, fromHex(entry.signature))) return 'BAD_SIGNATURE';
  }
  return null;
}
