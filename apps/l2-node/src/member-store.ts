// The member's repository. Each batch of core steps is written in ONE SQLite
// transaction — the core's state, the payments of the proposal it signed
// last, new certificates with the ids of the payments each applied, the
// forwarded payments waiting here, and the batch's effects that must survive
// a crash (messages to peers, L1 transactions) — before any effect is carried
// out ("persist, then act", DESIGN §1).
//
// What a row per payment would cost is kept off the hot path: the signed
// proposal's payments are one blob written once per signature, and which
// payments are applied is the core's bounded seq windows, in the state blob.
// Certificates are kept, the newest CERTIFICATES_KEPT of them: the member's
// record of the states it certified, for a dispute (only the newest matters
// there) and for whoever asks for an older one (GET /v1/channel/states/:v);
// older ones are deleted as new ones come, so the table does not grow with
// the channel's age (its pages are reused: the file levels off).
import type { SqliteDatabase } from '@wedge/store';

/** Certificates kept per member: a few minutes of traffic at full speed, some megabytes. */
export const CERTIFICATES_KEPT = 10_000;

export type StoredL1Job = { id: number; channelId: string; action: string; certificate: string | null };
export type StoredOutboxMessage = { id: number; peer: number; message: string };
export type StoredCertificate = { version: number; state: string; signatures: string };
export type CertificateRow = StoredCertificate;

export type MemberPersistBatch = {
  /** The core state without its payment sets and the signed proposal's payments. */
  state: Uint8Array;
  /** The signed proposal's payments when the signed state changed; undefined when unchanged. */
  signedPayments: { hash: string; payments: Uint8Array } | undefined;
  pendingAdded: readonly { paymentId: string; payment: Uint8Array }[];
  pendingRemoved: readonly string[];
  certificates: readonly CertificateRow[];
  outbox: readonly { peer: number; message: string }[];
  /** Outbox ids their peers acknowledged since the last batch, deleted with it (one transaction fewer per envelope). */
  outboxDelivered?: readonly number[];
  l1Jobs: readonly { channelId: string; action: string; certificate: string | null }[];
};

export type MemberPersistResult = { outboxIds: number[]; l1JobIds: number[] };

export type LoadedMember = {
  state: Uint8Array;
  signedPayments: { hash: string; payments: Uint8Array } | null;
  pending: { paymentId: string; payment: Uint8Array }[];
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

/** Bumped whenever a table changes meaning; a data directory of another version is refused, not misread. */
// 5: channel states carry deposited and withdrawn (issue 16), which changes their
// signed encoding, so no certificate of a schema-4 directory verifies any more:
// such a directory cannot be migrated, only refused.
const SCHEMA_VERSION = '5';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS member_state (id INTEGER PRIMARY KEY CHECK (id = 1), state BLOB NOT NULL);
  CREATE TABLE IF NOT EXISTS signed_payments (id INTEGER PRIMARY KEY CHECK (id = 1), hash TEXT NOT NULL, payments BLOB NOT NULL);
  CREATE TABLE IF NOT EXISTS pending (seq INTEGER PRIMARY KEY AUTOINCREMENT, payment_id TEXT NOT NULL UNIQUE, payment BLOB NOT NULL);
  CREATE TABLE IF NOT EXISTS certificates (version INTEGER PRIMARY KEY, state TEXT NOT NULL, signatures TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, peer INTEGER NOT NULL, message TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS l1_jobs (id INTEGER PRIMARY KEY AUTOINCREMENT, channel_id TEXT NOT NULL, action TEXT NOT NULL, certificate TEXT);
`;

function checkSchemaVersion(db: SqliteDatabase): void {
  const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get() !== undefined;
  const found = hasMeta ? (db.prepare("SELECT value FROM meta WHERE key = 'schema'").pluck().get() as string | undefined) : undefined;
  const isEmpty = !hasMeta || db.prepare('SELECT COUNT(*) FROM meta').pluck().get() === 0;
  if (found === undefined && !isEmpty) throw new Error(`member data directory written by an older Wedge (no schema version; this one writes ${SCHEMA_VERSION}): start with a new data directory`);
  if (found !== undefined && found !== SCHEMA_VERSION) throw new Error(`member data directory has schema ${found}, this Wedge reads ${SCHEMA_VERSION}`);
}

export function createMemberStore(db: SqliteDatabase): MemberStore {
  checkSchemaVersion(db);
  db.exec(SCHEMA);
  db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', ?)").run(SCHEMA_VERSION);
  const selectConfig = db.prepare("SELECT value FROM meta WHERE key = 'channel'").pluck();
  const insertConfig = db.prepare("INSERT INTO meta (key, value) VALUES ('channel', ?)");
  const putState = db.prepare('INSERT INTO member_state (id, state) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state');
  const selectState = db.prepare('SELECT state FROM member_state WHERE id = 1').pluck();
  const putSigned = db.prepare(
    'INSERT INTO signed_payments (id, hash, payments) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET hash = excluded.hash, payments = excluded.payments',
  );
  const selectSigned = db.prepare('SELECT hash, payments FROM signed_payments WHERE id = 1');
  const insertPending = db.prepare('INSERT OR REPLACE INTO pending (payment_id, payment) VALUES (?, ?)');
  const deletePending = db.prepare('DELETE FROM pending WHERE payment_id = ?');
  const selectPending = db.prepare('SELECT payment_id AS paymentId, payment FROM pending ORDER BY seq');
  // A certificate is final: writing one twice (a resent certificate) keeps the first.
  const insertCertificate = db.prepare('INSERT OR IGNORE INTO certificates (version, state, signatures) VALUES (?, ?, ?)');
  const selectCertificate = db.prepare('SELECT version, state, signatures FROM certificates WHERE version = ?');
  const selectCertificates = db.prepare('SELECT version, state, signatures FROM certificates WHERE version >= ? ORDER BY version LIMIT ?');
  const pruneCertificates = db.prepare('DELETE FROM certificates WHERE version <= ?');
  const insertOutbox = db.prepare('INSERT INTO outbox (peer, message) VALUES (?, ?)');
  const deleteOutbox = db.prepare('DELETE FROM outbox WHERE id = ?');
  const selectOutbox = db.prepare('SELECT id, peer, message FROM outbox ORDER BY id');
  const insertJob = db.prepare('INSERT INTO l1_jobs (channel_id, action, certificate) VALUES (?, ?, ?)');
  const deleteJob = db.prepare('DELETE FROM l1_jobs WHERE id = ?');
  const selectJobs = db.prepare('SELECT id, channel_id AS channelId, action, certificate FROM l1_jobs ORDER BY id');

  const persist = db.transaction((batch: MemberPersistBatch): MemberPersistResult => {
    putState.run(batch.state);
    if (batch.signedPayments !== undefined) putSigned.run(batch.signedPayments.hash, batch.signedPayments.payments);
    for (const id of batch.pendingRemoved) deletePending.run(id);
    for (const { paymentId, payment } of batch.pendingAdded) insertPending.run(paymentId, payment);
    let newest = 0;
    for (const row of batch.certificates) {
      insertCertificate.run(row.version, row.state, row.signatures);
      newest = Math.max(newest, row.version);
    }
    if (newest > CERTIFICATES_KEPT) pruneCertificates.run(newest - CERTIFICATES_KEPT);
    for (const id of batch.outboxDelivered ?? []) deleteOutbox.run(id);
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
      return {
        state,
        signedPayments: (selectSigned.get() as { hash: string; payments: Buffer } | undefined) ?? null,
        pending: selectPending.all() as { paymentId: string; payment: Buffer }[],
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
