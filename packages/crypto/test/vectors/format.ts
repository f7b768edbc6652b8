// The format of the checked-in test vectors (secp256k1.json), shared by
// generate.ts, which writes them, and vectors.test.ts, which reads them.
//
// JSON form of canonical values: JSON has no
// bigint and no bytes, so a bigint is written {"$bigint": "<decimal>"} and a
// byte string {"$bytes": "<lowercase hex>"}; every other value is plain JSON.
// Keys starting with "$" are refused in objects, so the form is unambiguous.
import { fromHex, toHex } from '@wedge/common';
import type { Canonical } from '../../src/index.ts';

export type TaggedJson = null | boolean | number | string | TaggedJson[] | { [key: string]: TaggedJson };

const BIGINT_PATTERN = /^-?(?:0|[1-9][0-9]*)$/;

// defineProperty, not assignment, so that a key named "__proto__" stays an ordinary key.
function define<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export function toTaggedJson(value: Canonical): TaggedJson {
  if (value === null || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (value instanceof Uint8Array) return { $bytes: toHex(value) };
  if (Array.isArray(value)) return (value as readonly Canonical[]).map(toTaggedJson);
  const out: { [key: string]: TaggedJson } = {};
  for (const [key, item] of Object.entries(value as { readonly [key: string]: Canonical })) {
    if (key.startsWith('$')) throw new TypeError(`toTaggedJson: key "${key}" starts with "$"`);
    define(out, key, toTaggedJson(item));
  }
  return out;
}

export function fromTaggedJson(json: unknown): Canonical {
  if (json === null || typeof json === 'boolean' || typeof json === 'number' || typeof json === 'string') return json;
  if (Array.isArray(json)) return json.map(fromTaggedJson);
  if (typeof json !== 'object') throw new TypeError(`fromTaggedJson: unexpected ${typeof json}`);
  const record = json as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && keys[0] === '$bigint') {
    const text = record.$bigint;
    if (typeof text !== 'string' || !BIGINT_PATTERN.test(text)) throw new TypeError('fromTaggedJson: bad $bigint');
    return BigInt(text);
  }
  if (keys.length === 1 && keys[0] === '$bytes') {
    const text = record.$bytes;
    if (typeof text !== 'string') throw new TypeError('fromTaggedJson: bad $bytes');
    return fromHex(text);
  }
  const out: Record<string, Canonical> = {};
  for (const key of keys) {
    if (key.startsWith('$')) throw new TypeError(`fromTaggedJson: key "${key}" starts with "$"`);
    define(out, key, fromTaggedJson(record[key]));
  }
  return out;
}

export type ValidVector = {
  name: string;
  seed: string;
  secretKey: string;
  publicKey: string;
  address: string;
  chainId: string;
  kind: string;
  tag: string;
  object: TaggedJson;
  canonical: string;
  preimage: string;
  sha256: string;
  signature: string;
};

export type InvalidVector = {
  name: string;
  publicKey: string;
  preimage: string;
  signature: string;
  expected: false;
};

export type ExternalVectors = {
  sha256: { source: string; cases: ReadonlyArray<{ utf8: string; sha256: string }> };
  publicKeys: { source: string; cases: ReadonlyArray<{ secretKey: string; publicKey: string }> };
  rfc6979: { source: string; cases: ReadonlyArray<{ secretKey: string; message: string; signature: string }> };
};

export type VectorFile = {
  description: string;
  external: ExternalVectors;
  valid: ValidVector[];
  invalid: InvalidVector[];
};
