// The member's and the watchtower's routes (member-api.ts, watchtower-api.ts)
// as data, with the schemas their handlers validate requests with and the
// schemas of their answers: the source of their OpenAPI documents.
import { OPERATIONS_ROUTES, WireCount, WireHash, type ApiRoute, type OpenApiInfo } from '@wedge/api';
import { z } from 'zod';
import {
  ChannelViewResponse,
  DepositRequest,
  DepositResponse,
  MAX_PAYMENTS_PER_REQUEST,
  PaymentBatchRequest,
  PaymentBatchResponse,
  PaymentRequest,
  PaymentResponse,
  PushStateRequest,
  WatchRequest,
  WatchedChannelResponse,
  WithdrawRequest,
  WithdrawResponse,
} from './l2-api.ts';
import { PEER_PATH } from './peer-transport.ts';
import { WireCertificate } from './wire.ts';

/** POST /v1/wedge: whether the member is wedged now (it is, unless the channel closed first) and its latest version. */
export const WedgeResponse = z.strictObject({ wedged: ChannelViewResponse.shape.wedged, version: WireCount });
/** POST /v1/close: the close is requested (the final state is being signed) at this version. */
export const CloseResponse = z.strictObject({ closeRequested: z.boolean(), version: WireCount });
/** A certificate's version in a path: a non-negative integer without leading zeros. */
export const VersionParam = z.string().regex(/^(0|[1-9][0-9]{0,14})$/, 'a version is a non-negative integer');

const CLIENT = 'client API';

export const MEMBER_API_INFO: OpenApiInfo = {
  title: 'Wedge channel member',
  version: 'v1',
  description: 'HTTP API v1 of a Wedge channel member. Amounts are decimal strings; every error is {"error":{"code","message"}}; a refused request changes nothing.',
};

export const WATCHTOWER_API_INFO: OpenApiInfo = {
  title: 'Wedge watchtower',
  version: 'v1',
  description: 'HTTP API v1 of a Wedge watchtower: it holds the certificates members push and challenges stale terminations on L1.',
};

export const MEMBER_ROUTES: readonly ApiRoute[] = [
  {
    method: 'post',
    path: '/v1/payments',
    operationId: 'pay',
    summary: `A payer-signed payment, or an array of up to ${MAX_PAYMENTS_PER_REQUEST}`,
    description: 'Answered once the certificate that commits the payment exists (its version), or with the code that refused it; an array is answered with one result per payment, in order.',
    tag: CLIENT,
    body: { schema: z.union([PaymentRequest, PaymentBatchRequest]) },
    responses: { '200': { description: 'The version that commits the payment, or every payment\'s result.', schema: z.union([PaymentResponse, PaymentBatchResponse]) } },
  },
  {
    method: 'get',
    path: '/v1/channel',
    operationId: 'getChannelView',
    summary: "The member's latest certificate, what it signed, whether it is wedged, its L1 view",
    tag: CLIENT,
    responses: { '200': { description: 'The channel as this member holds it.', schema: ChannelViewResponse } },
  },
  {
    method: 'get',
    path: '/v1/channel/states/:version',
    operationId: 'getChannelState',
    summary: 'A stored certificate (version 0: the opening state L1 recorded, without signatures; a member keeps its newest 10,000, UNKNOWN_STATE for older)',
    tag: CLIENT,
    params: z.object({ version: VersionParam }),
    responses: { '200': { description: 'The certificate.', schema: WireCertificate } },
  },
  {
    method: 'post',
    path: '/v1/deposit',
    operationId: 'deposit',
    summary: "Top up the channel from this member's L1 account (channel.deposit), the channel staying open",
    description: 'Answered once the deposit is final on L1, or with the code L1 refused it with (CHANNEL_FROZEN, INSUFFICIENT_FUNDS, ...). The members take it into the next state once their L1 views show it final.',
    tag: CLIENT,
    body: { schema: DepositRequest },
    responses: { '200': { description: 'Final on L1.', schema: DepositResponse } },
  },
  {
    method: 'post',
    path: '/v1/withdraw',
    operationId: 'withdraw',
    summary: "Withdraw an amount of this member's balance to its L1 account, the channel staying open",
    description: 'Answered once a certificate moves the amount out of the balance (its version), or with the code that refused it (INSUFFICIENT_FUNDS, WITHDRAWAL_PENDING, WEDGED, ...). The member then submits channel.withdraw, which pays it and raises the version floor.',
    tag: CLIENT,
    body: { schema: WithdrawRequest },
    responses: { '200': { description: 'Certified.', schema: WithdrawResponse } },
  },
  {
    method: 'post',
    path: '/v1/wedge',
    operationId: 'wedge',
    summary: 'Stop the channel safely: durable and irreversible, then channel.terminate on L1',
    tag: CLIENT,
    responses: { '200': { description: 'Wedged.', schema: WedgeResponse } },
  },
  {
    method: 'post',
    path: '/v1/close',
    operationId: 'close',
    summary: 'Cooperative close: a final state signed by every member settles at once',
    tag: CLIENT,
    responses: { '202': { description: 'Requested.', schema: CloseResponse } },
  },
  {
    method: 'post',
    path: PEER_PATH,
    operationId: 'postPeerMessages',
    summary: 'Members only: an envelope of channel messages, authenticated by the x-wedge-mac header',
    tag: 'peers',
    body: { schema: z.string(), contentType: '*/*', description: 'The envelope: JSON {channelId, from, to, sentAtMs, messages}.' },
    responses: { '204': { description: 'Persisted.' } },
  },
  ...OPERATIONS_ROUTES,
];

export const WATCHTOWER_ROUTES: readonly ApiRoute[] = [
  {
    method: 'post',
    path: '/v1/watch',
    operationId: 'watch',
    summary: 'Watch a channel (its members are read from L1, never from the request)',
    tag: CLIENT,
    body: { schema: WatchRequest },
    responses: { '200': { description: 'What the watchtower holds for the channel.', schema: WatchedChannelResponse } },
  },
  {
    method: 'post',
    path: '/v1/states',
    operationId: 'pushState',
    summary: 'Push a certificate of a watched channel (verified; a stale or forged one is refused)',
    tag: CLIENT,
    body: { schema: PushStateRequest },
    responses: { '200': { description: 'Taken.', schema: z.strictObject({ channelId: WireHash, version: WireCount }) } },
  },
  {
    method: 'get',
    path: '/v1/channels/:id',
    operationId: 'getWatchedChannel',
    summary: 'What the watchtower holds for a channel: its best certificate, whether it closed, the L1 view',
    tag: CLIENT,
    params: z.object({ id: WireHash }),
    responses: { '200': { description: 'The watched channel.', schema: WatchedChannelResponse } },
  },
  ...OPERATIONS_ROUTES,
];
