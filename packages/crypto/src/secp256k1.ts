// secp256k1 ECDSA with low-S signatures in 64-byte compact form (r || s),
// over sha256(preimage): `nobleSecp256k1`, the pure-JS reference scheme, and
// the shape checks every secp256k1 scheme shares, so that a difference between
// libraries cannot become a difference between schemes. The faster schemes
// the processes use (OpenSSL through node:crypto, libsecp256k1 as an addon)
// need Node, so they live behind the Node-only entry (node/index.ts) and must
// agree with this one on every input (test/signatures.test.ts).
import * as secp from '@noble/secp256k1';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, fromHex, toHex } from '@wedge/common';
import type { SignatureScheme } from './scheme.ts';

secp.hashes.sha256 = sha256;
secp.hashes.hmacSha256 = (key, message) => hmac(sha256, key, message);

/** The group order n of secp256k1. */
export const CURVE_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HALF_ORDER = CURVE_ORDER >> 1n;
const SIGNATURE_BYTES = 64;
const PUBLIC_KEY_BYTES = 33;

function bytesToBigint(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${toHex(bytes)}`);
}

// Fixed-width lowercase hex compares like the numbers it spells, so the range
// checks below need no bigint arithmetic (they run before every verification).
const ORDER_HEX = CURVE_ORDER.toString(16).padStart(64, '0');
const HALF_ORDER_HEX = HALF_ORDER.toString(16).padStart(64, '0');

const ORDER_BYTES = fromHex(ORDER_HEX);
const HALF_ORDER_BYTES = fromHex(HALF_ORDER_HEX);

/** -1, 0 or 1 as the 32 bytes of `bytes` at `offset` are below, equal to or above `bound` (big-endian). */
function compare32(bytes: Uint8Array, offset: number, bound: Uint8Array): number {
  for (let index = 0; index < 32; index++) {
    const a = bytes[offset + index]!;
    const b = bound[index]!;
    if (a !== b) return a < b ? -1 : 1;
  }
  return 0;
}

function isZero32(bytes: Uint8Array, offset: number): boolean {
  for (let index = 0; index < 32; index++) if (bytes[offset + index] !== 0) return false;
  return true;
}

/** True when `signature` is 64 bytes with 0 < r < n and 0 < s <= n/2. */
export function isCanonicalSignature(signature: Uint8Array): boolean {
  if (signature.length !== SIGNATURE_BYTES) return false;
  return !isZero32(signature, 0) && compare32(signature, 0, ORDER_BYTES) < 0 && !isZero32(signature, 32) && compare32(signature, 32, HALF_ORDER_BYTES) <= 0;
}

export function isCompressedKeyShape(publicKey: Uint8Array): boolean {
  return publicKey.length === PUBLIC_KEY_BYTES && (publicKey[0] === 0x02 || publicKey[0] === 0x03);
}

function sign(secretKey: Uint8Array, preimage: Uint8Array): Uint8Array {
  return secp.sign(preimage, secretKey, { prehash: true, lowS: true, format: 'compact' });
}

function publicKeyOf(secretKey: Uint8Array): Uint8Array {
  return secp.getPublicKey(secretKey, true);
}

export const nobleSecp256k1: SignatureScheme = {
  name: 'secp256k1-noble',
  signatureBytes: SIGNATURE_BYTES,
  publicKeyOf,
  sign,
  verify(publicKey, preimage, signature) {
    if (!isCompressedKeyShape(publicKey) || !isCanonicalSignature(signature)) return false;
    try {
      return secp.verify(signature, preimage, publicKey, { prehash: true, lowS: true, format: 'compact' });
    } catch {
      return false;
    }
  },
};

/** Flips S to n - S: the malleated twin of a valid signature (for tests). */
export function malleate(signature: Uint8Array): Uint8Array {
  const s = bytesToBigint(signature.subarray(32, 64));
  const flipped = (CURVE_ORDER - s).toString(16).padStart(64, '0');
  return concatBytes(signature.subarray(0, 32), fromHex(flipped));
}

export function isValidSecretKey(secretKey: Uint8Array): boolean {
  if (secretKey.length !== 32) return false;
  const value = bytesToBigint(secretKey);
  return value > 0n && value < CURVE_ORDER;
}

/** ECDH on secp256k1: the compressed shared point of `secretKey` and `publicKey` (for pairwise MAC keys). */
export function ecdhSharedSecret(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  return secp.getSharedSecret(secretKey, publicKey, true);
}
