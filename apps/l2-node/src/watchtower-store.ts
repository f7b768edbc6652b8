// The watchtower's repository: one row per watched channel (its members and
// the best certificate pushed so far) and the L1 transactions it decided to
// send. Each batch of steps is written in ONE transaction before any of its
// effects is carried out, as in the member (member-store.ts).
import type { SqliteDatabase } from '@wedge/store';
import type { StoredL1Job } from './member-store.ts';

export type WatchtowerPersistBatch = {
  readonly channels: readonly { channelId: string; channel: Uint8Array }[];
  readonly l1Jobs: readonly { channelId: string; action: string; certificate: string | null }[];
};

export interface WatchtowerStore {
  loadChannels(): { channelId: string; channel: Uint8Array }[];
  persist(batch: WatchtowerPersistBatch): { l1JobIds: number[] };
  l1Jobs(): StoredL1Job[];
  l1JobDone(id: number): void;
  close(): void;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS watched (channel_id TEXT PRIMARY KEY, channel BLOB NOT NULL) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS l1_jobs (id INTEGER PRIMARY KEY AUTOINCREMENT, channel_id TEXT NOT NULL, action TEXT NOT NULL, certificate TEXT);
`;

export function createWatchtowerStore(db: SqliteDatabase): WatchtowerStore {
  db.exec(SCHEMA);
  const putChannel = db.prepare('INSERT INTO watched (channel_id, channel) VALUES (?, ?) ON CONFLICT (channel_id) DO UPDATE SET channel = excluded.channel');
  const selectChannels = db.prepare('SELECT channel_id AS channelId, channel FROM watched');
  const insertJob = db.prepare('INSERT INTO l1_jobs (channel_id, action, certificate) VALUES (?, ?, ?)');
  const deleteJob = db.prepare('DELETE FROM l1_jobs WHERE id = ?');
  const selectJobs = db.prepare('SELECT id, channel_id AS channelId, action, certificate FROM l1_jobs ORDER BY id');
  const persist = db.transaction((batch: WatchtowerPersistBatch) => {
    for (const { channelId, channel } of batch.channels) putChannel.run(channelId, channel);
    return { l1JobIds: batch.l1Jobs.map((job) => Number(insertJob.run(job.channelId, job.action, job.certificate).lastInsertRowid)) };
  });
  return {
    loadChannels: () => selectChannels.all() as { channelId: string; channel: Buffer }[],
    persist: (batch) => persist(batch),
    l1Jobs: () => selectJobs.all() as StoredL1Job[],
    l1JobDone: (id) => void deleteJob.run(id),
    close: () => db.close(),
  };
}
