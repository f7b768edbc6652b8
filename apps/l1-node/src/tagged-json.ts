// JSON for values that hold bigints and bytes (consensus messages carry
// ledger transactions and snapshots): a bigint travels as {"$big":"123"} and
// bytes as {"$bytes":"hex"}. Decoding turns them back; every decoded value is
// then validated by a schema before it reaches the core.
import { fromHex, isHex, toHex } from '@wedge/common';

export function stringifyTagged(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'bigint') return { $big: item.toString() };
    if (item instanceof Uint8Array) return { $bytes: toHex(item) };
    return item;
  });
}

/**
 * stringifyTagged of a peer message, with a fast path for the most common
 * one, a forwarded transfer request: JSON.stringify calls a replacer for every
 * value it writes, so for a transfer (one bigint, its amount) the amount is
 * tagged by hand and the rest written plainly — the same text
 * (peer-codec.test.ts holds the two equal).
 */
export function stringifyMessage(message: unknown): string {
  const request = message as { type?: unknown; tx?: { body?: Record<string, unknown>; signatures?: unknown } };
  if (request?.type === 'request' && isPlainTransferTx(request.tx) && hasKeys(request, 'type', 'tx')) {
    const { tx } = request;
    const body = { ...tx.body, amount: { $big: (tx.body.amount as bigint).toString() } };
    return `{"type":"request","tx":${JSON.stringify({ ...tx, body })}}`;
  }
  return stringifyTagged(message);
}

/** Exactly these own keys, in this order (the order JSON writes them in). */
function hasKeys(value: object, ...keys: string[]): boolean {
  const own = Object.keys(value);
  return own.length === keys.length && own.every((key, index) => key === keys[index]);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

const isString = (value: unknown): boolean => typeof value === 'string';

/** A transaction whose only value JSON cannot write plainly is its body's bigint amount. */
function isPlainTransferTx(tx: unknown): tx is { body: Record<string, unknown>; signatures: unknown[] } {
  if (!isPlainObject(tx) || !hasKeys(tx, 'body', 'signatures')) return false;
  const { body, signatures } = tx;
  if (!isPlainObject(body) || body.type !== 'transfer' || typeof body.amount !== 'bigint' || !Array.isArray(signatures)) return false;
  for (const [key, value] of Object.entries(body)) {
    if (key !== 'amount' && !isString(value) && typeof value !== 'number') return false;
  }
  return signatures.every((entry: unknown) => isPlainObject(entry) && Object.values(entry).every(isString));
}

const BIG_PATTERN = /^-?(0|[1-9][0-9]{0,77})$/;

/**
 * The inverse of stringifyTagged. Parses plainly, then revives tagged values
 * bottom-up in one walk: the same result as a JSON.parse reviver, at a
 * fraction of its cost (a reviver call per value is slow, and peer envelopes
 * carry whole blocks).
 */
export function parseTagged(text: string): unknown {
  return revive(JSON.parse(text));
}

function revive(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      const revived = revive(item);
      if (revived !== item) value[index] = revived;
    }
    return value;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  for (const key of keys) {
    // Own properties only (JSON.parse makes even "__proto__" an own one), so
    // assigning never reaches a prototype setter.
    const item = record[key];
    const revived = revive(item);
    if (revived !== item) record[key] = revived;
  }
  if (keys.length === 1) {
    if (typeof record.$big === 'string' && BIG_PATTERN.test(record.$big)) return BigInt(record.$big);
    if (typeof record.$bytes === 'string' && isHex(record.$bytes)) return fromHex(record.$bytes);
  }
  return value;
}
