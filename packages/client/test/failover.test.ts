// Proves how the client spreads requests and survives bad replicas: it skips
// a dead url (a closed port), a replica answering 500, one that times out and
// one whose answer breaks the schema or contradicts the request, and moves on
// in round-robin order from a rotating start. A 4xx answer is about the
// request itself, so it surfaces at once as an ApiError with the server's
// code and status, and no other replica is asked.
import { apiErrorBody } from '@wedge/api';
import { signTx, txHash, type SignedTx } from '@wedge/ledger';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, createClient } from '../src/index.ts';
import { CHAIN_ID, FakeChain, makeGenesis, scheme, users } from './chain.ts';
import { deadUrl, honestAnswer, startServer, type TestServer } from './servers.ts';

const genesis = makeGenesis([]);
const open: TestServer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((server) => server.close()));
});

async function honest(chain: FakeChain): Promise<TestServer> {
  const server = await startServer((request) => honestAnswer(chain, request));
  open.push(server);
  return server;
}

async function failing(status: number, code: string): Promise<TestServer> {
  const server = await startServer(() => ({ status, json: apiErrorBody(code, `always ${code}`) }));
  open.push(server);
  return server;
}

function transfer(nonce = 0): SignedTx {
  const [from, to] = [users[0]!, users[1]!];
  return signTx(scheme, { type: 'transfer', chainId: CHAIN_ID, from: from.address, nonce, to: to.address, amount: 7n }, [from]);
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(() => null, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('failover', () => {
  it('skips a dead url and a 500-ing replica to submit', async () => {
    const chain = new FakeChain(genesis);
    const broken = await failing(500, 'INTERNAL');
    const good = await honest(chain);
    const client = createClient({ genesis, urls: [await deadUrl(), broken.url, good.url], timeoutMs: 1_000 });
    const tx = transfer();
    expect(await client.submit(tx)).toEqual([txHash(tx)]);
    expect(broken.requests).toHaveLength(1);
    expect(chain.pending.has(txHash(tx))).toBe(true);
  });

  it('skips a replica that does not answer within the timeout', async () => {
    const chain = new FakeChain(genesis);
    const slow = await startServer(() => ({ status: 200, json: {}, delayMs: 2_000 }));
    open.push(slow);
    const good = await honest(chain);
    const client = createClient({ genesis, urls: [slow.url, good.url], timeoutMs: 200 });
    const started = Date.now();
    expect(await client.getAccount(users[0]!.address)).toEqual({ address: users[0]!.address, balance: 1000n, nonce: 0, height: chain.ledger.height });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it.each<[string, unknown]>([
    ['breaks the schema', { address: users[0]!.address, balance: 1000, nonce: 0, height: 0 }],
    ['leaves out the height', { address: users[0]!.address, balance: '1000', nonce: 0 }],
    ['answers about another account', { address: users[1]!.address, balance: '1000', nonce: 0, height: 0 }],
    ['is not JSON', undefined],
  ])('skips a replica whose answer %s', async (_name, json) => {
    const liar = await startServer(() => (json === undefined ? { status: 200, raw: '{"address":' } : { status: 200, json }));
    open.push(liar);
    const good = await honest(new FakeChain(genesis));
    const client = createClient({ genesis, urls: [liar.url, good.url], timeoutMs: 1_000 });
    expect((await client.getAccount(users[0]!.address)).balance).toBe(1000n);
    expect(liar.requests).toHaveLength(1);
  });

  it('skips a replica that answers with other transaction ids', async () => {
    const liar = await startServer(() => ({ status: 202, json: { hashes: ['ab'.repeat(32)] } }));
    open.push(liar);
    const chain = new FakeChain(genesis);
    const good = await honest(chain);
    const client = createClient({ genesis, urls: [liar.url, good.url], timeoutMs: 1_000 });
    expect(await client.submit(transfer())).toEqual([txHash(transfer())]);
  });

  it('starts each call at the next replica (round robin)', async () => {
    const chain = new FakeChain(genesis);
    const servers = [await honest(chain), await honest(chain), await honest(chain)];
    const client = createClient({ genesis, urls: servers.map((server) => server.url), timeoutMs: 1_000 });
    for (let call = 0; call < 6; call++) await client.getAccount(users[0]!.address);
    expect(servers.map((server) => server.requests.length)).toEqual([2, 2, 2]);
  });

  it('reports every failure when no replica can answer, with the last failure’s code', async () => {
    const full = await failing(503, 'MEMPOOL_FULL');
    const client = createClient({ genesis, urls: [await deadUrl(), full.url], timeoutMs: 1_000 });
    const error = await rejection(client.submit(transfer()));
    expect(error.code).toBe('MEMPOOL_FULL');
    expect(error.httpStatus).toBe(503);
    expect((error.details.failures as unknown[]).length).toBe(2);
  });

  it('treats a retry that meets its own earlier success (409, but the replica knows the tx) as success', async () => {
    const chain = new FakeChain(genesis);
    const tx = transfer();
    // The first replica takes the transaction in but its answer is lost (500).
    const lost = await startServer((request) => (chain.submit(request.body as never), { status: 500, json: apiErrorBody('INTERNAL', 'lost') }));
    open.push(lost);
    const second = await honest(chain);
    second.override = (request) => (request.method === 'POST' ? { status: 409, json: apiErrorBody('DUPLICATE_TX', 'already pending') } : undefined);
    const client = createClient({ genesis, urls: [lost.url, second.url], timeoutMs: 1_000 });
    expect(await client.submit(tx)).toEqual([txHash(tx)]);
  });
});

describe('4xx answers', () => {
  it.each<[string, number]>([
    ['BAD_NONCE', 409],
    ['INSUFFICIENT_FUNDS', 422],
    ['BAD_SIGNATURE', 400],
  ])('surface %s as an ApiError with status %i, without failover', async (code, status) => {
    const refusing = await failing(status, code);
    const other = await honest(new FakeChain(genesis));
    const client = createClient({ genesis, urls: [refusing.url, other.url], timeoutMs: 1_000 });
    const error = await rejection(client.submit(transfer()));
    expect(error).toMatchObject({ code, httpStatus: status, message: `always ${code}` });
    expect(other.requests).toHaveLength(0);
  });

  it('surface a 404 for an unknown channel on reads', async () => {
    const chain = new FakeChain(genesis);
    const server = await honest(chain);
    const unknown = { status: 404, json: apiErrorBody('UNKNOWN_CHANNEL', 'no such channel') };
    server.override = (request) => (request.path.startsWith('/v1/channels/') ? unknown : undefined);
    const other = await honest(chain);
    const client = createClient({ genesis, urls: [server.url, other.url], timeoutMs: 1_000 });
    const error = await rejection(client.getChannel('ab'.repeat(32)));
    expect(error).toMatchObject({ code: 'UNKNOWN_CHANNEL', httpStatus: 404 });
    expect(other.requests).toHaveLength(0);
  });

  it('surface a 4xx without an error body as INVALID_RESPONSE with its status, without failover', async () => {
    const odd = await startServer(() => ({ status: 418, raw: 'teapot' }));
    open.push(odd);
    const other = await honest(new FakeChain(genesis));
    const client = createClient({ genesis, urls: [odd.url, other.url], timeoutMs: 1_000 });
    const error = await rejection(client.getTx('ab'.repeat(32)));
    expect(error).toMatchObject({ code: 'INVALID_RESPONSE', httpStatus: 418 });
    expect(other.requests).toHaveLength(0);
  });
});

describe('client options', () => {
  it('refuses options it cannot work with', () => {
    expect(() => createClient({ genesis, urls: [] })).toThrow(ApiError);
    expect(() => createClient({ genesis, timeoutMs: 0 })).toThrow(ApiError);
    expect(() => createClient({ genesis, urls: ['ftp://127.0.0.1:1', 'http://127.0.0.1:2'] })).toThrow(/http/);
    expect(() => createClient({ genesis, urls: ['http://127.0.0.1:1', 'http://127.0.0.1:1'] })).toThrow(/distinct/);
    expect(() => createClient({ genesis, urls: ['http://127.0.0.1:1'] })).toThrow(/resultConfirmations/);
    expect(() => createClient({ genesis, urls: ['http://127.0.0.1:1'], resultConfirmations: 1 })).not.toThrow();
  });
});
