// Shape checks for values that arrive from outside (a client, a Byzantine
// primary). Each takes `unknown` and never throws, so a malformed transaction
// is rejected with MALFORMED instead of crashing a replica. Sizes are checked
// before anything is iterated.
import { isHex } from '@wedge/common';
import { ADDRESS_PATTERN, isChainId } from '@wedge/crypto';
import { MAX_CHANNEL_MEMBERS, MAX_SIGNATURE_BYTES } from './limits.ts';
import type { ChannelState } from './types.ts';

export type UnknownRecord = Readonly<Record<string, unknown>>;

/** A plain object (not an array, Map, class instance or null). */
export function isRecord(value: unknown): value is UnknownRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Exactly these own keys, no more and no fewer. */
export function hasExactKeys(record: UnknownRecord, keys: readonly string[]): boolean {
  const own = Object.keys(record);
  if (own.length !== keys.length) return false;
  for (const key of keys) if (!Object.hasOwn(record, key)) return false;
  return true;
}

/**
 * An array of at most `maxLength` items, each passing `isItem`. Indexes are
 * walked one by one because `every` skips the holes of a sparse array.
 */
export function isArrayOf<T>(value: unknown, maxLength: number, isItem: (item: unknown) => item is T): value is T[] {
  if (!Array.isArray(value) || value.length > maxLength) return false;
  for (let index = 0; index < value.length; index++) if (!isItem(value[index])) return false;
  return true;
}

export function isBigint(value: unknown): value is bigint {
  return typeof value === 'bigint';
}

export function isAddress(value: unknown): value is string {
  return typeof value === 'string' && ADDRESS_PATTERN.test(value);
}

/** 64 hex: channel ids and hashes. */
export function isHash(value: unknown): value is string {
  return typeof value === 'string' && isHex(value, 32);
}

/** 66 hex starting 02 or 03: a compressed public key's shape (the curve check is the verifier's). */
export function isPublicKeyHex(value: unknown): value is string {
  return typeof value === 'string' && isHex(value, 33) && (value.startsWith('02') || value.startsWith('03'));
}

/** Non-empty hex of bounded length; whether it verifies is another question. */
export function isSignatureHex(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_SIGNATURE_BYTES * 2 && isHex(value);
}

/** A non-negative safe integer: nonces, versions, heights. */
export function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

export function isChainIdValue(value: unknown): value is string {
  return typeof value === 'string' && isChainId(value);
}

const CHANNEL_STATE_KEYS = ['chainId', 'channelId', 'version', 'balances', 'deposited', 'withdrawn', 'commandsHash', 'prevHash', 'final'];

/**
 * The shape of a channel state. Whether it fits a channel (chain, id, member
 * count, sum) is decided against the channel record and reported as INVALID_STATE.
 */
export function isChannelStateShape(value: unknown): value is ChannelState {
  if (!isRecord(value) || !hasExactKeys(value, CHANNEL_STATE_KEYS)) return false;
  const { chainId, channelId, version, balances, deposited, withdrawn, commandsHash, prevHash, final } = value;
  // A chain id of the domain-tag pattern: plain ASCII, so the state always encodes.
  if (!isChainIdValue(chainId) || !isHash(channelId) || !isCount(version) || !isHash(commandsHash) || !isHash(prevHash)) return false;
  if (typeof final !== 'boolean') return false;
  return isArrayOf(balances, MAX_CHANNEL_MEMBERS, isBigint) && isArrayOf(deposited, MAX_CHANNEL_MEMBERS, isBigint) && isArrayOf(withdrawn, MAX_CHANNEL_MEMBERS, isBigint);
}

/** At most one signature per possible member, each of signature shape. */
export function isStateSignaturesShape(value: unknown): value is string[] {
  return isArrayOf(value, MAX_CHANNEL_MEMBERS, isSignatureHex);
}
