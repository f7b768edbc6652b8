// The L1 replica's repository. A replica persists each batch of steps — its
// protocol state, the blocks it executed, and a new stable snapshot — in ONE
// transaction before any of the batch's messages leave the process
// ("persist, then act", DESIGN §1). Blocks, certificates, snapshots and the
// protocol state are opaque bytes (the replica shell decides their encoding);
// the store encodes only each block's results, which it indexes.
import { deserialize, serialize } from 'node:v8';
import type { SqliteDatabase } from './sqlite.ts';

export type StoredBlock = { height: number; block: Uint8Array; certificate: Uint8Array };
/** An executed block as written: its bytes are the proposal stored under `digest` (this batch or before). */
export type ExecutedBlock = { height: number; digest: string; certificate: Uint8Array; results: readonly { hash: string; code: string }[] };
/** One executed transaction: where it is and its result code. */
export type StoredTx = { hash: string; height: number; index: number; code: string };
export type StoredSnapshot = { seq: number; root: string; state: Uint8Array };

export type StoredProposal = { digest: string; height: number; block: Uint8Array };

/** A block of the past fetched from peers (its certificate checked): its bytes, certificate and results. */
export type BackfilledBlock = { height: number; digest: string; block: Uint8Array; certificate: Uint8Array; results: readonly { hash: string; code: string }[] };

/** Heights first..last (inclusive) that the replica executed without storing their blocks. */
export type HeightRange = { first: number; last: number };

export type PersistBatch = {
  /** The protocol state's core part, written whole. */
  protocol: Uint8Array;
  /** The protocol state's other parts, by key: those that changed, and those gone. */
  protocolParts: { put: readonly { key: string; bytes: Uint8Array }[]; removed: readonly string[] };
  /** Proposed blocks the protocol state refers to by digest, written once. */
  proposals: readonly StoredProposal[];
  /** Executed blocks with their transactions' hashes (64 hex) and result codes, in block order. */
  blocks: readonly ExecutedBlock[];
  snapshot: StoredSnapshot | null;
  /** When set: drop proposals at or below this height except the ones still referenced (executed blocks always are). */
  prune: { belowOrAt: number; keep: readonly string[] } | null;
};

export interface ReplicaStore {
  persist(batch: PersistBatch): void;
  /** The protocol state's core part and all its other parts, or null before the first batch. */
  loadProtocol(): { core: Uint8Array; parts: Map<string, Uint8Array> } | null;
  loadSnapshot(): StoredSnapshot | null;
  loadProposal(digest: string): Uint8Array | null;
  getBlock(height: number): StoredBlock | null;
  /** An executed block's certificate alone (without reading the block). */
  getCertificate(height: number): Uint8Array | null;
  /** Blocks in [fromHeight, toHeight], in height order. */
  getBlocks(fromHeight: number, toHeight: number): StoredBlock[];
  /** Where a transaction executed: its successful execution if it has one, else its first (rejected) one. */
  getTx(hash: string): StoredTx | null;
  blockResults(height: number): StoredTx[];
  /** Hashes of the most recently executed transactions, newest first. */
  recentTxHashes(limit: number): string[];
  /**
   * The heights in 1..executedHeight with no stored block, as ranges in
   * height order: blocks the replica skipped by installing a snapshot.
   */
  missingRanges(executedHeight: number): HeightRange[];
  /** Stores blocks of the past with their results, indexed at once, in one transaction. A height stored already keeps its block. */
  backfill(blocks: readonly BackfilledBlock[]): void;
  close(): void;
}

/**
 * Bumped when the tables change; a data directory of another version is
 * refused rather than misread. 2: a block's results in one row with the
 * block, its bytes stored once (as its proposal), and a compact transaction
 * index. 3: the protocol state in parts. 4: the index flushed in sorted batches.
 */
export const REPLICA_SCHEMA_VERSION = 4;

// A block's bytes are written once, as a proposal, when the replica first
// holds it; an executed block refers to them by digest (a foreign key, so they
// cannot be pruned from under it). Its results are one blob in its row (its transactions' hashes as
// 32-byte runs, and their codes), written with the block: a block of a
// thousand transactions is one row, not a thousand. Finding a transaction by
// hash goes through `tx_index`, keyed by the hash's first 48 bits (a number,
// so the index is small); a key can be shared by two transactions, so a
// lookup checks the full hash in the block's results. Hashes are random, so
// inserting each block's entries as it executes would touch a different index
// page per transaction (measured: 6.7 ms a block of 700 at 400k indexed, and
// growing); instead the store holds the entries of the blocks since the last
// flush in memory (and looks there too) and inserts them sorted, in one go,
// once INDEX_FLUSH_ENTRIES (or INDEX_FLUSH_BLOCKS) have gathered (1.6 ms a block). The index is
// derived from the blocks' results, so what was not flushed before a crash
// is rebuilt from them on open (`indexed_height` says where to start).
const SCHEMA = `
  CREATE TABLE protocol (id INTEGER PRIMARY KEY CHECK (id = 1), state BLOB NOT NULL);
  CREATE TABLE protocol_parts (key TEXT PRIMARY KEY, bytes BLOB NOT NULL) WITHOUT ROWID;
  CREATE TABLE snapshot (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, root TEXT NOT NULL, state BLOB NOT NULL);
  CREATE TABLE proposals (digest TEXT PRIMARY KEY, height INTEGER NOT NULL, block BLOB NOT NULL);
  CREATE TABLE blocks (height INTEGER PRIMARY KEY, digest TEXT NOT NULL REFERENCES proposals (digest), certificate BLOB NOT NULL, results BLOB NOT NULL);
  CREATE INDEX blocks_by_digest ON blocks (digest);
  CREATE TABLE tx_index (prefix INTEGER NOT NULL, height INTEGER NOT NULL, idx INTEGER NOT NULL, PRIMARY KEY (prefix, height, idx)) WITHOUT ROWID;
  CREATE TABLE tx_index_state (id INTEGER PRIMARY KEY CHECK (id = 1), indexed_height INTEGER NOT NULL);
  INSERT INTO tx_index_state (id, indexed_height) VALUES (1, 0);
`;

/**
 * The page size a replica's database is created with. Most of what a replica
 * writes is its blocks' bytes (about 400 bytes a transfer, 400 KB a full
 * block), each block in one commit, twice (to the WAL, then checkpointed into
 * the database), and SQLite writes a page at a time: with 4 KB pages a block
 * is ~100 pages, each written twice, and the kernel's side of those writes
 * was most of a commit's CPU (measured: a 412 KB commit 1.28 ms of CPU at 4 KB pages, 0.68 ms at
 * 16 KB; the in-process harness, scripts/l1-inproc.ts, 360 → 347 µs of CPU a
 * committed transaction over four replicas).
 */
export const REPLICA_DB_PAGE_SIZE = 16_384;

/** Index entries gathered in memory before they are inserted into tx_index together. */
export const INDEX_FLUSH_ENTRIES = 16_384;
/** Rows a statement of the index flush inserts (3 parameters each; SQLite allows 32,766 a statement). */
const INDEX_INSERT_ROWS = 256;
/** Blocks at most between flushes, so that reopening reads a bounded number of results (idle blocks carry none). */
const INDEX_FLUSH_BLOCKS = 4_096;

/** A block's results as the index needs them: its transactions' hashes and codes, in block order. */
type BlockResults = { readonly height: number; readonly results: readonly { readonly hash: string; readonly code: string }[] };

/**
 * Index entries not yet in tx_index: the executed blocks since the last flush,
 * in order, as their results arrived (nothing per transaction is built as a
 * block is written), and a map by hash over the first `mapped` of them, built
 * only when a lookup asks.
 */
type Unindexed = { blocks: BlockResults[]; entries: number; byHash: Map<string, StoredTx[]>; mapped: number; height: number };

const HASH_BYTES = 32;

/** A transaction hash's index key: its first 48 bits, a safe integer. */
function prefixOf(hash: string): number {
  return Number.parseInt(hash.slice(0, 12), 16);
}

type Results = { hashes: Uint8Array; codes: string[] };

function encodeResults(results: readonly { hash: string; code: string }[]): Uint8Array {
  const hashes = Buffer.allocUnsafe(results.length * HASH_BYTES);
  const codes: string[] = new Array(results.length);
  for (let index = 0; index < results.length; index++) {
    const { hash, code } = results[index]!;
    if (hashes.write(hash, index * HASH_BYTES, HASH_BYTES, 'hex') !== HASH_BYTES || hash.length !== HASH_BYTES * 2) {
      throw new TypeError(`replica store: transaction hash ${JSON.stringify(hash)} is not 64 hex characters`);
    }
    codes[index] = code;
  }
  return serialize({ hashes, codes } satisfies Results);
}

function decodeResults(bytes: Uint8Array): Results {
  return deserialize(bytes) as Results;
}

function hashAt(results: Results, index: number): string {
  return Buffer.from(results.hashes.buffer, results.hashes.byteOffset + index * HASH_BYTES, HASH_BYTES).toString('hex');
}

function storedTxs(height: number, results: Results): StoredTx[] {
  return results.codes.map((code, index) => ({ hash: hashAt(results, index), height, index, code }));
}

function openSchema(db: SqliteDatabase): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  const tables = db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table'").pluck().get() as number;
  if (tables === 0) {
    db.transaction(() => {
      db.exec(SCHEMA);
      db.pragma(`user_version = ${REPLICA_SCHEMA_VERSION}`);
    })();
    return;
  }
  if (version !== REPLICA_SCHEMA_VERSION) {
    throw new Error(
      `replica store: the data directory holds schema version ${version}, this replica reads version ${REPLICA_SCHEMA_VERSION}; ` +
        'start it with a fresh data directory (it catches up from its peers)',
    );
  }
}

export function createReplicaStore(db: SqliteDatabase): ReplicaStore {
  openSchema(db);
  const putProtocol = db.prepare('INSERT INTO protocol (id, state) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state');
  const putSnapshot = db.prepare(
    'INSERT INTO snapshot (id, seq, root, state) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, root = excluded.root, state = excluded.state',
  );
  const putBlock = db.prepare('INSERT OR IGNORE INTO blocks (height, digest, certificate, results) VALUES (?, ?, ?, ?)');
  const putTx = db.prepare('INSERT OR IGNORE INTO tx_index (prefix, height, idx) VALUES (?, ?, ?)');
  const putTxs = db.prepare(`INSERT OR IGNORE INTO tx_index (prefix, height, idx) VALUES ${Array(INDEX_INSERT_ROWS).fill('(?, ?, ?)').join(', ')}`);
  /**
   * The blocks' entries into tx_index in key order (each index page is
   * visited once), INDEX_INSERT_ROWS to a statement: the keys sort as numbers
   * in typed arrays, and one call per row into SQLite was half the cost.
   */
  const insertIndexEntries = (blocks: readonly BlockResults[]): void => {
    const count = blocks.reduce((sum, block) => sum + block.results.length, 0);
    const prefixes = new Float64Array(count);
    const heights = new Float64Array(count);
    const indexes = new Uint32Array(count);
    let at = 0;
    for (const { height, results } of blocks) {
      for (let index = 0; index < results.length; index++, at++) {
        prefixes[at] = prefixOf(results[index]!.hash);
        heights[at] = height;
        indexes[at] = index;
      }
    }
    const order = new Uint32Array(count);
    for (let entry = 0; entry < count; entry++) order[entry] = entry;
    order.sort((a, b) => prefixes[a]! - prefixes[b]! || heights[a]! - heights[b]! || indexes[a]! - indexes[b]!);
    const rows: number[] = new Array(INDEX_INSERT_ROWS * 3);
    let position = 0;
    for (; position + INDEX_INSERT_ROWS <= count; position += INDEX_INSERT_ROWS) {
      for (let offset = 0; offset < INDEX_INSERT_ROWS; offset++) {
        const entry = order[position + offset]!;
        rows[3 * offset] = prefixes[entry]!;
        rows[3 * offset + 1] = heights[entry]!;
        rows[3 * offset + 2] = indexes[entry]!;
      }
      putTxs.run(rows);
    }
    for (; position < count; position++) {
      const entry = order[position]!;
      putTx.run(prefixes[entry]!, heights[entry]!, indexes[entry]!);
    }
  };
  const putProposal = db.prepare('INSERT OR IGNORE INTO proposals (digest, height, block) VALUES (?, ?, ?)');
  const pruneProposals = db.prepare(
    'DELETE FROM proposals WHERE height <= ? AND digest NOT IN (SELECT value FROM json_each(?)) AND NOT EXISTS (SELECT 1 FROM blocks WHERE blocks.digest = proposals.digest)',
  );
  const selectProposal = db.prepare('SELECT block FROM proposals WHERE digest = ?').pluck();
  const selectProtocol = db.prepare('SELECT state FROM protocol WHERE id = 1');
  const putPart = db.prepare('INSERT INTO protocol_parts (key, bytes) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET bytes = excluded.bytes');
  const deletePart = db.prepare('DELETE FROM protocol_parts WHERE key = ?');
  const selectParts = db.prepare('SELECT key, bytes FROM protocol_parts ORDER BY key');
  const selectSnapshot = db.prepare('SELECT seq, root, state FROM snapshot WHERE id = 1');
  const selectBlock = db.prepare('SELECT b.height, p.block, b.certificate FROM blocks b JOIN proposals p ON p.digest = b.digest WHERE b.height = ?');
  const selectBlocks = db.prepare(
    'SELECT b.height, p.block, b.certificate FROM blocks b JOIN proposals p ON p.digest = b.digest WHERE b.height BETWEEN ? AND ? ORDER BY b.height',
  );
  const selectResults = db.prepare('SELECT results FROM blocks WHERE height = ?').pluck();
  const selectCertificate = db.prepare('SELECT certificate FROM blocks WHERE height = ?').pluck();
  const selectRecent = db.prepare('SELECT results FROM blocks ORDER BY height DESC').pluck();
  const selectCandidates = db.prepare('SELECT height, idx FROM tx_index WHERE prefix = ? ORDER BY height, idx');
  const selectIndexedHeight = db.prepare('SELECT indexed_height FROM tx_index_state WHERE id = 1').pluck();
  const putIndexedHeight = db.prepare('UPDATE tx_index_state SET indexed_height = ? WHERE id = 1');
  const selectResultsAbove = db.prepare('SELECT height, results FROM blocks WHERE height > ? ORDER BY height');
  const selectInnerGaps = db.prepare(
    'SELECT height + 1 AS first, next - 1 AS last FROM (SELECT height, LEAD(height) OVER (ORDER BY height) AS next FROM blocks WHERE height <= ?) WHERE next > height + 1',
  );
  const selectHeightBounds = db.prepare('SELECT min(height) AS low, max(height) AS high FROM blocks WHERE height <= ?');

  const unindexed: Unindexed = { blocks: [], entries: 0, byHash: new Map(), mapped: 0, height: selectIndexedHeight.get() as number };
  const remember = (block: BlockResults): void => {
    unindexed.blocks.push(block);
    unindexed.entries += block.results.length;
    unindexed.height = Math.max(unindexed.height, block.height);
  };
  /** The unflushed transactions with this hash (the map catches up with the blocks first). */
  const unindexedTxs = (hash: string): readonly StoredTx[] => {
    for (; unindexed.mapped < unindexed.blocks.length; unindexed.mapped++) {
      const { height, results } = unindexed.blocks[unindexed.mapped]!;
      results.forEach(({ hash: key, code }, index) => {
        const tx = { hash: key, height, index, code };
        const known = unindexed.byHash.get(key);
        if (known === undefined) unindexed.byHash.set(key, [tx]);
        else known.push(tx);
      });
    }
    return unindexed.byHash.get(hash) ?? [];
  };
  // What the last run executed but did not flush.
  for (const row of selectResultsAbove.iterate(unindexed.height) as IterableIterator<{ height: number; results: Uint8Array }>) {
    remember({ height: row.height, results: storedTxs(row.height, decodeResults(row.results)) });
  }

  /** Writes a batch; returns the executed blocks' entries it wrote and whether it flushed the index. */
  const write = db.transaction((batch: PersistBatch): { written: BlockResults[]; flushed: boolean } => {
    for (const proposal of batch.proposals) putProposal.run(proposal.digest, proposal.height, proposal.block);
    putProtocol.run(batch.protocol);
    for (const { key, bytes } of batch.protocolParts.put) putPart.run(key, bytes);
    for (const key of batch.protocolParts.removed) deletePart.run(key);
    const written: BlockResults[] = [];
    for (const block of batch.blocks) {
      // A block is final once certified: writing it again (after a restart) keeps the first copy.
      if (putBlock.run(block.height, block.digest, block.certificate, encodeResults(block.results)).changes === 0) continue;
      written.push({ height: block.height, results: block.results });
    }
    if (batch.snapshot !== null) putSnapshot.run(batch.snapshot.seq, batch.snapshot.root, batch.snapshot.state);
    if (batch.prune !== null) pruneProposals.run(batch.prune.belowOrAt, JSON.stringify(batch.prune.keep));
    const gathered = unindexed.entries + written.reduce((sum, block) => sum + block.results.length, 0);
    if (gathered < INDEX_FLUSH_ENTRIES && unindexed.blocks.length + written.length < INDEX_FLUSH_BLOCKS) return { written, flushed: false };
    insertIndexEntries(unindexed.blocks.concat(written));
    putIndexedHeight.run(Math.max(unindexed.height, ...written.map((block) => block.height)));
    return { written, flushed: true };
  });

  // The in-memory entries change only once the transaction has committed.
  const persist = (batch: PersistBatch): void => {
    const { written, flushed } = write(batch);
    for (const block of written) remember(block);
    if (flushed) {
      unindexed.blocks = [];
      unindexed.entries = 0;
      unindexed.byHash.clear();
      unindexed.mapped = 0;
    }
  };

  // Backfilled blocks are few and lie below what is indexed: they go into the
  // index directly rather than through the batches of executed blocks.
  const writeBackfill = db.transaction((blocks: readonly BackfilledBlock[]) => {
    const written: BlockResults[] = [];
    for (const block of blocks) {
      putProposal.run(block.digest, block.height, block.block);
      if (putBlock.run(block.height, block.digest, block.certificate, encodeResults(block.results)).changes === 0) continue;
      written.push({ height: block.height, results: block.results });
    }
    insertIndexEntries(written);
  });

  const toBlock = (row: { height: number; block: Buffer; certificate: Buffer }): StoredBlock => ({
    height: row.height,
    block: row.block,
    certificate: row.certificate,
  });

  return {
    persist: (batch) => persist(batch),
    loadProtocol: () => {
      const core = (selectProtocol.get() as { state: Buffer } | undefined)?.state;
      if (core === undefined) return null;
      const parts = new Map((selectParts.all() as { key: string; bytes: Buffer }[]).map(({ key, bytes }) => [key, bytes as Uint8Array]));
      return { core, parts };
    },
    loadProposal: (digest) => (selectProposal.get(digest) as Buffer | undefined) ?? null,
    loadSnapshot: () => (selectSnapshot.get() as StoredSnapshot | undefined) ?? null,
    getBlock: (height) => {
      const row = selectBlock.get(height) as { height: number; block: Buffer; certificate: Buffer } | undefined;
      return row === undefined ? null : toBlock(row);
    },
    getCertificate: (height) => (selectCertificate.get(height) as Buffer | undefined) ?? null,
    getBlocks: (from, to) => (selectBlocks.all(from, to) as { height: number; block: Buffer; certificate: Buffer }[]).map(toBlock),
    getTx: (hash) => {
      if (!/^[0-9a-f]{64}$/.test(hash)) return null;
      const found: StoredTx[] = [...unindexedTxs(hash)];
      const decoded = new Map<number, Results | null>();
      for (const { height, idx } of selectCandidates.all(prefixOf(hash)) as { height: number; idx: number }[]) {
        if (!decoded.has(height)) {
          const bytes = selectResults.get(height) as Uint8Array | undefined;
          decoded.set(height, bytes === undefined ? null : decodeResults(bytes));
        }
        const results = decoded.get(height);
        if (results != null && hashAt(results, idx) === hash) found.push({ hash, height, index: idx, code: results.codes[idx]! });
      }
      found.sort((a, b) => a.height - b.height || a.index - b.index);
      return found.find((tx) => tx.code === 'OK') ?? found[0] ?? null;
    },
    blockResults: (height) => {
      const bytes = selectResults.get(height) as Uint8Array | undefined;
      if (bytes === undefined) return [];
      return storedTxs(height, decodeResults(bytes));
    },
    recentTxHashes: (limit) => {
      const hashes: string[] = [];
      if (limit <= 0) return hashes;
      for (const bytes of selectRecent.iterate() as IterableIterator<Uint8Array>) {
        const results = decodeResults(bytes);
        for (let index = results.codes.length - 1; index >= 0; index--) {
          hashes.push(hashAt(results, index));
          if (hashes.length >= limit) return hashes;
        }
      }
      return hashes;
    },
    missingRanges: (executedHeight) => {
      if (executedHeight < 1) return [];
      const { low, high } = selectHeightBounds.get(executedHeight) as { low: number | null; high: number | null };
      if (low === null || high === null) return [{ first: 1, last: executedHeight }];
      const ranges: HeightRange[] = [];
      if (low > 1) ranges.push({ first: 1, last: low - 1 });
      ranges.push(...(selectInnerGaps.all(executedHeight) as HeightRange[]));
      if (high < executedHeight) ranges.push({ first: high + 1, last: executedHeight });
      return ranges;
    },
    backfill: (blocks) => writeBackfill(blocks),
    close: () => db.close(),
  };
}
