// The member store keeps the newest CERTIFICATES_KEPT certificates and no
// more: older ones go as newer ones are written, so the table stops growing
// with the channel's age, and the file with it (SQLite reuses the freed
// pages) — while the newest, the one a dispute needs, is always there.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '@wedge/store';
import { afterEach, describe, expect, it } from 'vitest';
import { CERTIFICATES_KEPT, createMemberStore, type MemberPersistBatch } from '../src/member-store.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function batchOf(versions: readonly number[]): MemberPersistBatch {
  const padding = 'ab'.repeat(200); // about the size of a 2-member certificate's state and signatures
  return {
    state: new Uint8Array([1]),
    signedPayments: undefined,
    pendingAdded: [],
    pendingRemoved: [],
    certificates: versions.map((version) => ({ version, state: `{"version":${version},"p":"${padding}"}`, signatures: `["${padding}"]` })),
    outbox: [],
    l1Jobs: [],
  };
}

describe('member store certificates', () => {
  it('keeps the newest CERTIFICATES_KEPT, and the file levels off', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wedge-member-store-'));
    dirs.push(dir);
    const path = join(dir, 'member.sqlite');
    const db = openDatabase(path);
    const store = createMemberStore(db);
    const sizeAt: number[] = [];
    let version = 0;
    const rounds = 4;
    for (let round = 0; round < rounds; round++) {
      for (let batch = 0; batch < CERTIFICATES_KEPT / 100; batch++) store.persist(batchOf(Array.from({ length: 100 }, () => ++version)));
      db.pragma('wal_checkpoint(TRUNCATE)');
      sizeAt.push(statSync(path).size);
    }
    expect(version).toBe(rounds * CERTIFICATES_KEPT);
    expect(store.certificate(version)?.version).toBe(version);
    expect(store.certificate(version - CERTIFICATES_KEPT + 1)?.version).toBe(version - CERTIFICATES_KEPT + 1);
    expect(store.certificate(version - CERTIFICATES_KEPT)).toBeNull();
    expect(store.certificates(0, 2 * CERTIFICATES_KEPT)).toHaveLength(CERTIFICATES_KEPT);
    // After the first round the table holds CERTIFICATES_KEPT rows each time: the file grows no more than a little.
    expect(sizeAt[rounds - 1]!).toBeLessThan(sizeAt[1]! * 1.2);
    db.close();
  });
});

describe('member store outbox', () => {
  it("deletes the acknowledged rows a batch carries in that batch's transaction, and keeps the rest", () => {
    const dir = mkdtempSync(join(tmpdir(), 'wedge-member-store-'));
    dirs.push(dir);
    const store = createMemberStore(openDatabase(join(dir, 'member.sqlite')));
    const message = (text: string) => ({ peer: 1, message: text });
    const { outboxIds } = store.persist({ ...batchOf([]), outbox: [message('a'), message('b'), message('c')] });
    expect(store.outbox().map((row) => row.message)).toEqual(['a', 'b', 'c']);
    store.persist({ ...batchOf([]), outbox: [message('d')], outboxDelivered: [outboxIds[0]!, outboxIds[2]!] });
    expect(store.outbox().map((row) => row.message)).toEqual(['b', 'd']);
    store.deliveredOutbox([outboxIds[1]!]);
    expect(store.outbox().map((row) => row.message)).toEqual(['d']);
    store.close();
  });
});
