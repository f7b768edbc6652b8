// Proves the history job takes only what is proven: it fills the heights a
// replica skipped from its peers, with each block's commit certificate
// verified and its result codes as f+1 peers report them. A peer that lies
// about the codes is outvoted; a block whose certificate does not verify is
// taken from another peer; with too few peers agreeing nothing is stored and
// the height stays missing (asked again later); heights already held are not
// asked for.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize } from 'node:v8';
import { afterEach, describe, expect, it } from 'vitest';
import { consensusConfigOf } from '@wedge/api';
import { createLedgerApp, signTx, txHash, type SignedTx } from '@wedge/ledger';
import { REPLICA_DB_PAGE_SIZE, createReplicaStore, openDatabase, type ReplicaStore } from '@wedge/store';
import { CHAIN_ID, FakeChain, certify, makeGenesis, scheme, users } from '../../../packages/client/test/chain.ts';
import { startNetwork } from '../../../packages/client/test/servers.ts';
import { HistoryBackfill, withoutHeight } from '../src/history-backfill.ts';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Three peers (replicas 1-3) of a chain of `heights` blocks, and replica 0's empty store that executed them all. */
async function setup(heights: number) {
  // Server i plays replica i+1; replica 0 (the one backfilling) has no server.
  const network = await startNetwork(3, (urls) => new FakeChain(makeGenesis(['http://127.0.0.1:9', ...urls])));
  cleanups.push(network.close);
  const { chain } = network;
  for (let height = 1; height <= heights; height++) {
    chain.pending.clear();
    // A transfer that commits and one that is rejected, so the codes differ within a block.
    for (const tx of [transfer(0, height - 1), transfer(2, 0)]) chain.pending.set(txHash(tx), tx);
    chain.commitPending();
  }
  const dir = mkdtempSync(join(tmpdir(), 'wedge-backfill-'));
  const store = createReplicaStore(openDatabase(join(dir, 'replica.sqlite'), { pageSize: REPLICA_DB_PAGE_SIZE }));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }), () => store.close());
  const history = new HistoryBackfill({
    genesis: chain.genesis,
    config: consensusConfigOf(chain.genesis),
    self: 0,
    store,
    app: createLedgerApp(scheme, CHAIN_ID),
    executedHeight: () => heights,
  });
  cleanups.push(() => history.stop());
  return { chain, servers: network.servers, store, history };
}

/** A transfer of 1 from user `from` (user 2 has no funds, so its transfers are rejected when executed). */
function transfer(from: number, nonce: number): SignedTx {
  const body = { type: 'transfer' as const, chainId: CHAIN_ID, from: users[from]!.address, nonce, to: users[from === 0 ? 1 : 0]!.address, amount: 1n };
  return signTx(scheme, body, [users[from]!]);
}

async function until(condition: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('history backfill', () => {
  it('fills every skipped height from honest peers, with their blocks, certificates and codes', async () => {
    const { chain, store, history } = await setup(5);
    expect(history.missingRanges).toEqual([{ first: 1, last: 5 }]);
    history.start();
    await until(() => history.complete);
    expect(store.missingRanges(5)).toEqual([]);
    for (let height = 1; height <= 5; height++) {
      const stored = store.getBlock(height)!;
      expect(deserialize(stored.certificate)).toEqual(chain.blocks.get(height)!.certificate);
      expect(store.blockResults(height).map(({ hash, code }) => ({ hash, code }))).toEqual(chain.blocks.get(height)!.results);
    }
    expect(history.backfilled).toBe(5);
  });

  it('outvotes a peer that lies about the codes, and takes the block from another peer when its certificate does not verify', async () => {
    const { chain, servers, store, history } = await setup(3);
    const honest = chain.blocks.get(2)!;
    const liedResults = honest.results.map((result) => ({ hash: result.hash, code: result.code === 'OK' ? 'INSUFFICIENT_FUNDS' : 'OK' }));
    const forged = certify(honest.block, { signers: [0, 1] }); // 2 signatures, 2f+1 = 3 needed
    // Height 2 is asked of peer 2 % 3 first: that one lies.
    servers[2]!.override = (request) => {
      if (request.path === '/v1/blocks/2/results') return { status: 200, json: { height: 2, certificate: honest.certificate, results: liedResults } };
      if (request.path === '/v1/blocks/2') return { status: 200, json: { ...chain.blockResponse(2)!, certificate: forged } };
      return undefined;
    };
    history.start();
    await until(() => history.complete);
    expect(store.blockResults(2).map(({ hash, code }) => ({ hash, code }))).toEqual(honest.results);
    expect(deserialize(store.getBlock(2)!.certificate)).toEqual(honest.certificate);
  });

  it('stores nothing for a height when fewer than f+1 peers agree on its codes, and keeps it missing', async () => {
    const { chain, servers, store, history } = await setup(2);
    const honest = chain.blocks.get(1)!;
    // One peer lies, one is busy for height 1, one tells the truth: 1 < f+1 = 2. Height 2 is fine.
    servers[0]!.override = (request) =>
      request.path === '/v1/blocks/1/results'
        ? { status: 200, json: { height: 1, certificate: honest.certificate, results: honest.results.map((result) => ({ ...result, code: 'BAD_NONCE' })) } }
        : undefined;
    servers[1]!.override = (request) => (request.path.startsWith('/v1/blocks/1') ? { status: 503, json: { error: { code: 'BUSY', message: 'busy' } } } : undefined);
    history.start();
    await until(() => history.backfilled >= 1);
    expect(store.getBlock(1)).toBeNull();
    expect(history.isMissing(1)).toBe(true);
    expect(history.complete).toBe(false);
    // Once a second honest peer answers, the height is filled on a later pass.
    servers[1]!.override = null;
    await until(() => history.complete, 10_000);
    expect(store.blockResults(1).map(({ code }) => code)).toEqual(honest.results.map(({ code }) => code));
  });

  it('does not ask for heights it holds', async () => {
    const ranges = withoutHeight([{ first: 1, last: 5 }], 3);
    expect(ranges).toEqual([
      { first: 1, last: 2 },
      { first: 4, last: 5 },
    ]);
    expect(withoutHeight(ranges, 1)).toEqual([
      { first: 2, last: 2 },
      { first: 4, last: 5 },
    ]);
    expect(withoutHeight([{ first: 7, last: 7 }], 7)).toEqual([]);
  });
});
