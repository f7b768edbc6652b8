// Proves the typed reads and the conveniences against replicas serving real
// ledger data: accounts and channels come back with bigints; getBlock returns
// only blocks whose certificate verifies (failing over past a forged one), and
// getBlockResults only results the certificate proves;
// getStatus checks the replica serves this genesis; transfer and sendTx
// build, sign, submit and prove finality, taking the nonce from the account.
import { channelToWire, genesisHash } from '@wedge/api';
import { toHex } from '@wedge/common';
import { getAccount } from '@wedge/ledger';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, createClient, type WedgeClient } from '../src/index.ts';
import { FakeChain, makeGenesis, users } from './chain.ts';
import { honestAnswer, startNetwork } from './servers.ts';

type Network = Awaited<ReturnType<typeof startNetwork>>;
let network: Network;
let client: WedgeClient;

/** Every replica commits what it is sent shortly after accepting it, as a live network would. */
function commitSoonAfterSubmit(): void {
  for (const [id, server] of network.servers.entries()) {
    server.override = (request) => {
      if (request.method !== 'POST') return undefined;
      const answer = honestAnswer(network.chain, request, id);
      setTimeout(() => network.chain.commitPending(), 30);
      return answer;
    };
  }
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(() => null, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

beforeEach(async () => {
  network = await startNetwork(4, (urls) => new FakeChain(makeGenesis(urls)));
  // No urls option: the client reads them from the genesis file.
  client = createClient({ genesis: network.chain.genesis, timeoutMs: 1_000 });
  commitSoonAfterSubmit();
});

afterEach(() => network.close());

describe('conveniences', () => {
  it('transfer takes the nonce from the account, signs, submits and proves finality', async () => {
    const [alice, bob] = [users[0]!, users[1]!];
    const first = await client.transfer(alice, bob.address, 25n, { timeoutMs: 5_000 });
    expect(first).toMatchObject({ height: 1, index: 0, code: 'OK' });
    const second = await client.transfer(alice, bob.address, 5n, { timeoutMs: 5_000 });
    expect(second).toMatchObject({ height: 2, code: 'OK' });
    expect(await client.getAccount(alice.address)).toEqual({ address: alice.address, balance: 970n, nonce: 2, height: 2 });
    expect(await client.getAccount(bob.address)).toEqual({ address: bob.address, balance: 1030n, nonce: 0, height: 2 });
  });

  it('transfer with an explicit stale nonce is final but rejected by the ledger', async () => {
    const [alice, bob] = [users[0]!, users[1]!];
    await client.transfer(alice, bob.address, 1n, { timeoutMs: 5_000 });
    // Another amount, so another transaction (the very same bytes would simply be the first one again).
    const replay = await client.transfer(alice, bob.address, 2n, { nonce: 0, timeoutMs: 5_000 });
    expect(replay.code).toBe('BAD_NONCE');
  });

  it('sendTx opens a channel signed by both members; getChannel reads it back with bigints', async () => {
    const [alice, bob] = [users[0]!, users[1]!];
    const channelId = 'c0'.repeat(32);
    const members = [alice, bob].map((key) => ({ publicKey: toHex(key.publicKey), deposit: 100n }));
    const final = await client.sendTx(
      { type: 'channel.open', from: alice.address, nonce: 0, channelId, members, challengeBlocks: 3, topology: 'star' },
      [alice, bob],
      { timeoutMs: 5_000 },
    );
    expect(final.code).toBe('OK');
    for (const server of network.servers) {
      server.override = (request) =>
        request.path === `/v1/channels/${channelId}` ? { status: 200, json: channelToWire(network.chain.ledger.channels.get(channelId)!, network.chain.ledger.height) } : undefined;
    }
    const channel = await client.getChannel(channelId);
    expect(channel).toEqual(network.chain.ledger.channels.get(channelId));
    expect(channel.total).toBe(200n);
    expect(getAccount(network.chain.ledger, alice.address).balance).toBe(900n);
  });
});

describe('getBlock', () => {
  beforeEach(async () => {
    await client.transfer(users[0]!, users[1]!.address, 3n, { timeoutMs: 5_000 });
  });

  it('returns a certified block with its results', async () => {
    const view = await client.getBlock(1);
    const committed = network.chain.blocks.get(1)!;
    expect(view).toEqual({ block: committed.block, certificate: committed.certificate, results: committed.results });
  });

  it('fails over past a replica serving a forged certificate', async () => {
    for (const server of network.servers.slice(0, 3)) {
      server.override = (request) => {
        if (request.path !== '/v1/blocks/1') return undefined;
        const real = network.chain.blockResponse(1)!;
        return { status: 200, json: { ...real, certificate: { ...real.certificate, signatures: real.certificate.signatures.slice(0, 2) } } };
      };
    }
    expect((await client.getBlock(1)).block.height).toBe(1);
  });

  it('throws UNVERIFIABLE_PROOF when no replica has a valid certificate', async () => {
    for (const server of network.servers) {
      server.override = (request) => {
        if (request.path !== '/v1/blocks/1') return undefined;
        const real = network.chain.blockResponse(1)!;
        return { status: 200, json: { ...real, certificate: { ...real.certificate, digest: 'ee'.repeat(32) } } };
      };
    }
    expect((await rejection(client.getBlock(1))).code).toBe('UNVERIFIABLE_PROOF');
  });

  it('surfaces UNKNOWN_BLOCK for a height not yet committed', async () => {
    expect((await rejection(client.getBlock(9))).code).toBe('UNKNOWN_BLOCK');
  });
});

describe('getBlockResults', () => {
  beforeEach(async () => {
    await client.transfer(users[0]!, users[1]!.address, 3n, { timeoutMs: 5_000 });
  });

  it("returns the block's ids and codes, proven by its certificate", async () => {
    const committed = network.chain.blocks.get(1)!;
    expect(await client.getBlockResults(1)).toEqual({ height: 1, certificate: committed.certificate, results: committed.results });
  });

  it('fails over past replicas whose results the certificate does not prove, and refuses when none is proven', async () => {
    const forge = (servers: typeof network.servers, change: (real: Record<string, unknown>) => unknown) => {
      for (const server of servers) {
        server.override = (request) => {
          if (request.path !== '/v1/blocks/1/results') return undefined;
          const real = network.chain.blockResponse(1)!;
          return { status: 200, json: change({ height: 1, certificate: real.certificate, results: real.results }) };
        };
      }
    };
    const otherId = { hash: 'ee'.repeat(32), code: 'OK' };
    forge(network.servers.slice(0, 3), (real) => ({ ...real, results: [otherId] }));
    expect((await client.getBlockResults(1)).results).toEqual(network.chain.blocks.get(1)!.results);
    forge(network.servers, (real) => ({ ...real, results: [otherId] }));
    expect((await rejection(client.getBlockResults(1))).code).toBe('UNVERIFIABLE_PROOF');
    // Two of the 2f+1 = 3 signatures a certificate needs.
    forge(network.servers, (real) => {
      const certificate = real.certificate as { signatures: unknown[] };
      return { ...real, certificate: { ...certificate, signatures: certificate.signatures.slice(0, 2) } };
    });
    expect((await rejection(client.getBlockResults(1))).code).toBe('UNVERIFIABLE_PROOF');
  });

  it('surfaces UNKNOWN_BLOCK for a height not yet committed', async () => {
    expect((await rejection(client.getBlockResults(9))).code).toBe('UNKNOWN_BLOCK');
  });
});

describe('getStatus', () => {
  it('reads a replica of this genesis, from any replica or a chosen one', async () => {
    expect((await client.getStatus()).genesisHash).toBe(genesisHash(network.chain.genesis));
    const chosen = await client.getStatus(network.servers[2]!.url);
    expect(chosen.replicaId).toBe(2);
  });

  it('refuses a replica of another genesis with WRONG_GENESIS', async () => {
    const other = new FakeChain({ ...network.chain.genesis, accounts: [] });
    for (const server of network.servers) server.override = (request) => honestAnswer(other, request);
    const error = await rejection(client.getStatus(network.servers[0]!.url));
    expect(error.code).toBe('WRONG_GENESIS');
    expect((await rejection(client.getStatus())).code).toBe('WRONG_GENESIS');
  });
});

describe('getTx', () => {
  it('reads a status, and surfaces UNKNOWN_TX', async () => {
    const final = await client.transfer(users[0]!, users[1]!.address, 3n, { timeoutMs: 5_000 });
    expect(await client.getTx(final.hash)).toEqual({ hash: final.hash, status: 'committed', height: 1, index: 0, code: 'OK' });
    expect((await rejection(client.getTx('ab'.repeat(32)))).code).toBe('UNKNOWN_TX');
  });
});
