// What the member's two busiest endpoints do with a request once its body is
// read: POST /v1/peer/messages (an envelope from another member) and POST
// /v1/payments (a client's payment, or an array of them). Both servers of a
// member call these — the express routes (member-api.ts) and the plain
// node:http fast paths (member-fast-paths.ts) — so the two can differ only in
// how they read a body, which test/member-fast-paths.test.ts holds to the same
// answers.
import { apiErrorBody, fail, httpStatusOf, parseWire, type ApiErrorBody, type WedgeCode } from '@wedge/api';
import type { MemberMessage, Payment } from '@wedge/channel';
import { isHex } from '@wedge/common';
import { z } from 'zod';
import { PaymentBatchRequest, PaymentRequest, type PaymentBatchResponse, type PaymentResult } from './l2-api.ts';
import { MAX_INBOX_EVENTS, type MemberNode } from './member-node.ts';
import { MAX_WAITERS } from './payment-waiters.ts';
import { isValidMac } from './peer-auth.ts';
import { WireMemberMessage, memberMessageFromWire } from './wire.ts';

/** Envelopes older (or further ahead) than this are refused, which bounds how long a captured one can be replayed. */
const ENVELOPE_MAX_AGE_MS = 5 * 60_000;
const MAX_ENVELOPE_MESSAGES = 256;

const PeerEnvelope = z.strictObject({
  channelId: z.string(),
  from: z.int().min(0),
  to: z.int().min(0),
  sentAtMs: z.int().min(0),
  messages: z.array(z.unknown()).max(MAX_ENVELOPE_MESSAGES),
});

/** A peer endpoint's answer: 204 once the messages are persisted, or an error. */
export type PeerOutcome = { readonly status: 204 } | { readonly status: number; readonly code: WedgeCode; readonly message: string };

function refused(code: WedgeCode, message: string): PeerOutcome {
  return { status: httpStatusOf(code), code, message };
}

/** A message of exactly the expected shape, typed for the core (which checks its signatures and meaning), or null. */
function parsedMessage(raw: unknown): MemberMessage | null {
  const parsed = WireMemberMessage.safeParse(raw);
  return parsed.success ? memberMessageFromWire(parsed.data) : null;
}

/**
 * Authenticates an envelope (its body as text, the MAC over that text) and
 * queues its valid messages; `answer` is called once, with 204 only after they
 * are persisted (then the sender may forget them). A refused envelope changes
 * nothing.
 */
export function acceptPeerEnvelope(node: MemberNode, body: string, mac: string, answer: (outcome: PeerOutcome) => void): void {
  const { config } = node.ctx;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return answer(refused('MALFORMED_JSON', 'the envelope is not valid JSON'));
  }
  const envelope = PeerEnvelope.safeParse(json);
  if (!envelope.success) return answer(refused('INVALID_BODY', 'not a peer envelope'));
  const { channelId, from, to, sentAtMs, messages } = envelope.data;
  const key = node.peerKeys.macKeyFor(from);
  if (channelId !== config.channelId || to !== config.self || key === undefined || !isHex(mac, 32) || !isValidMac(key, body, mac)) {
    return answer(refused('UNAUTHORIZED_PEER', 'envelope is not authenticated by a member of this channel'));
  }
  if (Math.abs(Date.now() - sentAtMs) > ENVELOPE_MAX_AGE_MS) return answer(refused('UNAUTHORIZED_PEER', 'envelope is too old or from the future'));
  const valid = messages.map(parsedMessage).filter((message) => message !== null);
  if (valid.length === 0) return answer({ status: 204 });
  if (node.queued + valid.length > MAX_INBOX_EVENTS) return answer(refused('BUSY', 'inbox full; retry later'));
  const persisted = () => answer({ status: 204 });
  valid.forEach((message, index) => {
    node.enqueue({ event: { type: 'message', from, message }, done: index === valid.length - 1 ? persisted : undefined });
  });
}

/** A JSON answer: its status and body. */
export type JsonAnswer = (status: number, body: unknown) => void;

/**
 * POST /v1/payments with its parsed body: one payment, answered with its
 * certificate's version or its rejection; or an array, answered once every
 * payment in it is decided (`{"results":[…]}`, one result per payment, in
 * order). A body that is not one throws (`fail`: INVALID_BODY, BUSY) before
 * anything is queued, for the caller's error answer.
 */
export function acceptPaymentRequest(node: MemberNode, body: unknown, paymentWaitMs: number, answer: JsonAnswer): void {
  // An array carries many payments in one request (fewer requests for a busy payer); each gets its own answer.
  if (Array.isArray(body)) return acceptPayments(node, body, paymentWaitMs, answer);
  const payment = paymentOf(parseWire(PaymentRequest, body));
  if (node.waitingPayments >= MAX_WAITERS) fail('BUSY', 'too many payments waiting; retry later');
  const waiter = node.paymentWaiter(payment.paymentId, paymentWaitMs, (outcome) => {
    if ('version' in outcome) answer(200, { paymentId: payment.paymentId, version: outcome.version });
    else answer(httpStatusOf(outcome.code), apiErrorBody(outcome.code, outcome.message) satisfies ApiErrorBody);
  });
  if (!node.submitPayment(payment, waiter)) waiter.settle({ code: 'BUSY', message: 'inbox full; retry later' });
}

function acceptPayments(node: MemberNode, body: unknown[], paymentWaitMs: number, answer: JsonAnswer): void {
  const payments = parseWire(PaymentBatchRequest, body).map(paymentOf);
  // All or none enter: a request is refused BUSY as a whole rather than half taken.
  if (node.waitingPayments + payments.length > MAX_WAITERS || node.queued + payments.length > MAX_INBOX_EVENTS) fail('BUSY', 'too many payments waiting; retry later');
  const results = new Array<PaymentResult>(payments.length);
  let undecided = payments.length;
  payments.forEach((payment, index) => {
    const waiter = node.paymentWaiter(payment.paymentId, paymentWaitMs, (outcome) => {
      const { paymentId } = payment;
      results[index] = 'version' in outcome ? { paymentId, version: outcome.version } : { paymentId, error: { code: outcome.code, message: outcome.message } };
      undecided -= 1;
      if (undecided === 0) answer(200, { results } satisfies PaymentBatchResponse);
    });
    if (!node.submitPayment(payment, waiter)) waiter.settle({ code: 'BUSY', message: 'inbox full; retry later' });
  });
}

function paymentOf(wire: PaymentRequest): Payment {
  return { from: wire.from, to: wire.to, amount: BigInt(wire.amount), seq: wire.seq, paymentId: wire.paymentId, signature: wire.signature };
}
