// The member's HTTP API v1 and its peer endpoint. Every body is size-bounded
// and validated with zod before anything else looks at it; every error is
// `{"error":{"code","message"}}` (the error middleware of @wedge/api); a rejected request changes
// nothing. Peer envelopes are accepted only when authenticated by a channel
// member (HMAC, peer-auth.ts), and each message in them is validated on its
// own — a malformed one is dropped, the core never sees it.
import express from 'express';
import {
  OPENAPI_PATH,
  answerHealth,
  answerReadiness,
  channelStateToWire,
  errorMiddleware,
  fail,
  notFoundMiddleware,
  openApiDocument,
  parseWire,
  sendError,
  type WedgeCode,
} from '@wedge/api';
import { nextSeqs, type MemberMessage, type Payment } from '@wedge/channel';
import { WedgeError, isHex } from '@wedge/common';
import { openingState } from '@wedge/ledger';
import { z } from 'zod';
import {
  MAX_API_BODY_BYTES,
  MAX_PEER_BODY_BYTES,
  PaymentBatchRequest,
  PaymentRequest,
  type ChannelViewResponse,
  type PaymentBatchResponse,
  type PaymentResult,
} from './l2-api.ts';
import { MAX_INBOX_EVENTS, type MemberNode } from './member-node.ts';
import { MEMBER_API_INFO, MEMBER_ROUTES } from './l2-routes.ts';
import { isValidMac } from './peer-auth.ts';
import { memberReadiness } from './readiness.ts';
import { PEER_PATH } from './peer-transport.ts';
import { MAX_WAITERS } from './payment-waiters.ts';
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

export type MemberApiOptions = { readonly paymentWaitMs: number };

/** A message of exactly the expected shape, typed for the core (which checks its signatures and meaning), or null. */
function parsedMessage(raw: unknown): MemberMessage | null {
  const parsed = WireMemberMessage.safeParse(raw);
  return parsed.success ? memberMessageFromWire(parsed.data) : null;
}

export function createMemberApi(node: MemberNode, options: MemberApiOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  const { config } = node.ctx;

  // ------------------------------------------------------------ peer endpoint
  app.post(PEER_PATH, express.text({ type: '*/*', limit: MAX_PEER_BODY_BYTES }), async (request, response) => {
    const body = typeof request.body === 'string' ? request.body : '';
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return sendError(response, 'MALFORMED_JSON', 'the envelope is not valid JSON');
    }
    const envelope = PeerEnvelope.safeParse(json);
    if (!envelope.success) return sendError(response, 'INVALID_BODY', 'not a peer envelope');
    const { channelId, from, to, sentAtMs, messages } = envelope.data;
    const key = node.peerKeys.macKeyFor(from);
    const mac = request.header('x-wedge-mac') ?? '';
    if (channelId !== config.channelId || to !== config.self || key === undefined || !isHex(mac, 32) || !isValidMac(key, body, mac)) {
      return sendError(response, 'UNAUTHORIZED_PEER', 'envelope is not authenticated by a member of this channel');
    }
    if (Math.abs(Date.now() - sentAtMs) > ENVELOPE_MAX_AGE_MS) return sendError(response, 'UNAUTHORIZED_PEER', 'envelope is too old or from the future');
    const valid = messages.map(parsedMessage).filter((message) => message !== null);
    if (valid.length === 0) return void response.status(204).end();
    if (node.queued + valid.length > MAX_INBOX_EVENTS) return sendError(response, 'BUSY', 'inbox full; retry later');
    // Answer only once the messages are persisted: then the sender may forget them.
    await new Promise<void>((resolve) => {
      valid.forEach((message, index) => {
        const done = index === valid.length - 1 ? resolve : undefined;
        node.enqueue({ event: { type: 'message', from, message }, done });
      });
    });
    response.status(204).end();
  });

  // ------------------------------------------------------------ operations
  // Prometheus' scrape (l2-metrics.ts).
  app.get('/metrics', async (_request, response) => {
    const { contentType, text } = await node.metrics.scrape();
    response.type(contentType).send(text);
  });

  // Probes for orchestrators (readiness.ts): alive, and ready for traffic.
  app.get('/healthz', (_request, response) => answerHealth(response, node.running, process.uptime()));
  app.get('/readyz', (_request, response) => answerReadiness(response, memberReadiness(node)));
  // What this server serves, generated from MEMBER_ROUTES (l2-routes.ts); built once.
  const openApi = openApiDocument(MEMBER_API_INFO, MEMBER_ROUTES);
  app.get(OPENAPI_PATH, (_request, response) => void response.json(openApi));

  // -------------------------------------------------------------- client API
  app.use('/v1', express.json({ limit: MAX_API_BODY_BYTES, strict: false }));

  app.post('/v1/payments', (request, response) => {
    // An array carries many payments in one request (fewer requests for a busy payer); each gets its own answer.
    if (Array.isArray(request.body)) return submitPayments(request.body, response);
    const payment = paymentOf(parseWire(PaymentRequest, request.body));
    if (node.waitingPayments >= MAX_WAITERS) fail('BUSY', 'too many payments waiting; retry later');
    const waiter = node.paymentWaiter(payment.paymentId, options.paymentWaitMs, (outcome) => {
      if ('version' in outcome) response.json({ paymentId: payment.paymentId, version: outcome.version });
      else sendError(response, outcome.code, outcome.message);
    });
    if (!node.submitPayment(payment, waiter)) waiter.settle({ code: 'BUSY', message: 'inbox full; retry later' });
  });

  /** Answers once every payment in `body` is decided: `{"results":[…]}`, one result per payment, in order. */
  function submitPayments(body: unknown[], response: express.Response): void {
    const payments = parseWire(PaymentBatchRequest, body).map(paymentOf);
    // All or none enter: a request is refused BUSY as a whole rather than half taken.
    if (node.waitingPayments + payments.length > MAX_WAITERS || node.queued + payments.length > MAX_INBOX_EVENTS) fail('BUSY', 'too many payments waiting; retry later');
    const results = new Array<PaymentResult>(payments.length);
    let undecided = payments.length;
    payments.forEach((payment, index) => {
      const waiter = node.paymentWaiter(payment.paymentId, options.paymentWaitMs, (outcome) => {
        const { paymentId } = payment;
        results[index] = 'version' in outcome ? { paymentId, version: outcome.version } : { paymentId, error: { code: outcome.code, message: outcome.message } };
        undecided -= 1;
        if (undecided === 0) response.json({ results } satisfies PaymentBatchResponse);
      });
      if (!node.submitPayment(payment, waiter)) waiter.settle({ code: 'BUSY', message: 'inbox full; retry later' });
    });
  }

  app.get('/v1/channel', (_request, response) => {
    const state = node.memberState;
    const view: ChannelViewResponse = {
      channelId: config.channelId,
      member: config.self,
      members: config.members.map((member) => ({ publicKey: member.publicKey })),
      topology: config.topology,
      latest: { state: channelStateToWire(state.latest.state), signatures: [...state.latest.signatures] },
      signed: { version: state.signedVersion, stateHash: state.signedHash },
      wedged: state.wedged,
      closeRequested: state.closeRequested,
      closed: state.closed,
      pendingPayments: state.pending.size,
      nextSeqs: nextSeqs(state.payerSeqs, [...state.pending.values()].map((entry) => entry.payment)),
      l1: state.l1,
    };
    response.json(view);
  });

  app.get('/v1/channel/states/:version', (request, response) => {
    const text = String(request.params.version);
    if (!/^(0|[1-9][0-9]{0,14})$/.test(text)) fail('INVALID_BODY', 'a version is a non-negative integer');
    const version = Number(text);
    // Version 0 is the opening state L1 recorded; it needs no signatures.
    if (version === 0) return void response.json({ state: channelStateToWire(openingState(config.chainId, config.channelId, [...config.deposits])), signatures: [] });
    const stored = node.certificate(version);
    if (stored === null) fail('UNKNOWN_STATE', `no certificate for version ${text} is stored here`);
    response.json({ state: JSON.parse(stored.state), signatures: JSON.parse(stored.signatures) });
  });

  app.post('/v1/wedge', async (_request, response) => {
    await whenPersisted(node, { type: 'wedge', reason: 'user' });
    response.json({ wedged: node.memberState.wedged, version: node.memberState.latest.state.version });
  });

  app.post('/v1/close', async (_request, response) => {
    if (node.memberState.closed) fail('CHANNEL_CLOSED', 'the channel is closed on L1');
    await whenPersisted(node, { type: 'close' });
    response.status(202).json({ closeRequested: node.memberState.closeRequested, version: node.memberState.latest.state.version });
  });

  app.use(notFoundMiddleware());
  app.use(errorMiddleware({ bodyLimitBytes: MAX_API_BODY_BYTES }));
  return app;
}

function paymentOf(wire: PaymentRequest): Payment {
  return { from: wire.from, to: wire.to, amount: BigInt(wire.amount), seq: wire.seq, paymentId: wire.paymentId, signature: wire.signature };
}

/** Resolves once the event's step is persisted and its effects performed. */
function whenPersisted(node: MemberNode, event: { type: 'wedge'; reason: 'user' } | { type: 'close' }): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!node.enqueue({ event, done: resolve })) reject(new WedgeError<WedgeCode>('BUSY', 'inbox full; retry later'));
  });
}
