// secp256k1 through libsecp256k1, the library Bitcoin Core uses, as a native
// addon (the `secp256k1` package ships it prebuilt for linux-x64). On this
// machine it verifies 15,000-17,000 signatures a second on one core — 5x
// OpenSSL with a warm key cache, 8x without, 35x noble — and signs about
// 23,000 (noble: 3,800), `npm run bench -- --crypto`.
// Verification is the ceiling of the whole system (DESIGN §2), so the
// processes use this scheme wherever the addon loads.
//
// It means exactly what the other two schemes mean: the same 64-byte low-S
// compact signatures over sha256(preimage), the same RFC 6979 nonces (so the
// same signatures), and the same answers on every bad input
// (packages/crypto/test/signatures.test.ts checks all three against each
// other). libsecp256k1 itself already refuses high-S and out-of-range
// signatures; the shape checks below are shared with the others anyway, so
// that a difference between libraries cannot become a difference between
// schemes.
import { hash as oneShotHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { SignatureScheme } from '../scheme.ts';
import { isCanonicalSignature, isCompressedKeyShape, isValidSecretKey } from '../secp256k1.ts';

/** The part of the `secp256k1` package's API this scheme uses. */
type NativeBinding = {
  ecdsaVerify(signature: Uint8Array, message32: Uint8Array, publicKey: Uint8Array): boolean;
  ecdsaSign(message32: Uint8Array, secretKey: Uint8Array): { signature: Uint8Array };
  publicKeyCreate(secretKey: Uint8Array, compressed: boolean): Uint8Array;
  publicKeyConvert(publicKey: Uint8Array, compressed: boolean): Uint8Array;
};

/**
 * Parsing a compressed key costs libsecp256k1 a square root on every call;
 * the 65-byte form it parses for almost nothing. A process verifies the same
 * few keys (replicas, members, accounts) over and over, so it keeps their
 * uncompressed forms — or null for a key that is not a point on the curve.
 */
const KEY_CACHE_LIMIT = 4096;

function createKeyCache(binding: NativeBinding): (publicKey: Uint8Array) => Uint8Array | null {
  const cache = new Map<string, Uint8Array | null>();
  return (publicKey) => {
    const id = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString('latin1');
    const cached = cache.get(id);
    if (cached !== undefined) return cached;
    let uncompressed: Uint8Array | null;
    try {
      uncompressed = new Uint8Array(binding.publicKeyConvert(publicKey, false));
    } catch {
      uncompressed = null;
    }
    if (cache.size >= KEY_CACHE_LIMIT) cache.clear();
    cache.set(id, uncompressed);
    return uncompressed;
  };
}

/** Why the addon is not in use, when it is not (shown by `npm run bench -- --crypto`). */
export let nativeSecp256k1Unavailable: string | null = null;

function loadBinding(): NativeBinding | null {
  if (process.env.WEDGE_SECP256K1 === 'openssl') {
    nativeSecp256k1Unavailable = 'WEDGE_SECP256K1=openssl';
    return null;
  }
  try {
    // `bindings.js` is the addon alone; the package's main module would
    // silently fall back to a pure-JS library (elliptic) instead of failing.
    return createRequire(import.meta.url)('secp256k1/bindings.js') as NativeBinding;
  } catch (error) {
    nativeSecp256k1Unavailable = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    return null;
  }
}

function sha256(preimage: Uint8Array): Uint8Array {
  return oneShotHash('sha256', preimage, 'buffer') as Buffer;
}

/**
 * sha256(preimage) written into `into` (32 bytes). A digest returned as a
 * Buffer is a fresh ArrayBuffer each time (0.73 µs a call here, and memory
 * the collector tracks one by one); as latin1 text, one byte a character,
 * copied into a buffer kept for the purpose, it is 0.40 µs and nothing kept.
 * Verification needs the digest only for the duration of the call.
 */
function sha256Into(into: Buffer, preimage: Uint8Array): Buffer {
  into.write(oneShotHash('sha256', preimage, 'binary'), 0, 32, 'latin1');
  return into;
}

function createNativeScheme(binding: NativeBinding): SignatureScheme {
  const parsedKey = createKeyCache(binding);
  const digest = Buffer.alloc(32);
  return {
    name: 'secp256k1-native',
    signatureBytes: 64,
    publicKeyOf(secretKey) {
      if (!isValidSecretKey(secretKey)) throw new RangeError('publicKeyOf: the secret key must be 32 bytes in [1, n-1]');
      return new Uint8Array(binding.publicKeyCreate(secretKey, true));
    },
    sign(secretKey, preimage) {
      if (!isValidSecretKey(secretKey)) throw new RangeError('sign: the secret key must be 32 bytes in [1, n-1]');
      // libsecp256k1 always returns the low-S form.
      return new Uint8Array(binding.ecdsaSign(sha256(preimage), secretKey).signature);
    },
    verify(publicKey, preimage, signature) {
      if (!isCompressedKeyShape(publicKey) || !isCanonicalSignature(signature)) return false;
      const key = parsedKey(publicKey);
      if (key === null) return false; // not a point on the curve
      try {
        return binding.ecdsaVerify(signature, sha256Into(digest, preimage), key);
      } catch {
        return false;
      }
    },
  };
}

const binding = loadBinding();

/** libsecp256k1, or null where its addon does not load (then `nativeSecp256k1Unavailable` says why). */
export const nativeSecp256k1: SignatureScheme | null = binding === null ? null : createNativeScheme(binding);
