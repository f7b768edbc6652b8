// The member's HTTP API v1 and its peer endpoint. Every body is size-bounded
// and validated with zod before anything else looks at it; every error is
// `{"error":{"code","message"}}` (the error middleware of @wedge/api); a rejected request changes
// nothing. Peer envelopes are accepted only when authenticated by a channel
// member (HMAC, peer-auth.ts), and each message in them is validated on its
// own — a malformed one is dropped, the core never sees it. Those two busiest
// routes share their logic with the plain node:http fast paths the server
// runs first (member-endpoints.ts, member-fast-paths.ts).
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
import { nextSeqs } from '@wedge/channel';
import { WedgeError } from '@wedge/common';
import { MAX_AMOUNT, openingState } from '@wedge/ledger';
import {
  DepositRequest,
  MAX_API_BODY_BYTES,
  MAX_PEER_BODY_BYTES,
  WithdrawRequest,
  l1ViewToWire,
  type DepositResponse,
  type WithdrawResponse,
  type ChannelViewResponse,
} from './l2-api.ts';
import { acceptPaymentRequest, acceptPeerEnvelope } from './member-endpoints.ts';
import { WITHDRAWAL_WAITER, type MemberNode } from './member-node.ts';
import { MEMBER_API_INFO, MEMBER_ROUTES } from './l2-routes.ts';
import { memberReadiness } from './readiness.ts';
import { PEER_PATH } from './peer-transport.ts';
import { MAX_WAITERS } from './payment-waiters.ts';

export type MemberApiOptions = { readonly paymentWaitMs: number };

export function createMemberApi(node: MemberNode, options: MemberApiOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // Answers are fresh state, never revalidated: an ETag would only cost a hash of every body.
  app.disable('etag');
  const { config } = node.ctx;

  // ------------------------------------------------------------ peer endpoint
  app.post(PEER_PATH, express.text({ type: '*/*', limit: MAX_PEER_BODY_BYTES }), (request, response) => {
    const body = typeof request.body === 'string' ? request.body : '';
    acceptPeerEnvelope(node, body, request.header('x-wedge-mac') ?? '', (outcome) => {
      if ('code' in outcome) sendError(response, outcome.code, outcome.message);
      else response.status(204).end();
    });
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
    acceptPaymentRequest(node, request.body, options.paymentWaitMs, (status, body) => void response.status(status).json(body));
  });

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
      withdrawal: state.withdrawal === null ? null : { amount: String(state.withdrawal.amount), withdrawnTo: String(state.withdrawal.withdrawnTo) },
      l1: l1ViewToWire(state.l1),
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

  app.post('/v1/deposit', async (request, response) => {
    const amount = requestedAmount(parseWire(DepositRequest, request.body).amount);
    if (node.memberState.closed) fail('CHANNEL_CLOSED', 'the channel is closed on L1');
    const { txHash, height } = await node.deposit(amount);
    response.json({ txHash, height, deposited: String(amount) } satisfies DepositResponse);
  });

  app.post('/v1/withdraw', (request, response) => {
    const amount = requestedAmount(parseWire(WithdrawRequest, request.body).amount);
    if (node.waitingPayments >= MAX_WAITERS) fail('BUSY', 'too many requests waiting; retry later');
    const waiter = node.paymentWaiter(WITHDRAWAL_WAITER, options.paymentWaitMs, (outcome) => {
      if ('version' in outcome) response.json({ amount: String(amount), version: outcome.version } satisfies WithdrawResponse);
      else sendError(response, outcome.code, outcome.message);
    });
    if (!node.submitWithdrawal(amount, waiter)) waiter.settle({ code: 'BUSY', message: 'inbox full; retry later' });
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

/** A deposit's or withdrawal's amount: positive and within MAX_AMOUNT, or INVALID_AMOUNT before anything is done. */
function requestedAmount(text: string): bigint {
  const amount = BigInt(text);
  if (amount <= 0n || amount > MAX_AMOUNT) fail('INVALID_AMOUNT', `the amount must be in 1..${MAX_AMOUNT}`);
  return amount;
}

/** Resolves once the event's step is persisted and its effects performed. */
function whenPersisted(node: MemberNode, event: { type: 'wedge'; reason: 'user' } | { type: 'close' }): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!node.enqueue({ event, done: resolve })) reject(new WedgeError<WedgeCode>('BUSY', 'inbox full; retry later'));
  });
}
