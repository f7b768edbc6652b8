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

/** Transactions remembered at most (a bound for bursts; the age bound below is what holds at steady load). */
const CAPACITY = 50_000;
/**
 * A transaction is remembered for one to two generations of this long: a
 * request and its proposal arrive seconds apart. Bounded by count alone, the
 * interner kept every transaction of the last 50,000 — at a modest rate tens
 * of minutes of them, with the caches they carry — so a replica's memory grew
 * for that long at steady load; by age it levels off within a minute.
 */
export const GENERATION_MS = 30_000;

export class TxInterner {
  /** By the first signature, which makes distinct transactions distinct keys in practice: this generation's, and the last one's. */
  private current = new Map<string, SignedTx>();
  private previous = new Map<string, SignedTx>();
  private generationStartedMs: number;

  constructor(private readonly nowMs: () => number = Date.now) {
    this.generationStartedMs = nowMs();
  }

  /** Transactions remembered now. */
  get size(): number {
    return this.current.size + this.previous.size;
  }

  /** The remembered transaction equal to `tx`, or `tx` itself (now remembered). */
  intern(tx: SignedTx): SignedTx {
    const key = tx.signatures[0]?.signature;
    if (typeof key !== 'string') return tx;
    this.age();
    let known = this.current.get(key);
    if (known === undefined) {
      known = this.previous.get(key);
      // Met again: it stays for another generation.
      if (known !== undefined) this.remember(key, known);
    }
    if (known !== undefined) {
      if (known === tx || isSameValue(known, tx)) return known;
      return tx; // same signature, different content: keep both as they are
    }
    this.remember(key, tx);
    return tx;
  }

  internAll(txs: readonly SignedTx[]): SignedTx[] {
    return txs.map((tx) => this.intern(tx));
  }

  private remember(key: string, tx: SignedTx): void {
    if (this.current.size >= CAPACITY / 2) deleteOldest(this.current);
    this.current.set(key, tx);
  }

  /** A generation over: the last one is forgotten, this one becomes the last. */
  private age(): void {
    const now = this.nowMs();
    if (now - this.generationStartedMs < GENERATION_MS) return;
    this.previous = now - this.generationStartedMs < 2 * GENERATION_MS ? this.current : new Map();
    this.current = new Map();
    this.generationStartedMs = now;
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
