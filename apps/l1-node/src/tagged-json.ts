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

const BIG_PATTERN = /^-?(0|[1-9][0-9]{0,77})$/;

export function parseTagged(text: string): unknown {
  return JSON.parse(text, (_key, item: unknown) => {
    if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
      const record = item as Record<string, unknown>;
      const keys = Object.keys(record);
      if (keys.length === 1 && typeof record.$big === 'string' && BIG_PATTERN.test(record.$big)) return BigInt(record.$big);
      if (keys.length === 1 && typeof record.$bytes === 'string' && isHex(record.$bytes)) return fromHex(record.$bytes);
    }
    return item;
  });
}
