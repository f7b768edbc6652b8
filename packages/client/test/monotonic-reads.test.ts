// Proves the client's reads are monotonic against replicas at different
// heights: once an answer as of height H was taken, getAccount, getChannel
// and getStatus() never return one as of a lower height — a replica that
// answers from behind is asked and failed over (STALE_READ); when every
// replica is behind, the client asks again a bounded number of rounds and
// then fails STALE_READ instead of going back in time; a final transaction
// raises the floor (read your writes); and getStatus(url), a look at one
// replica, still answers as that replica is.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, STALE_READ_ROUNDS, createClient, type WedgeClient } from '../src/index.ts';
import { FakeChain, makeGenesis, users } from './chain.ts';
import { honestAnswer, startNetwork } from './servers.ts';

type Network = Awaited<ReturnType<typeof startNetwork>>;
let network: Network;
let client: WedgeClient;

/** Replicas `ids` answer every read as of `behind` blocks ago (what a replica catching up says). */
function lagging(ids: readonly number[], behind: number): void {
  for (const id of ids) {
    network.servers[id]!.override = (request) => {
      if (request.method !== 'GET') return undefined;
      const answer = honestAnswer(network.chain, request, id);
      const json = answer.json as { height?: unknown } | undefined;
      if (json === undefined || typeof json.height !== 'number' || request.path.startsWith('/v1/blocks') || request.path.startsWith('/v1/txs')) return answer;
      return { ...answer, json: { ...json, height: Math.max(0, json.height - behind) } };
    };
  }
}

function readsOf(id: number, prefix: string): number {
  return network.servers[id]!.requests.filter((request) => request.method === 'GET' && request.path.startsWith(prefix)).length;
}

beforeEach(async () => {
  network = await startNetwork(4, (urls) => new FakeChain(makeGenesis(urls)));
  for (let block = 0; block < 5; block++) network.chain.commitPending();
  client = createClient({ genesis: network.chain.genesis, timeoutMs: 1_000 });
});

afterEach(() => network.close());

describe('monotonic reads', () => {
  it('never returns an answer older than one taken before, failing over past replicas behind', async () => {
    const alice = users[0]!.address;
    expect(client.highestHeight).toBe(0);
    // The first read goes to replica 0 (each call starts at the next replica): height 5.
    expect((await client.getAccount(alice)).height).toBe(5);
    expect(client.highestHeight).toBe(5);
    lagging([1, 2], 3);
    const heights: number[] = [];
    for (let read = 0; read < 8; read++) {
      heights.push((await client.getAccount(alice)).height, (await client.getStatus()).height);
    }
    expect(heights.every((height) => height === 5)).toBe(true);
    // The lagging replicas were asked (and their answers refused), not skipped.
    expect(readsOf(1, '/v1/accounts') + readsOf(2, '/v1/accounts')).toBeGreaterThan(0);
    // A look at one replica is that replica's word, and leaves the floor alone.
    expect((await client.getStatus(network.servers[1]!.url)).height).toBe(2);
    expect(client.highestHeight).toBe(5);
  });

  it('a height seen anywhere raises the floor: a committed transaction, a proven block', async () => {
    lagging([0, 1, 2, 3], 2);
    await client.getBlock(5);
    expect(client.highestHeight).toBe(5);
    lagging([0, 1], 2);
    network.servers[2]!.override = null;
    network.servers[3]!.override = null;
    for (let read = 0; read < 4; read++) expect((await client.getAccount(users[1]!.address)).height).toBe(5);
  });

  it('read your writes: after a final transfer, no replica behind its block answers', async () => {
    for (const [id, server] of network.servers.entries()) {
      server.override = (request) => {
        if (request.method !== 'POST') return undefined;
        const answer = honestAnswer(network.chain, request, id);
        setTimeout(() => network.chain.commitPending(), 20);
        return answer;
      };
    }
    const final = await client.transfer(users[0]!, users[1]!.address, 7n, { timeoutMs: 5_000 });
    expect(final.height).toBe(6);
    expect(client.highestHeight).toBe(6);
    lagging([0, 1, 3], 1);
    for (let read = 0; read < 4; read++) {
      const account = await client.getAccount(users[0]!.address);
      expect(account).toMatchObject({ height: 6, nonce: 1 });
    }
  });

  it('when every replica is behind, fails STALE_READ after a bounded number of rounds', async () => {
    await client.getAccount(users[0]!.address);
    lagging([0, 1, 2, 3], 1);
    const before = network.servers.map((_, id) => readsOf(id, '/v1/accounts'));
    const error = await client.getAccount(users[0]!.address).then(() => null, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('STALE_READ');
    const asked = network.servers.map((_, id) => readsOf(id, '/v1/accounts') - before[id]!);
    expect(asked).toEqual([STALE_READ_ROUNDS, STALE_READ_ROUNDS, STALE_READ_ROUNDS, STALE_READ_ROUNDS]);
  });
});
