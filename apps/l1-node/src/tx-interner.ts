// A replica meets every transaction at least twice as separate objects: once
// as a request (from a client or forwarded by a peer) and again inside the
// primary's proposal, then once more if a view change re-proposes it. The
// ledger adapter caches a transaction's id and static check per object, so
// each fresh copy costs a canonical encoding and a sha256 again. Interning
// hands out the first copy for every later one that is structurally equal, so
// those caches hit. Equality is checked field by field, so a copy that
// differs in anything (a Byzantine twin with the same signature) is never
// replaced: interning cannot change what a message says.
import { deleteOldest } from '@wedge/common';
import type { SignedTx } from '@wedge/ledger';

/** Transactions remembered; a request and its proposal arrive seconds apart, well within this. */
const CAPACITY = 50_000;

export class TxInterner {
  /** By the first signature, which makes distinct transactions distinct keys in practice. */
  private readonly bySignature = new Map<string, SignedTx>();

  /** The remembered transaction equal to `tx`, or `tx` itself (now remembered). */
  intern(tx: SignedTx): SignedTx {
    const key = tx.signatures[0]?.signature;
    if (typeof key !== 'string') return tx;
    const known = this.bySignature.get(key);
    if (known !== undefined) {
      if (known === tx || isSameValue(known, tx)) return known;
      return tx; // same signature, different content: keep both as they are
    }
    if (this.bySignature.size >= CAPACITY) deleteOldest(this.bySignature);
    this.bySignature.set(key, tx);
    return tx;
  }

  internAll(txs: readonly SignedTx[]): SignedTx[] {
    return txs.map((tx) => this.intern(tx));
  }
}

/**
 * Deep equality of validated transaction values: plain objects with the same
 * own keys, arrays, strings, numbers, booleans, bigints and null. Anything
 * else (bytes, class instances) counts as different, which only costs a cache
 * miss.
 */
export function isSameValue(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let index = 0; index < a.length; index++) if (!isSameValue(a[index], b[index])) return false;
    return true;
  }
  if (Array.isArray(b) || Object.getPrototypeOf(a) !== Object.prototype || Object.getPrototypeOf(b) !== Object.prototype) return false;
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  if (aKeys.length !== bKeys.length) return false;
  const bRecord = b as Record<string, unknown>;
  const aRecord = a as Record<string, unknown>;
  for (const key of aKeys) {
    if (!Object.prototype.hasOwnProperty.call(bRecord, key) || !isSameValue(aRecord[key], bRecord[key])) return false;
  }
  return true;
}
