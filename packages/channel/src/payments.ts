// Payments: signing by the payer, validation, and applying a batch to
// balances and to the payers' seq windows. Check, then apply:
// `paymentValidity` returns a reason or null; a PaymentBatch takes payments
// one at a time, each either applied (balances and seqs move) or refused with
// a reason (nothing moves), and asserts the invariants.
import { assert, fromHex, isHex, toHex } from '@wedge/common';
import { domainTag, hashTaggedHex, signObject, verifyObject, type Canonical, type SignatureScheme } from '@wedge/crypto';
import { MAX_AMOUNT } from '@wedge/ledger';
import { copySeqWindow, isPayerSeq, markSeq, seqStatus, type SeqWindow } from './payer-seqs.ts';
import type { ChannelErrorCode, MemberConfig, Payment } from './types.ts';

export function paymentTag(chainId: string): string {
  return domainTag(chainId, 'payment');
}

function paymentPayload(channelId: string, payment: Omit<Payment, 'signature'>): Canonical {
  return { channelId, from: payment.from, to: payment.to, amount: payment.amount, seq: payment.seq, paymentId: payment.paymentId };
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

/** Stateless checks: members, amount, seq and id shape, the payer's signature. */
export function paymentValidity(scheme: SignatureScheme, config: MemberConfig, payment: Payment): ChannelErrorCode | null {
  const n = config.members.length;
  if (!Number.isInteger(payment.from) || !Number.isInteger(payment.to)) return 'NOT_A_MEMBER';
  if (payment.from < 0 || payment.from >= n || payment.to < 0 || payment.to >= n || payment.from === payment.to) return 'NOT_A_MEMBER';
  if (typeof payment.amount !== 'bigint' || payment.amount <= 0n || payment.amount > MAX_AMOUNT) return 'INVALID_AMOUNT';
  if (!isPayerSeq(payment.seq)) return 'INVALID_PAYMENT_SEQ';
  if (!isHex(payment.paymentId, 32) || !isHex(payment.signature, 64)) return 'BAD_SIGNATURE';
  const valid = verifyObject(scheme, payerKey(config, payment.from), paymentTag(config.chainId), paymentPayload(config.channelId, payment), fromHex(payment.signature));
  return valid ? null : 'BAD_SIGNATURE';
}

/**
 * Payments applied one after another on top of a certified state: the
 * balances and the payers' seq windows as they would be after each. A window
 * is copied the first time a payment of its payer is taken, so the member's
 * own windows change only when it applies a certificate (`commit`).
 */
export class PaymentBatch {
  readonly balances: bigint[];
  private readonly total: bigint;
  private readonly windows = new Map<number, SeqWindow>();

  constructor(
    balances: readonly bigint[],
    private readonly seqs: readonly SeqWindow[],
  ) {
    this.balances = [...balances];
    this.total = balances.reduce((sum, balance) => sum + balance, 0n);
  }

  /** Applies `payment` (signature not checked here), or says why it cannot apply and changes nothing. */
  take(payment: Payment): ChannelErrorCode | null {
    const window = this.windows.get(payment.from) ?? this.seqs[payment.from]!;
    const status = seqStatus(window, payment.seq);
    if (status === 'applied') return 'DUPLICATE_PAYMENT';
    if (status === 'too-old') return 'PAYMENT_SEQ_TOO_OLD';
    if (this.balances[payment.from]! < payment.amount) return 'INSUFFICIENT_FUNDS';
    let own = this.windows.get(payment.from);
    if (own === undefined) {
      own = copySeqWindow(window);
      this.windows.set(payment.from, own);
    }
    markSeq(own, payment.seq);
    this.balances[payment.from] = this.balances[payment.from]! - payment.amount;
    this.balances[payment.to] = this.balances[payment.to]! + payment.amount;
    assert(this.balances.reduce((sum, balance) => sum + balance, 0n) === this.total, 'payments conserve the channel total');
    return null;
  }
}

/** Balances after applying `payments` in order, or the first failure. Does not verify signatures. */
export function balancesAfter(
  balances: readonly bigint[],
  payments: readonly Payment[],
  seqs: readonly SeqWindow[],
): { balances: bigint[] } | { code: ChannelErrorCode; paymentId: string } {
  const batch = new PaymentBatch(balances, seqs);
  for (const payment of payments) {
    const code = batch.take(payment);
    if (code !== null) return { code, paymentId: payment.paymentId };
  }
  return { balances: batch.balances };
}

/** Marks the seqs of a certificate's payments applied in the member's own windows. */
export function markApplied(seqs: readonly SeqWindow[], payments: readonly Payment[]): void {
  for (const payment of payments) markSeq(seqs[payment.from]!, payment.seq);
}

export function commandsHash(chainId: string, payments: readonly Payment[]): string {
  return hashTaggedHex(domainTag(chainId, 'channel-commands'), payments as unknown as Canonical);
}
