// The L2 HTTP API v1: request and response schemas of the member and
// watchtower processes. Shared by the servers, the member's watchtower pushes
// and the tests' client, so that neither side can drift. Their error codes and
// statuses are those of the one registry in @wedge/api (WedgeCode,
// httpStatusOf).
import { WireCount, WireHash, WirePublicKey } from '@wedge/api';
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
});

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
