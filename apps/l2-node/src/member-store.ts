// The member's repository. Each batch of core steps is written in ONE SQLite
// transaction — the core's state, what changed in its payment sets, new
// certificates, and the batch's effects that must survive a crash (messages
// to peers, L1 transactions) — before any effect is carried out ("persist,
// then act", DESIGN §1). The ever-growing set of applied payment ids and the
// pending payments live in their own tables and are written as differences,
// so a step does not re-serialize them.
import type { SqliteDatabase } from '@wedge/store';

export type StoredL1Job = { id: number; channelId: string; action: string; certificate: string | null };
export type StoredOutboxMessage = { id: number; peer: number; message: string };
export type StoredCertificate = { version: number; state: string; signatures: string };

export type MemberPersistBatch = {
  /** The core state without its payment sets and in-flight proposal body. */
  state: Uint8Array;
  /** The in-flight proposal's body when it changed (null: none now); undefined when unchanged. */
  inFlight: { hash: string; proposal: Uint8Array } | null | undefined;
  pendingAdded: readonly { paymentId: string; payment: Uint8Array }[];
  pendingRemoved: readonly string[];
  applied: readonly string[];
  certificates: readonly StoredCertificate[];
  outbox: readonly { peer: number; message: string }[];
  l1Jobs: readonly { channelId: string; action: string; certificate: string | null }[];
};

export type MemberPersistResult = { outboxIds: number[]; l1JobIds: number[] };

export type LoadedMember = {
  state: Uint8Array;
  inFlight: { hash: string; proposal: Uint8Array } | null;
  pending: { paymentId: string; payment: Uint8Array }[];
  applied: string[];
};

export interface MemberStore {
  /** The channel this data directory belongs to (JSON), written once. */
  loadConfig(): string | null;
  saveConfig(config: string): void;
  load(): LoadedMember | null;
  persist(batch: MemberPersistBatch): MemberPersistResult;
  certificate(version: number): StoredCertificate | null;
  /** Every certificate, oldest first (tests and audits; bounded by the caller). */
  certificates(fromVersion: number, limit: number): StoredCertificate[];
  outbox(): StoredOutboxMessage[];
  /** Messages the peer acknowledged (it persisted them). */
  deliveredOutbox(ids: readonly number[]): void;
  l1Jobs(): StoredL1Job[];
  l1JobDone(id: number): void;
  close(): void;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS member_state (id INTEGER PRIMARY KEY CHECK (id = 1), state BLOB NOT NULL);
  CREATE TABLE IF NOT EXISTS in_flight (id INTEGER PRIMARY KEY CHECK (id = 1), hash TEXT NOT NULL, proposal BLOB NOT NULL);
  CREATE TABLE IF NOT EXISTS applied (payment_id TEXT PRIMARY KEY) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS pending (seq INTEGER PRIMARY KEY AUTOINCREMENT, payment_id TEXT NOT NULL UNIQUE, payment BLOB NOT NULL);
  CREATE TABLE IF NOT EXISTS certificates (version INTEGER PRIMARY KEY, state TEXT NOT NULL, signatures TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, peer INTEGER NOT NULL, message TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS l1_jobs (id INTEGER PRIMARY KEY AUTOINCREMENT, channel_id TEXT NOT NULL, action TEXT NOT NULL, certificate TEXT);
`;

export function createMemberStore(db: SqliteDatabase): MemberStore {
  db.exec(SCHEMA);
  const selectConfig = db.prepare("SELECT value FROM meta WHERE key = 'channel'").pluck();
  const insertConfig = db.prepare("INSERT INTO meta (key, value) VALUES ('channel', ?)");
  const putState = db.prepare('INSERT INTO member_state (id, state) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state');
  const selectState = db.prepare('SELECT state FROM member_state WHERE id = 1').pluck();
  const putInFlight = db.prepare(
    'INSERT INTO in_flight (id, hash, proposal) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET hash = excluded.hash, proposal = excluded.proposal',
  );
  const deleteInFlight = db.prepare('DELETE FROM in_flight');
  const selectInFlight = db.prepare('SELECT hash, proposal FROM in_flight WHERE id = 1');
  const insertPending = db.prepare('INSERT OR REPLACE INTO pending (payment_id, payment) VALUES (?, ?)');
  const deletePending = db.prepare('DELETE FROM pending WHERE payment_id = ?');
  const selectPending = db.prepare('SELECT payment_id AS paymentId, payment FROM pending ORDER BY seq');
  const insertApplied = db.prepare('INSERT OR IGNORE INTO applied (payment_id) VALUES (?)');
  const selectApplied = db.prepare('SELECT payment_id FROM applied').pluck();
  // A certificate is final: writing one twice (a resent certificate) keeps the first.
  const insertCertificate = db.prepare('INSERT OR IGNORE INTO certificates (version, state, signatures) VALUES (?, ?, ?)');
  const selectCertificate = db.prepare('SELECT version, state, signatures FROM certificates WHERE version = ?');
  const selectCertificates = db.prepare('SELECT version, state, signatures FROM certificates WHERE version >= ? ORDER BY version LIMIT ?');
  const insertOutbox = db.prepare('INSERT INTO outbox (peer, message) VALUES (?, ?)');
  const deleteOutbox = db.prepare('DELETE FROM outbox WHERE id = ?');
  const selectOutbox = db.prepare('SELECT id, peer, message FROM outbox ORDER BY id');
  const insertJob = db.prepare('INSERT INTO l1_jobs (channel_id, action, certificate) VALUES (?, ?, ?)');
  const deleteJob = db.prepare('DELETE FROM l1_jobs WHERE id = ?');
  const selectJobs = db.prepare('SELECT id, channel_id AS channelId, action, certificate FROM l1_jobs ORDER BY id');

  const persist = db.transaction((batch: MemberPersistBatch): MemberPersistResult => {
    putState.run(batch.state);
    if (batch.inFlight === null) deleteInFlight.run();
    else if (batch.inFlight !== undefined) putInFlight.run(batch.inFlight.hash, batch.inFlight.proposal);
    for (const id of batch.pendingRemoved) deletePending.run(id);
    for (const { paymentId, payment } of batch.pendingAdded) insertPending.run(paymentId, payment);
    for (const id of batch.applied) insertApplied.run(id);
    for (const certificate of batch.certificates) insertCertificate.run(certificate.version, certificate.state, certificate.signatures);
    const outboxIds = batch.outbox.map((entry) => Number(insertOutbox.run(entry.peer, entry.message).lastInsertRowid));
    const l1JobIds = batch.l1Jobs.map((job) => Number(insertJob.run(job.channelId, job.action, job.certificate).lastInsertRowid));
    return { outboxIds, l1JobIds };
  });
  const delivered = db.transaction((ids: readonly number[]) => {
    for (const id of ids) deleteOutbox.run(id);
  });

  return {
    loadConfig: () => (selectConfig.get() as string | undefined) ?? null,
    saveConfig: (config) => void insertConfig.run(config),
    load() {
      const state = selectState.get() as Buffer | undefined;
      if (state === undefined) return null;
      const inFlight = (selectInFlight.get() as { hash: string; proposal: Buffer } | undefined) ?? null;
      return {
        state,
        inFlight,
        pending: selectPending.all() as { paymentId: string; payment: Buffer }[],
        applied: selectApplied.all() as string[],
      };
    },
    persist: (batch) => persist(batch),
    certificate: (version) => (selectCertificate.get(version) as StoredCertificate | undefined) ?? null,
    certificates: (fromVersion, limit) => selectCertificates.all(fromVersion, limit) as StoredCertificate[],
    outbox: () => selectOutbox.all() as StoredOutboxMessage[],
    deliveredOutbox: (ids) => delivered(ids),
    l1Jobs: () => selectJobs.all() as StoredL1Job[],
    l1JobDone: (id) => void deleteJob.run(id),
    close: () => db.close(),
  };
}
