// Payments: signing by the payer, validation, and applying a batch to
// balances. Check, then apply: `paymentValidity` returns a reason or null;
// `applyPayments` assumes valid input and asserts the invariants.
import { assert, fromHex, isHex, toHex } from '@wedge/common';
import { domainTag, hashTaggedHex, signObject, verifyObject, type Canonical, type SignatureScheme } from '@wedge/crypto';
import { MAX_AMOUNT } from '@wedge/ledger';
import type { ChannelErrorCode, MemberConfig, Payment } from './types.ts';

export function paymentTag(chainId: string): string {
  return domainTag(chainId, 'payment');
}

function paymentPayload(channelId: string, payment: Omit<Payment, 'signature'>): Canonical {
  return { channelId, from: payment.from, to: payment.to, amount: payment.amount, paymentId: payment.paymentId };
}

export function signPayment(
  scheme: SignatureScheme,
  config: Pick<MemberConfig, 'chainId' | 'channelId'>,
  payment: Omit<Payment, 'signature'>,
  secretKey: Uint8Array,
): Payment {
  const signature = toHex(signObject(scheme, secretKey, paymentTag(config.chainId), paymentPayload(config.channelId, payment)));
  return { ...payment, signature };
}

/** The members' public keys as bytes, decoded once per member list (every payment check needs its payer's). */
const memberKeyBytes = new WeakMap<MemberConfig['members'], readonly Uint8Array[]>();

function payerKey(config: MemberConfig, member: number): Uint8Array {
  let keys = memberKeyBytes.get(config.members);
  if (keys === undefined) {
    keys = config.members.map((entry) => fromHex(entry.publicKey));
    memberKeyBytes.set(config.members, keys);
  }
  return keys[member]!;
}

/** Stateless checks: members, amount, id shape, the payer's signature. */
export function paymentValidity(scheme: SignatureScheme, config: MemberConfig, payment: Payment): ChannelErrorCode | null {
  const n = config.members.length;
  if (!Number.isInteger(payment.from) || !Number.isInteger(payment.to)) return 'NOT_A_MEMBER';
  if (payment.from < 0 || payment.from >= n || payment.to < 0 || payment.to >= n || payment.from === payment.to) return 'NOT_A_MEMBER';
  if (typeof payment.amount !== 'bigint' || payment.amount <= 0n || payment.amount > MAX_AMOUNT) return 'INVALID_AMOUNT';
  if (!isHex(payment.paymentId, 32) || !isHex(payment.signature, 64)) return 'BAD_SIGNATURE';
  const valid = verifyObject(scheme, payerKey(config, payment.from), paymentTag(config.chainId), paymentPayload(config.channelId, payment), fromHex(payment.signature));
  return valid ? null : 'BAD_SIGNATURE';
}

/** Balances after applying `payments` in order, or the first failure. Does not verify signatures. */
export function balancesAfter(
  balances: readonly bigint[],
  payments: readonly Payment[],
  applied: ReadonlySet<string>,
): { balances: bigint[] } | { code: ChannelErrorCode; paymentId: string } {
  const next = [...balances];
  const seen = new Set<string>();
  for (const payment of payments) {
    if (applied.has(payment.paymentId) || seen.has(payment.paymentId)) return { code: 'DUPLICATE_PAYMENT', paymentId: payment.paymentId };
    seen.add(payment.paymentId);
    if (next[payment.from]! < payment.amount) return { code: 'INSUFFICIENT_FUNDS', paymentId: payment.paymentId };
    next[payment.from] = next[payment.from]! - payment.amount;
    next[payment.to] = next[payment.to]! + payment.amount;
  }
  const before = balances.reduce((sum, balance) => sum + balance, 0n);
  assert(next.reduce((sum, balance) => sum + balance, 0n) === before, 'payments conserve the channel total');
  return { balances: next };
}

export function commandsHash(chainId: string, payments: readonly Payment[]): string {
  return hashTaggedHex(domainTag(chainId, 'channel-commands'), payments as unknown as Canonical);
}
