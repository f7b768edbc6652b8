// The L1 replica's repository. A replica persists each batch of steps — its
// protocol state, the blocks it executed, and a new stable snapshot — in ONE
// transaction before any of the batch's messages leave the process
// ("persist, then act", DESIGN §1). Values are opaque bytes: the replica
// shell decides their encoding.
import type { SqliteDatabase } from './sqlite.ts';

export type StoredBlock = { height: number; block: Uint8Array; certificate: Uint8Array };
export type StoredTx = { hash: string; height: number; index: number; code: string };
export type StoredSnapshot = { seq: number; root: string; state: Uint8Array };

export type StoredProposal = { digest: string; height: number; block: Uint8Array };

export type PersistBatch = {
  protocol: Uint8Array;
  /** Proposed blocks the protocol state refers to by digest, written once. */
  proposals: readonly StoredProposal[];
  blocks: readonly (StoredBlock & { txs: readonly StoredTx[] })[];
  snapshot: StoredSnapshot | null;
  /** When set: drop proposals at or below this height except the ones still referenced. */
  prune: { belowOrAt: number; keep: readonly string[] } | null;
};

export interface ReplicaStore {
  persist(batch: PersistBatch): void;
  loadProtocol(): Uint8Array | null;
  loadSnapshot(): StoredSnapshot | null;
  loadProposal(digest: string): Uint8Array | null;
  getBlock(height: number): StoredBlock | null;
  /** Blocks in [fromHeight, toHeight], in height order. */
  getBlocks(fromHeight: number, toHeight: number): StoredBlock[];
  getTx(hash: string): StoredTx | null;
  blockResults(height: number): StoredTx[];
  /** Hashes of the most recently executed transactions, newest first. */
  recentTxHashes(limit: number): string[];
  close(): void;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS protocol (id INTEGER PRIMARY KEY CHECK (id = 1), state BLOB NOT NULL);
  CREATE TABLE IF NOT EXISTS snapshot (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, root TEXT NOT NULL, state BLOB NOT NULL);
  CREATE TABLE IF NOT EXISTS proposals (digest TEXT PRIMARY KEY, height INTEGER NOT NULL, block BLOB NOT NULL);
  CREATE TABLE IF NOT EXISTS blocks (height INTEGER PRIMARY KEY, block BLOB NOT NULL, certificate BLOB NOT NULL);
  CREATE TABLE IF NOT EXISTS txs (hash TEXT NOT NULL, height INTEGER NOT NULL REFERENCES blocks(height), idx INTEGER NOT NULL, code TEXT NOT NULL, PRIMARY KEY (height, idx));
  CREATE INDEX IF NOT EXISTS txs_by_hash ON txs (hash);
`;

export function createReplicaStore(db: SqliteDatabase): ReplicaStore {
  db.exec(SCHEMA);
  const putProtocol = db.prepare('INSERT INTO protocol (id, state) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state');
  const putSnapshot = db.prepare(
    'INSERT INTO snapshot (id, seq, root, state) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, root = excluded.root, state = excluded.state',
  );
  // A block is final once certified: writing it twice (after a restart) keeps the first copy.
  const putBlock = db.prepare('INSERT OR IGNORE INTO blocks (height, block, certificate) VALUES (?, ?, ?)');
  const putTx = db.prepare('INSERT OR IGNORE INTO txs (hash, height, idx, code) VALUES (?, ?, ?, ?)');
  const putProposal = db.prepare('INSERT OR IGNORE INTO proposals (digest, height, block) VALUES (?, ?, ?)');
  const pruneProposals = db.prepare('DELETE FROM proposals WHERE height <= ? AND digest NOT IN (SELECT value FROM json_each(?))');
  const selectProposal = db.prepare('SELECT block FROM proposals WHERE digest = ?').pluck();
  const selectProtocol = db.prepare('SELECT state FROM protocol WHERE id = 1');
  const selectSnapshot = db.prepare('SELECT seq, root, state FROM snapshot WHERE id = 1');
  const selectBlock = db.prepare('SELECT height, block, certificate FROM blocks WHERE height = ?');
  const selectBlocks = db.prepare('SELECT height, block, certificate FROM blocks WHERE height BETWEEN ? AND ? ORDER BY height');
  // The executed (latest) occurrence wins if a hash appears twice (a duplicate is rejected there).
  const selectTx = db.prepare('SELECT hash, height, idx AS "index", code FROM txs WHERE hash = ? ORDER BY height ASC, idx ASC');
  const selectRecent = db.prepare('SELECT hash FROM txs ORDER BY height DESC, idx DESC LIMIT ?').pluck();
  const selectResults = db.prepare('SELECT hash, height, idx AS "index", code FROM txs WHERE height = ? ORDER BY idx');

  const persist = db.transaction((batch: PersistBatch) => {
    for (const proposal of batch.proposals) putProposal.run(proposal.digest, proposal.height, proposal.block);
    putProtocol.run(batch.protocol);
    for (const block of batch.blocks) {
      putBlock.run(block.height, block.block, block.certificate);
      for (const tx of block.txs) putTx.run(tx.hash, tx.height, tx.index, tx.code);
    }
    if (batch.snapshot !== null) putSnapshot.run(batch.snapshot.seq, batch.snapshot.root, batch.snapshot.state);
    if (batch.prune !== null) pruneProposals.run(batch.prune.belowOrAt, JSON.stringify(batch.prune.keep));
  });

  const toBlock = (row: { height: number; block: Buffer; certificate: Buffer }): StoredBlock => ({
    height: row.height,
    block: row.block,
    certificate: row.certificate,
  });

  return {
    persist: (batch) => persist(batch),
    loadProtocol: () => (selectProtocol.get() as { state: Buffer } | undefined)?.state ?? null,
    loadProposal: (digest) => (selectProposal.get(digest) as Buffer | undefined) ?? null,
    loadSnapshot: () => (selectSnapshot.get() as StoredSnapshot | undefined) ?? null,
    getBlock: (height) => {
      const row = selectBlock.get(height) as { height: number; block: Buffer; certificate: Buffer } | undefined;
      return row === undefined ? null : toBlock(row);
    },
    getBlocks: (from, to) => (selectBlocks.all(from, to) as { height: number; block: Buffer; certificate: Buffer }[]).map(toBlock),
    getTx: (hash) => {
      const rows = selectTx.all(hash) as StoredTx[];
      return rows.find((row) => row.code === 'OK') ?? rows[0] ?? null;
    },
    blockResults: (height) => selectResults.all(height) as StoredTx[],
    recentTxHashes: (limit) => selectRecent.all(limit) as string[],
    close: () => db.close(),
  };
}
