// The replica's routes (apps/l1-node/src/http-api.ts) as data, with the
// schemas its handlers validate requests with and the schemas of its
// answers: the source of the replica's OpenAPI document.
import { z } from 'zod';
import { AccountResponse } from './account.ts';
import type { ApiRoute } from './api-route.ts';
import type { OpenApiInfo } from './openapi-document.ts';
import { BlockResponse, BlockResultsResponse } from './block.ts';
import { ChannelResponse } from './channel.ts';
import { WireAddress, WireHash } from './fields.ts';
import { MAX_WAIT_MS } from './limits.ts';
import { OPERATIONS_ROUTES } from './operations-routes.ts';
import { API_ROUTES } from './routes.ts';
import { StatusResponse } from './status.ts';
import { MAX_SUBMIT_TXS, SubmitTxsBody, SubmitTxsResponse } from './submit.ts';
import { TxStatusResponse } from './tx-status.ts';

/** A block height in a path: a positive integer without leading zeros. */
export const HeightParam = z.string().regex(/^[1-9][0-9]{0,14}$/, 'a block height is a positive integer');
/** `?waitMs=N`: milliseconds to wait for a block not executed yet, 0 to MAX_WAIT_MS. */
export const WaitMsQuery = z.string().regex(/^(0|[1-9][0-9]{0,5})$/).describe(`milliseconds, 0 to ${MAX_WAIT_MS}`);

const CLIENT = 'client API';

export const REPLICA_API_INFO: OpenApiInfo = {
  title: 'Wedge L1 replica',
  version: 'v1',
  description: 'HTTP API v1 of a Wedge L1 replica. Amounts are decimal strings; every error is {"error":{"code","message"}} with the status the code maps to; a refused request changes nothing.',
};

export const REPLICA_PEER_PATH = '/v1/peer/messages';

export const REPLICA_ROUTES: readonly ApiRoute[] = [
  {
    method: 'post',
    path: API_ROUTES.submitTxs,
    operationId: 'submitTxs',
    summary: `Submit one signed transaction or an array of up to ${MAX_SUBMIT_TXS}`,
    description: 'The whole array is checked (shape, chain id, signatures, nonce window, funds for the next nonce) before any of it enters the mempool; a refused request changes nothing.',
    tag: CLIENT,
    body: { schema: SubmitTxsBody },
    responses: { '202': { description: 'Taken into the mempool: the transaction ids, in order.', schema: SubmitTxsResponse } },
  },
  {
    method: 'get',
    path: API_ROUTES.tx,
    operationId: 'getTx',
    summary: 'A transaction: pending, committed or rejected (with its height, index and code)',
    tag: CLIENT,
    params: z.object({ hash: WireHash }),
    responses: { '200': { description: 'The transaction as this replica knows it.', schema: TxStatusResponse } },
  },
  {
    method: 'get',
    path: API_ROUTES.account,
    operationId: 'getAccount',
    summary: 'Balance and nonce of an account, as of the block `height`',
    tag: CLIENT,
    params: z.object({ address: WireAddress }),
    responses: { '200': { description: 'The account (zero balance and nonce when never used).', schema: AccountResponse } },
  },
  {
    method: 'get',
    path: API_ROUTES.channel,
    operationId: 'getChannel',
    summary: 'A channel as L1 records it: members, deposits, status, recorded state, deadline',
    tag: CLIENT,
    params: z.object({ id: WireHash }),
    responses: { '200': { description: 'The channel.', schema: ChannelResponse } },
  },
  {
    method: 'get',
    path: API_ROUTES.block,
    operationId: 'getBlock',
    summary: 'A block with its commit certificate and its results',
    tag: CLIENT,
    params: z.object({ height: HeightParam }),
    responses: { '200': { description: 'The block.', schema: BlockResponse } },
  },
  {
    method: 'get',
    path: API_ROUTES.blockResults,
    operationId: 'getBlockResults',
    summary: "A block's transaction ids and result codes with its commit certificate",
    description: 'With `waitMs` a block not executed yet is answered when it is, or 404 UNKNOWN_BLOCK after that many milliseconds.',
    tag: CLIENT,
    params: z.object({ height: HeightParam }),
    query: z.object({ waitMs: WaitMsQuery.optional() }),
    responses: { '200': { description: 'The results.', schema: BlockResultsResponse } },
  },
  {
    method: 'get',
    path: API_ROUTES.status,
    operationId: 'getStatus',
    summary: "The replica's view, height, checkpoint, state root, mempool and peers",
    tag: CLIENT,
    responses: { '200': { description: 'The status.', schema: StatusResponse } },
  },
  {
    method: 'post',
    path: REPLICA_PEER_PATH,
    operationId: 'postPeerMessages',
    summary: 'Replicas only: an envelope of consensus messages, authenticated by the x-wedge-mac header',
    tag: 'peers',
    body: { schema: z.string(), contentType: '*/*', description: 'The envelope (JSON, or the compact binary encoding).' },
    responses: { '204': { description: 'Taken.' } },
  },
  ...OPERATIONS_ROUTES,
];
