// The replica store's block results and transaction index: lookups by hash
// find exactly the transactions stored (also when two hashes share the
// index's 48-bit key), a re-executed transaction is found where it
// succeeded, results and recent hashes come back in order, a block written
// twice keeps its first copy, an executed block's bytes (its proposal) are
// never pruned, protocol parts are replaced and removed as asked, everything
// survives reopening, the heights skipped by state transfer are reported as
// ranges and backfilled blocks are found by hash at once and after
// reopening, and a data directory of another schema version is refused.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  INDEX_FLUSH_ENTRIES,
  REPLICA_DB_PAGE_SIZE,
  REPLICA_SCHEMA_VERSION,
  createReplicaStore,
  openDatabase,
  type PersistBatch,
  type ReplicaStore,
} from '../src/index.ts';

const dirs: string[] = [];
const stores: ReplicaStore[] = [];

/** As a replica opens its store (its page size included). */
function open(dir: string): ReplicaStore {
  const store = createReplicaStore(openDatabase(join(dir, 'replica.sqlite'), { pageSize: REPLICA_DB_PAGE_SIZE }));
  stores.push(store);
  return store;
}

function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wedge-store-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const store of stores.splice(0)) {
    try {
      store.close();
    } catch {
      // already closed by the test
    }
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A 64-hex hash: `prefix` (12 hex, the index key) then a filler from `seed`. */
function hash(prefix: string, seed: number): string {
  return prefix + seed.toString(16).padStart(52, '0');
}

function batchOf(blocks: { height: number; results: { hash: string; code: string }[] }[], digestOf = (height: number) => `digest-${height}`): PersistBatch {
  return {
    protocol: Uint8Array.of(blocks.length),
    protocolParts: { put: [], removed: [] },
    proposals: blocks.map(({ height }) => ({ digest: digestOf(height), height, block: Uint8Array.of(height) })),
    blocks: blocks.map(({ height, results }) => ({ height, digest: digestOf(height), certificate: Uint8Array.of(0, height), results })),
    snapshot: null,
    prune: null,
  };
}

describe('replica store', () => {
  it('reports the heights it has no block for, and backfilled blocks are found by hash, also after reopening', () => {
    const dir = freshDir();
    const store = open(dir);
    expect(store.missingRanges(0)).toEqual([]);
    expect(store.missingRanges(5)).toEqual([{ first: 1, last: 5 }]);
    const results = (height: number) => [{ hash: hash('0000000000' + height.toString(16).padStart(2, '0'), height), code: 'OK' }];
    // Executed 1-3, skipped 4-9 (a snapshot at 9), executed 10-11, skipped 12-14 (a snapshot at 14).
    store.persist(batchOf([1, 2, 3, 10, 11].map((height) => ({ height, results: results(height) }))));
    expect(store.missingRanges(14)).toEqual([
      { first: 4, last: 9 },
      { first: 12, last: 14 },
    ]);
    expect(store.missingRanges(11)).toEqual([{ first: 4, last: 9 }]);
    const backfilled = [4, 5, 12].map((height) => ({ height, digest: `digest-${height}`, block: Uint8Array.of(height), certificate: Uint8Array.of(1, height), results: results(height) }));
    store.backfill(backfilled);
    store.backfill(backfilled.slice(0, 1)); // again: the first copy stays, nothing is indexed twice
    expect(store.missingRanges(14)).toEqual([
      { first: 6, last: 9 },
      { first: 13, last: 14 },
    ]);
    expect(store.getTx(results(5)[0]!.hash)).toEqual({ hash: results(5)[0]!.hash, height: 5, index: 0, code: 'OK' });
    const stored = store.getBlock(12)!;
    expect([stored.height, [...stored.block], [...stored.certificate]]).toEqual([12, [12], [1, 12]]);
    store.close();
    const reopened = open(dir);
    expect(reopened.getTx(results(4)[0]!.hash)?.height).toBe(4);
    expect(reopened.getTx(results(12)[0]!.hash)?.height).toBe(12);
    expect(reopened.missingRanges(14)).toEqual([
      { first: 6, last: 9 },
      { first: 13, last: 14 },
    ]);
  });

  it('finds each transaction by hash, also when hashes share an index key', () => {
    const store = open(freshDir());
    const shared = 'abcdefabcdef';
    const a = hash(shared, 1);
    const b = hash(shared, 2);
    const c = hash('000000000001', 3);
    store.persist(batchOf([{ height: 1, results: [{ hash: a, code: 'OK' }, { hash: c, code: 'BAD_NONCE' }] }, { height: 2, results: [{ hash: b, code: 'OK' }] }]));
    expect(store.getTx(a)).toEqual({ hash: a, height: 1, index: 0, code: 'OK' });
    expect(store.getTx(b)).toEqual({ hash: b, height: 2, index: 0, code: 'OK' });
    expect(store.getTx(c)).toEqual({ hash: c, height: 1, index: 1, code: 'BAD_NONCE' });
    expect(store.getTx(hash(shared, 4))).toBeNull(); // same key, no such transaction
    expect(store.getTx(hash('ffffffffffff', 5))).toBeNull();
    expect(store.getTx('not a hash')).toBeNull();
  });

  it('reports where a transaction succeeded, else its first rejection', () => {
    const store = open(freshDir());
    const retried = hash('123456123456', 1);
    const rejectedTwice = hash('654321654321', 2);
    store.persist(
      batchOf([
        { height: 1, results: [{ hash: retried, code: 'INSUFFICIENT_FUNDS' }, { hash: rejectedTwice, code: 'BAD_NONCE' }] },
        { height: 2, results: [{ hash: rejectedTwice, code: 'DUPLICATE' }] },
        { height: 3, results: [{ hash: hash('000000000000', 3), code: 'OK' }, { hash: retried, code: 'OK' }] },
      ]),
    );
    expect(store.getTx(retried)).toEqual({ hash: retried, height: 3, index: 1, code: 'OK' });
    expect(store.getTx(rejectedTwice)).toEqual({ hash: rejectedTwice, height: 1, index: 1, code: 'BAD_NONCE' });
  });

  it('gives block results in order and the recent hashes newest first, across blocks', () => {
    const dir = freshDir();
    const store = open(dir);
    const blocks = [1, 2, 3].map((height) => ({
      height,
      results: Array.from({ length: height * 3 }, (_, index) => ({ hash: hash('00000000000' + height, index), code: index % 4 === 0 ? 'BAD_NONCE' : 'OK' })),
    }));
    store.persist(batchOf(blocks.slice(0, 2)));
    store.persist(batchOf(blocks.slice(2)));
    for (const block of blocks) {
      expect(store.blockResults(block.height)).toEqual(block.results.map((result, index) => ({ ...result, height: block.height, index })));
    }
    expect(store.blockResults(4)).toEqual([]);
    const newestFirst = blocks.flatMap((block) => block.results.map((result) => result.hash)).reverse();
    expect(store.recentTxHashes(100)).toEqual(newestFirst);
    expect(store.recentTxHashes(10)).toEqual(newestFirst.slice(0, 10));
    expect(store.recentTxHashes(0)).toEqual([]);

    // A block written again (a restart re-executes it) keeps its first copy and index.
    store.persist(batchOf([{ height: 3, results: [{ hash: hash('999999999999', 1), code: 'OK' }] }], (height) => `other-${height}`));
    expect(store.getBlock(3)).toEqual({ height: 3, block: Buffer.of(3), certificate: Buffer.of(0, 3) });
    expect(store.getTx(hash('999999999999', 1))).toBeNull();

    store.close();
    const reopened = open(dir);
    expect(reopened.recentTxHashes(100)).toEqual(newestFirst);
    expect(reopened.getTx(blocks[1]!.results[4]!.hash)).toEqual({ ...blocks[1]!.results[4]!, height: 2, index: 4 });
    expect(reopened.getBlocks(1, 3).map((block) => block.height)).toEqual([1, 2, 3]);
  });

  it('stores an executed block once, as its proposal, and never prunes it', () => {
    const store = open(freshDir());
    const proposal = (digest: string, height: number) => ({ digest, height, block: Uint8Array.of(height, 7) });
    store.persist({ ...batchOf([]), proposals: [proposal('a1', 1), proposal('b1', 1), proposal('a2', 2), proposal('a3', 3)] });
    store.persist({ ...batchOf([]), blocks: [{ height: 1, digest: 'a1', certificate: Uint8Array.of(1), results: [] }] });
    store.persist({ ...batchOf([]), prune: { belowOrAt: 2, keep: ['a2'] } });
    expect(store.getBlock(1)).toEqual({ height: 1, block: Buffer.of(1, 7), certificate: Buffer.of(1) });
    expect(store.loadProposal('a1')).toEqual(Buffer.of(1, 7)); // executed: kept
    expect(store.loadProposal('b1')).toBeNull(); // the losing proposal at height 1: pruned
    expect(store.loadProposal('a2')).toEqual(Buffer.of(2, 7)); // still referenced: kept
    expect(store.loadProposal('a3')).toEqual(Buffer.of(3, 7)); // above the prune height
    // An executed block whose proposal was never stored is refused, and nothing of its batch is written.
    expect(() => store.persist({ ...batchOf([]), protocol: Uint8Array.of(9), blocks: [{ height: 2, digest: 'missing', certificate: Uint8Array.of(2), results: [] }] })).toThrow();
    expect(store.getBlock(2)).toBeNull();
    expect(store.loadProtocol()?.core).toEqual(Buffer.of(0));
  });

  it('keeps the protocol parts written, replaced and removed, across a reopen', () => {
    const dir = freshDir();
    const store = open(dir);
    expect(store.loadProtocol()).toBeNull();
    const parts = (put: [string, number][], removed: string[] = []) => ({ put: put.map(([key, byte]) => ({ key, bytes: Uint8Array.of(byte) })), removed });
    store.persist({ ...batchOf([]), protocol: Uint8Array.of(1), protocolParts: parts([['slot/0:1', 1], ['slot/0:2', 2], ['prepared/1', 3]]) });
    store.persist({ ...batchOf([]), protocol: Uint8Array.of(2), protocolParts: parts([['slot/0:2', 20]], ['slot/0:1', 'never-written']) });
    store.close();
    const loaded = open(dir).loadProtocol();
    expect(loaded?.core).toEqual(Buffer.of(2));
    expect([...loaded!.parts].map(([key, bytes]) => [key, [...bytes]])).toEqual([
      ['prepared/1', [3]],
      ['slot/0:2', [20]],
    ]);
  });

  it('finds transactions before and after the index is flushed, and after a reopen with entries not flushed', () => {
    const dir = freshDir();
    const store = open(dir);
    const perBlock = Math.ceil(INDEX_FLUSH_ENTRIES / 3);
    const shared = '0123456789ab';
    const retried = hash('f00000000000', 1_000_001);
    // Every block holds one hash of a shared index key (index 0), and one transaction fails at height 1 and succeeds at height 5 (index 1).
    const block = (height: number) => ({
      height,
      results: Array.from({ length: perBlock }, (_, index) => ({
        hash: index === 1 && (height === 1 || height === 5) ? retried : index === 0 ? hash(shared, height) : hash((height * 1_000_000 + index).toString(16).padStart(12, '0'), index),
        code: height === 1 && index === 1 ? 'INSUFFICIENT_FUNDS' : 'OK',
      })),
    });
    const blocks = [1, 2, 3, 4, 5].map(block);
    const check = (view: ReplicaStore) => {
      for (const { height, results } of blocks.slice(0, written)) {
        for (const index of [0, 2, perBlock - 1]) expect(view.getTx(results[index]!.hash)).toEqual({ ...results[index]!, height, index });
      }
      expect(view.getTx(retried)).toEqual(written >= 5 ? { hash: retried, height: 5, index: 1, code: 'OK' } : { hash: retried, height: 1, index: 1, code: 'INSUFFICIENT_FUNDS' });
      expect(view.getTx(hash(shared, 99))).toBeNull();
    };
    let written = 0;
    for (const next of blocks) {
      store.persist(batchOf([next]));
      written += 1;
      check(store); // blocks 1-3 flush at the third; 4-5 stay in memory
    }
    store.close();
    const reopened = open(dir);
    check(reopened); // 4-5 rebuilt from their results
    // The flush inserts rows a statement-full at a time and the rest one by one: all of blocks 1-3 are in the
    // index, and a sample across them (in key order, the last rows among them) is found where it is.
    reopened.close();
    const db = openDatabase(join(dir, 'replica.sqlite'));
    expect(db.prepare('SELECT count(*) FROM tx_index').pluck().get()).toBe(3 * perBlock);
    db.close();
    const again = open(dir);
    const flushed = blocks.slice(0, 3).flatMap(({ height, results }) => results.map((result, index) => ({ ...result, height, index })));
    flushed.sort((a, b) => (a.hash < b.hash ? -1 : 1));
    for (const [position, tx] of flushed.entries()) {
      if (tx.hash !== retried && (position % 97 === 0 || position >= flushed.length - 8)) expect(again.getTx(tx.hash)).toEqual(tx);
    }
    expect(again.recentTxHashes(3)).toEqual([...blocks[4]!.results].reverse().slice(0, 3).map((result) => result.hash));
  });

  it('flushes the index after a bound on blocks too, so small blocks do not pile up unindexed', () => {
    const dir = freshDir();
    const store = open(dir);
    const count = 4_100;
    for (let height = 1; height <= count; height++) store.persist(batchOf([{ height, results: [{ hash: hash(height.toString(16).padStart(12, '0'), height), code: 'OK' }] }]));
    store.close();
    const db = openDatabase(join(dir, 'replica.sqlite'));
    const indexed = db.prepare('SELECT indexed_height FROM tx_index_state').pluck().get() as number;
    db.close();
    expect(indexed).toBe(4_096);
    const reopened = open(dir);
    for (const height of [1, 4_096, 4_097, count]) {
      expect(reopened.getTx(hash(height.toString(16).padStart(12, '0'), height))).toEqual({ hash: hash(height.toString(16).padStart(12, '0'), height), height, index: 0, code: 'OK' });
    }
  });

  it('creates the database with the page size asked for, keeps an existing one, and refuses one SQLite has not', () => {
    const dir = freshDir();
    const path = join(dir, 'replica.sqlite');
    const pageSize = (db: ReturnType<typeof openDatabase>) => db.pragma('page_size', { simple: true }) as number;
    const created = openDatabase(path, { pageSize: 16_384 });
    createReplicaStore(created);
    expect(pageSize(created)).toBe(16_384);
    created.close();
    const reopened = openDatabase(path, { pageSize: 4_096 });
    expect(pageSize(reopened)).toBe(16_384);
    reopened.close();
    for (const bad of [0, 1_000, 256, 131_072, 16_384.5]) {
      expect(() => openDatabase(join(dir, `bad-${bad}.sqlite`), { pageSize: bad })).toThrow(/page size/);
      expect(existsSync(join(dir, `bad-${bad}.sqlite`))).toBe(false); // refused before anything is opened
    }
  });

  it('refuses a malformed hash without writing anything', () => {
    const store = open(freshDir());
    expect(() => store.persist(batchOf([{ height: 1, results: [{ hash: 'zz'.repeat(32), code: 'OK' }] }]))).toThrow(/not 64 hex/);
    expect(store.getBlock(1)).toBeNull();
    expect(store.loadProtocol()).toBeNull();
  });

  it('refuses a data directory of another schema version', () => {
    const dir = freshDir();
    const db = openDatabase(join(dir, 'replica.sqlite'));
    db.exec('CREATE TABLE txs (hash TEXT)'); // what an older replica left, user_version 0
    db.close();
    expect(() => open(dir)).toThrow(new RegExp(`schema version 0, this replica reads version ${REPLICA_SCHEMA_VERSION}`));
  });
});
