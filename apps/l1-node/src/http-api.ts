// The replica's HTTP API v1 (and the peer endpoint). Every body is
// size-bounded and validated with the @wedge/api schemas; every error is
// `{"error":{"code","message"}}` with the status `httpStatusOf(code)` gives;
// a rejected request changes nothing — a batch of transactions is checked
// whole before any of it enters the mempool.
import express, { type Request, type Response } from 'express';
import type { RequestListener } from 'node:http';
import { deserialize } from 'node:v8';
import { WedgeError, isHex } from '@wedge/common';
import type { CommitCertificate } from '@wedge/consensus';
import { ADDRESS_PATTERN } from '@wedge/crypto';
import { getAdmissionValidity, type Block, type SignedTx, type TxResult } from '@wedge/ledger';
import {
  MAX_REQUEST_BODY_BYTES,
  MAX_WAITING_REQUESTS,
  MAX_WAIT_MS,
  OPENAPI_PATH,
  REPLICA_API_INFO,
  REPLICA_ROUTES,
  SubmitTxsBody,
  accountToWire,
  answerHealth,
  answerReadiness,
  blockResultsToWire,
  channelToWire,
  parseWire,
  errorMiddleware,
  httpStatusOfAnyCode,
  notFoundMiddleware,
  openApiDocument,
  signedTxFromWire,
  signedTxToWire,
  type StatusResponse,
} from '@wedge/api';
import { CommitWaiters } from './commit-waiters.ts';
import type { HistoryView } from './history-backfill.ts';
import { PEER_BODY_LIMIT_BYTES, acceptPeerEnvelope, handlePeerRequest, isPlainPeerRequest } from './peer-endpoint.ts';
import { replicaReadiness } from './readiness.ts';
import type { ReplicaNode } from './replica-node.ts';
import { PEER_PATH } from './transport.ts';

const API_BODY_LIMIT = MAX_REQUEST_BODY_BYTES;

export class ApiError extends WedgeError {}

function fail(code: string, message: string): never {
  throw new ApiError(code, message);
}

function sendError(response: Response, code: string, message: string): void {
  response.status(httpStatusOfAnyCode(code)).json({ error: { code, message } });
}

/**
 * The server's request listener: plain peer envelopes straight to their
 * handler (they are most of a replica's requests), everything else through
 * the express app.
 */
export type ApiMeta = { readonly chainId: string; readonly genesisHash: string; readonly history: HistoryView };

export function createRequestListener(node: ReplicaNode, meta: ApiMeta): RequestListener {
  const app = createApiApp(node, meta);
  return (request, response) => {
    if (isPlainPeerRequest(request)) handlePeerRequest(node, request, response);
    else app(request, response);
  };
}

export function createApiApp(node: ReplicaNode, meta: ApiMeta): express.Express {
  const { history } = meta;
  /** A block this replica executed without holding it (below a snapshot it installed), until it is backfilled. */
  const notHeld = (what: string): never =>
    fail(
      'HISTORY_INCOMPLETE',
      `${what} is in blocks this replica skipped by state transfer (${describeRanges(history.missingRanges)}) and is still fetching; ask another replica`,
    );
  const app = express();
  app.disable('x-powered-by');
  // Answers are fresh state, never revalidated: an ETag would only cost a hash of every body.
  app.disable('etag');

  // ------------------------------------------------------------ peer endpoint
  // What createRequestListener does not take on its fast path (see peer-endpoint.ts).
  app.post(PEER_PATH, express.text({ type: '*/*', limit: PEER_BODY_LIMIT_BYTES }), (request, response) => {
    const body = typeof request.body === 'string' ? request.body : '';
    const outcome = acceptPeerEnvelope(node, body, request.header('x-wedge-mac') ?? '');
    if (outcome.status === 204) return void response.status(204).end();
    const { code, message } = outcome as { code: string; message: string };
    sendError(response, code, message);
  });

  // ------------------------------------------------------------ operations
  // Prometheus' scrape (replica-metrics.ts).
  app.get('/metrics', async (_request, response) => {
    const { contentType, text } = await node.metrics.scrape();
    response.type(contentType).send(text);
  });

  // Probes for orchestrators (readiness.ts): alive, and ready for traffic.
  app.get('/healthz', (_request, response) => answerHealth(response, node.running, process.uptime()));
  app.get('/readyz', (_request, response) => answerReadiness(response, replicaReadiness(node)));
  // What this server serves, generated from REPLICA_ROUTES in @wedge/api; built once.
  const openApi = openApiDocument(REPLICA_API_INFO, REPLICA_ROUTES);
  app.get(OPENAPI_PATH, (_request, response) => void response.json(openApi));

  // -------------------------------------------------------------- client API
  app.use('/v1', express.json({ limit: API_BODY_LIMIT, strict: false }));

  app.post('/v1/txs', (request, response) => {
    const parsed = parseWire(SubmitTxsBody, request.body);
    const wires = Array.isArray(parsed) ? parsed : [parsed];
    const txs = wires.map((wire) => signedTxFromWire(wire));
    const hashes = txs.map((tx, index) => admit(node, tx, index));
    if (node.replicaState.pending.size + txs.length > node.ctx.config.maxPendingTxs) fail('MEMPOOL_FULL', 'the mempool is full; retry later');
    node.submit(txs);
    const admittedMs = performance.now();
    for (const hash of hashes) node.metrics.admitted(hash, admittedMs);
    response.status(202).json({ hashes });
  });

  app.get('/v1/txs/:hash', (request, response) => {
    const hash = String(request.params.hash);
    if (!isHex(hash, 32)) fail('INVALID_BODY', 'a transaction hash is 64 lowercase hex characters');
    // What executed comes first: a rejected transaction may be pending again
    // (it changed nothing, its nonce included), a committed one never is.
    const stored = node.storage.getTx(hash);
    if (stored?.code !== 'OK' && node.isPending(hash)) return void response.json({ hash, status: 'pending' });
    if (stored === null) {
      if (!history.complete) notHeld(`transaction ${hash} is not pending or executed here; it may be`);
      fail('UNKNOWN_TX', `no transaction ${hash} is pending or executed here`);
    }
    response.json({
      hash,
      status: stored.code === 'OK' ? 'committed' : 'rejected',
      height: stored.height,
      index: stored.index,
      code: stored.code,
    });
  });

  app.get('/v1/accounts/:address', (request, response) => {
    const address = String(request.params.address);
    if (!ADDRESS_PATTERN.test(address)) fail('INVALID_BODY', 'an address is 40 lowercase hex characters');
    const ledger = node.ledger;
    response.json(accountToWire(address, ledger.accounts.get(address) ?? { balance: 0n, nonce: 0 }, ledger.height));
  });

  app.get('/v1/channels/:id', (request, response) => {
    const id = String(request.params.id);
    if (!isHex(id, 32)) fail('INVALID_BODY', 'a channel id is 64 lowercase hex characters');
    const channel = node.ledger.channels.get(id);
    if (channel === undefined) fail('UNKNOWN_CHANNEL', `no channel ${id}`);
    response.json(channelToWire(channel, node.ledger.height));
  });

  app.get('/v1/blocks/:height', (request, response) => {
    const height = heightParam(request);
    const stored = node.storage.getBlock(height);
    if (stored === null) {
      if (history.isMissing(height)) notHeld(`block ${height}`);
      fail('UNKNOWN_BLOCK', `block ${height} is not stored here`);
    }
    const block = deserialize(stored.block) as Block;
    response.json({
      block: { height: block.height, txs: block.txs.map((tx: SignedTx) => signedTxToWire(tx)) },
      certificate: deserialize(stored.certificate) as CommitCertificate,
      results: node.storage.blockResults(block.height).map(({ hash, code }) => ({ hash, code })),
    });
  });

  // With ?waitMs=N a block not executed yet is answered when it is (or 404
  // after N ms): one request per block for a follower of the chain.
  const waiters = new CommitWaiters(MAX_WAITING_REQUESTS);
  node.onCommit(({ block }) => waiters.executed(block.height));
  app.get('/v1/blocks/:height/results', (request, response) => {
    const height = heightParam(request);
    const waitMs = waitParam(request);
    const sendResults = (): boolean => {
      const certificate = node.storage.getCertificate(height);
      if (certificate === null) return false;
      // The stored codes are the ones this replica's ledger produced.
      const results = node.storage.blockResults(height) as readonly { hash: string; code: string }[] as readonly TxResult[];
      response.json(blockResultsToWire(height, deserialize(certificate) as CommitCertificate, results));
      return true;
    };
    const notStored = (why: string) => sendError(response, 'UNKNOWN_BLOCK', `block ${height} is not stored here${why}`);
    if (sendResults()) return;
    // Executed but not stored (below a snapshot this replica caught up from): waiting would not help.
    if (history.isMissing(height)) notHeld(`block ${height}`);
    if (waitMs === 0 || height <= node.replicaState.executed) return notStored('');
    // The answer is sent from the replica's commit listener: a failure to
    // answer one client is that client's, never the replica's.
    const answerLater = (send: () => void) => () => {
      try {
        send();
      } catch (error) {
        console.error(error);
        response.destroy();
      }
    };
    const cancel = waiters.wait(
      height,
      waitMs,
      answerLater(() => void (sendResults() || notStored(''))),
      answerLater(() => notStored(` (not executed within ${waitMs} ms)`)),
    );
    if (cancel === null) fail('BUSY', `${MAX_WAITING_REQUESTS} requests are waiting for blocks here already; retry later`);
    response.once('close', cancel);
  });

  app.get('/v1/status', (_request, response) => {
    const state = node.replicaState;
    const status: StatusResponse = {
      chainId: meta.chainId,
      genesisHash: meta.genesisHash,
      replicaId: node.ctx.id,
      view: state.view,
      viewStatus: state.status,
      height: state.executed,
      stableCheckpoint: { seq: state.stable.seq, root: state.stable.root },
      stateRoot: node.ctx.app.stateRoot(state.app),
      pendingTxs: state.pending.size,
      history: {
        missingBlocks: history.missingRanges.reduce((sum, range) => sum + range.last - range.first + 1, 0),
        backfilledBlocks: history.backfilled,
      },
      peers: node.transport.reachability(),
    };
    response.json(status);
  });

  app.use(notFoundMiddleware());
  app.use(errorMiddleware({ bodyLimitBytes: API_BODY_LIMIT }));
  return app;
}

/** "4-9, 12-14" (at most a few ranges, then how many more). */
function describeRanges(ranges: readonly { first: number; last: number }[]): string {
  const shown = ranges.slice(0, 3).map(({ first, last }) => (first === last ? `${first}` : `${first}-${last}`));
  return `heights ${shown.join(', ')}${ranges.length > 3 ? ` and ${ranges.length - 3} more ranges` : ''}`;
}

/** `?waitMs=N`: 0 (answer now) to MAX_WAIT_MS; absent means 0. */
function waitParam(request: Request): number {
  const raw = request.query.waitMs;
  if (raw === undefined) return 0;
  if (typeof raw !== 'string' || !/^(0|[1-9][0-9]{0,5})$/.test(raw) || Number(raw) > MAX_WAIT_MS) {
    fail('INVALID_BODY', `waitMs is a whole number of milliseconds from 0 to ${MAX_WAIT_MS}`);
  }
  return Number(raw);
}

function heightParam(request: Request): number {
  const text = String(request.params.height);
  if (!/^[1-9][0-9]{0,14}$/.test(text)) fail('INVALID_BODY', 'a block height is a positive integer');
  return Number(text);
}

/**
 * Checks one submitted transaction without changing anything: its shape,
 * chain and signatures (remembered with the object), then the ledger's rule
 * for what a mempool takes (getAdmissionValidity). Returns its hash.
 */
function admit(node: ReplicaNode, tx: SignedTx, index: number): string {
  const staticCode = node.ctx.app.checkTx(tx);
  if (staticCode !== null) fail(staticCode, `transaction ${index}: rejected (${staticCode})`);
  const hash = node.ctx.app.txHash(tx);
  if (node.isPending(hash)) return hash; // a resubmission (client failover) is harmless
  const refusal = getAdmissionValidity(node.ctx.scheme, node.ledger, tx);
  if (refusal !== null) fail(refusal.code, `transaction ${index}: ${refusal.reason}`);
  return hash;
}
