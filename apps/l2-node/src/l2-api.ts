// The L2 HTTP API v1: request and response schemas of the member and
// watchtower processes. Shared by the servers, the member's watchtower pushes
// and the tests' client, so that neither side can drift. Their error codes and
// statuses are those of the one registry in @wedge/api (WedgeCode,
// httpStatusOf).
import { WireAmount, WireCount, WireHash, WirePublicKey } from '@wedge/api';
import type { L1ChannelView } from '@wedge/channel';
import { MAX_CHANNEL_MEMBERS } from '@wedge/ledger';
import { z } from 'zod';
import { WireCertificate } from './wire.ts';

/** Bodies of user-facing requests; a payment is about 300 bytes. */
export const MAX_API_BODY_BYTES = 64 * 1024;
/** Peer envelopes carry proposals and certificates of up to MAX_WIRE_BATCH payments each. */
export const MAX_PEER_BODY_BYTES = 16 * 1024 * 1024;

/**
 * POST /v1/payments. The amount is a decimal string; a negative or too large
 * one is well formed here and refused by the core as INVALID_AMOUNT, and a
 * missing signature is an unsigned payment (BAD_SIGNATURE), so each mistake
 * gets the code that names it.
 */
export const PaymentRequest = z.strictObject({
  from: z.int(),
  to: z.int(),
  amount: z.string().regex(/^-?[0-9]{1,100}$/, 'expected a decimal string'),
  /** The payer's sequence number; zero or negative is well formed here and refused by the core as INVALID_PAYMENT_SEQ. */
  seq: z.int(),
  paymentId: z.string().max(256),
  signature: z.string().max(512).default(''),
});
export type PaymentRequest = z.infer<typeof PaymentRequest>;

export const PaymentResponse = z.strictObject({ paymentId: WireHash, version: WireCount });
export type PaymentResponse = z.infer<typeof PaymentResponse>;

/**
 * The most payments one POST /v1/payments may carry as an array. A full array
 * of valid payments (at most 282 bytes each: amounts are at most 10^30) is
 * about 57 KB, within MAX_API_BODY_BYTES.
 */
export const MAX_PAYMENTS_PER_REQUEST = 200;

/** POST /v1/payments with an array: validated whole (one malformed payment refuses the request), then each payment on its own. */
export const PaymentBatchRequest = z.array(PaymentRequest).min(1).max(MAX_PAYMENTS_PER_REQUEST);

/** One payment's fate in a batch answer: the version that commits it, or the code that refused it. */
export const PaymentResult = z.union([
  PaymentResponse,
  z.strictObject({ paymentId: z.string().max(256), error: z.strictObject({ code: z.string(), message: z.string() }) }),
]);
export type PaymentResult = z.infer<typeof PaymentResult>;

/** The answer to an array: one result per payment, in request order, once every one of them is decided. */
export const PaymentBatchResponse = z.strictObject({ results: z.array(PaymentResult).max(MAX_PAYMENTS_PER_REQUEST) });
export type PaymentBatchResponse = z.infer<typeof PaymentBatchResponse>;

export const L1ViewWire = z.strictObject({
  status: z.enum(['open', 'frozen', 'closed']),
  recordedVersion: WireCount,
  deadline: WireCount.nullable(),
  height: WireCount,
  /** Per member: the cumulative deposits L1 finalized, and the withdrawals it paid (DESIGN §7). */
  deposited: z.array(WireAmount).max(MAX_CHANNEL_MEMBERS).optional(),
  withdrawn: z.array(WireAmount).max(MAX_CHANNEL_MEMBERS).optional(),
  /** The version floor: no state below it is accepted in a dispute. */
  floor: WireCount.optional(),
});
export type L1ViewWire = z.infer<typeof L1ViewWire>;

/** The view with amounts as decimal strings (the floor's certificate is on L1, GET /v1/channels/:id of a replica). */
export function l1ViewToWire(view: L1ChannelView | null): L1ViewWire | null {
  if (view === null) return null;
  const { status, recordedVersion, deadline, height } = view;
  return {
    status,
    recordedVersion,
    deadline,
    height,
    ...(view.deposited === undefined ? {} : { deposited: view.deposited.map(String) }),
    ...(view.withdrawn === undefined ? {} : { withdrawn: view.withdrawn.map(String) }),
    ...(view.floor === undefined ? {} : { floor: view.floor }),
  };
}

/** An amount a user asks for (deposit, withdrawal): a decimal string; out of range is well formed here and refused as INVALID_AMOUNT. */
const RequestedAmount = z.string().regex(/^-?[0-9]{1,100}$/, 'expected a decimal string');

/** POST /v1/deposit: this member tops the channel up from its L1 account (channel.deposit, signed with its key). */
export const DepositRequest = z.strictObject({ amount: RequestedAmount });
/** The deposit is final on L1 (its height); the members take it into the next state once their L1 views show it. */
export const DepositResponse = z.strictObject({ txHash: WireHash, height: WireCount, deposited: WireAmount });

/** POST /v1/withdraw: the amount out of this member's balance to its L1 account, the channel staying open. */
export const WithdrawRequest = z.strictObject({ amount: RequestedAmount });
/** The withdrawal is certified at `version`; the member submits channel.withdraw from its L1 watch until L1 has paid. */
export const WithdrawResponse = z.strictObject({ amount: WireAmount, version: WireCount });

/** GET /v1/channel: the member's latest certificate and how it stands. */
export const ChannelViewResponse = z.strictObject({
  channelId: WireHash,
  member: z.int().min(0).max(MAX_CHANNEL_MEMBERS - 1),
  members: z.array(z.strictObject({ publicKey: WirePublicKey })).max(MAX_CHANNEL_MEMBERS),
  topology: z.enum(['star', 'chain']),
  latest: WireCertificate,
  /** The highest version this member ever signed and the hash of what it signed there. */
  signed: z.strictObject({ version: WireCount, stateHash: WireHash.nullable() }),
  wedged: z.enum(['user', 'progress-timeout', 'l1-frozen', 'equivocation']).nullable(),
  closeRequested: z.boolean(),
  closed: z.boolean(),
  pendingPayments: WireCount,
  /** Per member as payer: a seq its next payment can take (one above the highest applied or waiting at this member). */
  nextSeqs: z.array(WireCount.min(1)).max(MAX_CHANNEL_MEMBERS),
  /** This member's withdrawal asked for and not certified yet. */
  withdrawal: z.strictObject({ amount: WireAmount, withdrawnTo: WireAmount }).nullable(),
  l1: L1ViewWire.nullable(),
});
export type ChannelViewResponse = z.infer<typeof ChannelViewResponse>;

export const WatchRequest = z.strictObject({ channelId: WireHash });
export const PushStateRequest = z.strictObject({ channelId: WireHash, certificate: WireCertificate });

export const WatchedChannelResponse = z.strictObject({
  channelId: WireHash,
  members: z.array(z.strictObject({ publicKey: WirePublicKey })).max(MAX_CHANNEL_MEMBERS),
  best: WireCertificate.nullable(),
  closed: z.boolean(),
  l1: L1ViewWire.nullable(),
});
export type WatchedChannelResponse = z.infer<typeof WatchedChannelResponse>;
export type DepositResponse = z.infer<typeof DepositResponse>;
export type WithdrawResponse = z.infer<typeof WithdrawResponse>;
