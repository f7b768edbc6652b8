// Tiny HTTP replicas for the client tests: node:http on 127.0.0.1, port 0.
// Each serves the API v1 routes from a FakeChain (the honest answer) unless
// the test's `override` answers first, and logs every request it receives.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiErrorBody, genesisHash, httpStatusOf, type WedgeCode } from '@wedge/api';
import type { FakeChain } from './chain.ts';

export type Answer = { status: number; json?: unknown; delayMs?: number; raw?: string };
export type RequestInfo = { method: string; path: string; body: unknown };
export type Override = (request: RequestInfo) => Answer | undefined;

export type TestServer = {
  readonly url: string;
  readonly requests: RequestInfo[];
  override: Override | null;
  close(): Promise<void>;
};

function error(code: WedgeCode, message: string = code): Answer {
  return { status: httpStatusOf(code), json: apiErrorBody(code, message) };
}

/** The honest answer of a replica holding `chain`. */
export function honestAnswer(chain: FakeChain, request: RequestInfo, replicaId = 0): Answer {
  const { method, path } = request;
  if (method === 'POST' && path === '/v1/txs') return { status: 202, json: { hashes: chain.submit(request.body as never) } };
  let match = /^\/v1\/txs\/([^/]+)$/.exec(path);
  if (method === 'GET' && match) {
    const status = chain.statusOf(match[1]!);
    return status === null ? error('UNKNOWN_TX') : { status: 200, json: status };
  }
  match = /^\/v1\/blocks\/([0-9]+)\/results$/.exec(path);
  if (method === 'GET' && match) {
    const block = chain.blockResponse(Number(match[1]));
    return block === null ? error('UNKNOWN_BLOCK') : { status: 200, json: { height: block.block.height, certificate: block.certificate, results: block.results } };
  }
  match = /^\/v1\/blocks\/([0-9]+)$/.exec(path);
  if (method === 'GET' && match) {
    const block = chain.blockResponse(Number(match[1]));
    return block === null ? error('UNKNOWN_BLOCK') : { status: 200, json: block };
  }
  match = /^\/v1\/accounts\/([^/]+)$/.exec(path);
  if (method === 'GET' && match) {
    const account = chain.ledger.accounts.get(match[1]!) ?? { balance: 0n, nonce: 0 };
    return { status: 200, json: { address: match[1], balance: account.balance.toString(), nonce: account.nonce, height: chain.ledger.height } };
  }
  if (method === 'GET' && path === '/v1/status') {
    const root = '00'.repeat(32);
    return {
      status: 200,
      json: {
        chainId: chain.genesis.chainId,
        genesisHash: genesisHash(chain.genesis),
        replicaId,
        view: 0,
        viewStatus: 'normal',
        height: chain.ledger.height,
        stableCheckpoint: { seq: 0, root },
        stateRoot: root,
        pendingTxs: chain.pending.size,
        history: { missingBlocks: 0, backfilledBlocks: 0 },
        peers: [],
      },
    };
  }
  return error('NOT_FOUND');
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? undefined : JSON.parse(text);
}

export async function startServer(answer: (request: RequestInfo) => Answer): Promise<TestServer> {
  const requests: RequestInfo[] = [];
  const state: { override: Override | null } = { override: null };
  const server: Server = createServer((request, response) => {
    void (async () => {
      const info: RequestInfo = { method: request.method ?? 'GET', path: request.url ?? '/', body: await readJson(request) };
      requests.push(info);
      const reply = state.override?.(info) ?? answer(info);
      if (reply.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
      if (response.destroyed) return;
      response.writeHead(reply.status, { 'content-type': 'application/json' });
      response.end(reply.raw ?? (reply.json === undefined ? '' : JSON.stringify(reply.json)));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get override() {
      return state.override;
    },
    set override(value) {
      state.override = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A url nobody listens on: a server is started, and closed again. */
export async function deadUrl(): Promise<string> {
  const server = await startServer(() => ({ status: 200 }));
  await server.close();
  return server.url;
}

/** `count` honest replicas of one chain. The chain is created once the urls are known, so the genesis names them. */
export async function startNetwork(count: number, makeChain: (urls: string[]) => FakeChain) {
  let chain: FakeChain | null = null;
  const servers: TestServer[] = [];
  for (let id = 0; id < count; id++) servers.push(await startServer((request) => honestAnswer(chain!, request, id)));
  chain = makeChain(servers.map((server) => server.url));
  return { chain, servers, close: () => Promise.all(servers.map((server) => server.close())) };
}
