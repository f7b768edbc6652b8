// The primitive fields of the wire format. Hex is lowercase without a prefix
// and of an exact length, so that one value has exactly one wire spelling (a
// signature or id that could be written two ways could be replayed or
// duplicated under a second spelling). Amounts are decimal strings: JSON
// numbers lose precision above 2^53, and amounts are bigint in code.
import { isChainId } from '@wedge/crypto';
import { MAX_AMOUNT } from '@wedge/ledger';
import { z } from 'zod';

/** No sign, no leading zeros, no exponent: the one decimal spelling of a non-negative integer. */
export const AMOUNT_PATTERN = /^(0|[1-9][0-9]{0,39})$/;

function hexOfLength(characters: number) {
  return z.string().regex(new RegExp(`^[0-9a-f]{${characters}}$`), `expected ${characters} lowercase hex characters`);
}

/** 40 hex: an account address (`addressOf(publicKey)`). */
export const WireAddress = hexOfLength(40);

/** 66 hex starting 02 or 03: a compressed secp256k1 public key. */
export const WirePublicKey = z
  .string()
  .regex(/^0[23][0-9a-f]{64}$/, 'expected a compressed public key: 66 lowercase hex characters starting 02 or 03');

/** 128 hex: a 64-byte compact signature, the only form the processes produce. */
export const WireSignature = hexOfLength(128);

/** 64 hex: channel ids, transaction ids, block digests, state roots. */
export const WireHash = hexOfLength(64);

/**
 * A decimal string for 0..MAX_AMOUNT (10^30). zod runs every check of a string
 * even after one fails, so the range check tests the pattern again before
 * BigInt (which throws on anything else) sees the value.
 */
export const WireAmount = z
  .string()
  .regex(AMOUNT_PATTERN, 'expected a decimal string without sign or leading zeros')
  .refine((value) => !AMOUNT_PATTERN.test(value) || BigInt(value) <= MAX_AMOUNT, `amount exceeds ${MAX_AMOUNT}`);

/** Nonces, versions, heights, views, indexes: non-negative safe integers. */
export const WireCount = z.int().nonnegative();

export const WireChainId = z.string().max(63).refine(isChainId, 'expected a chain id: [a-z0-9][a-z0-9-]{0,62}');

export function amountFromWire(value: string): bigint {
  return BigInt(value);
}

export function amountToWire(value: bigint): string {
  return value.toString();
}
