// Proves how Wedge's costs grow, from the scale measurements (counts in the
// deterministic simulator, so exact and the same on every run):
// - L1: each replica checks each transaction's signature exactly once at any
//   n; PBFT's normal case sends 2(n-1) messages per block per replica
//   (O(n), so messages per transaction per replica grow no faster than n)
//   and checks about 2(n-1) votes per block; commit latency is the same
//   number of network delays at every n.
// - Ledger: one settle costs the same at 10,000 open channels as at 10
//   (within 2x); the state root is one hash over the whole state, so its
//   bytes grow with the channels. The count catches an O(channels) settle:
//   with the channels in a plain Map (walked by hasFrozenChannel, as before
//   the ledger's ChannelTable) the same measurement fails the 2x bound.
// - One channel: k signatures and k-1 checks per member per state; star
//   latency constant, chain latency k+1 delays.
import { describe, expect, it } from 'vitest';
import { runChannelScale } from '../src/scale/channel-scale.ts';
import { runL1Scale } from '../src/scale/l1-scale.ts';
import { runLedgerScale } from '../src/scale/ledger-scale.ts';

/** The genesis defaults that matter here (apps/l1-node DEFAULT_PARAMS). */
const CONSENSUS = { maxBlockTxs: 1_000, checkpointBlocks: 32, watermarkBlocks: 128, pipelineBlocks: 4 };

describe('scale: L1 replica set', () => {
  const rows = [4, 7, 16].map((replicas) => ({
    loaded: runL1Scale({ replicas, accounts: 60, loadMs: 600, delayMs: 10, consensus: CONSENSUS }),
    idle: runL1Scale({ replicas, accounts: 2, loadMs: 600, delayMs: 10, consensus: CONSENSUS }),
  }));

  it('each replica checks each transaction signature exactly once, at every n', () => {
    for (const { loaded } of rows) {
      expect(loaded.committedTxs).toBeGreaterThan(200);
      expect({ n: loaded.n, checks: loaded.txVerifiesPerTxPerReplica }).toEqual({ n: loaded.n, checks: 1 });
    }
  });

  it('sends 2(n-1) consensus messages and checks about 2(n-1) votes per block per replica: O(n)', () => {
    for (const { loaded } of rows) {
      const { n } = loaded;
      expect(loaded.consensusMsgsPerBlockPerReplica).toBe(2 * (n - 1));
      // Backups hear n-2 prepares and n-1 commits, the primary n-1 of each; heartbeats and checkpoints add a little.
      expect(loaded.voteVerifiesPerBlockPerReplica).toBeGreaterThanOrEqual(2 * n - 3);
      expect(loaded.voteVerifiesPerBlockPerReplica).toBeLessThanOrEqual(2 * n);
      expect(loaded.relayMsgsPerTx).toBe(n - 1);
      expect(loaded.viewChanges).toBe(0);
    }
  });

  it('messages per transaction per replica grow no faster than n', () => {
    const perN = rows.map(({ loaded }) => loaded.msgsPerTxPerReplica / loaded.n);
    for (let index = 1; index < perN.length; index++) expect(perN[index]!).toBeLessThanOrEqual(perN[index - 1]!);
    const bytesPerN = rows.map(({ loaded }) => loaded.bytesPerTxPerReplica / loaded.n);
    for (let index = 1; index < bytesPerN.length; index++) expect(bytesPerN[index]!).toBeLessThanOrEqual(bytesPerN[index - 1]!);
  });

  it('commits in the same number of network delays at every n', () => {
    for (const { idle } of rows) expect(idle.latencyDelays.p50).toBe(rows[0]!.idle.latencyDelays.p50);
    expect(rows[0]!.idle.latencyDelays.p50).toBeLessThanOrEqual(5); // client, relay, pre-prepare, prepare, commit
  });
});

describe('scale: open channels on L1', () => {
  it('one settle costs within 2x at 10,000 open channels of what it costs at 10; the state root grows with the state', () => {
    const few = runLedgerScale(10);
    const many = runLedgerScale(10_000);
    expect(many.settleRecordsTouched).toBeLessThanOrEqual(2 * few.settleRecordsTouched);
    expect(many.settleVerifies).toBe(few.settleVerifies);
    expect(many.stateRootRecords).toBe(1_000 * few.stateRootRecords);
    expect(many.stateRootBytesHashed / few.stateRootBytesHashed).toBeGreaterThan(900);
  });

  it('catches an O(channels) settle: with the channels walked, the 2x bound fails', () => {
    const few = runLedgerScale(10, { plainChannelMap: true });
    const many = runLedgerScale(1_000, { plainChannelMap: true });
    expect(many.settleRecordsTouched).toBeGreaterThan(2 * few.settleRecordsTouched);
  });
});

describe('scale: one channel', () => {
  it('costs k signatures and k-1 checks per member per state; star latency is constant, chain latency k+1 delays', () => {
    for (const members of [2, 3, 5, 8, 16]) {
      for (const topology of ['star', 'chain'] as const) {
        const row = runChannelScale({ members, topology, states: 2 * members, delayMs: 10 });
        expect(row.signsPerState).toBe(members);
        expect(row.verifiesPerStatePerMember).toBe(members - 1);
        expect(row.paymentVerifiesPerStatePerMember).toBe(1);
        expect(row.msgsPerState).toBeLessThanOrEqual(3 * members);
        expect(row.latencyDelays.p50).toBe(topology === 'star' ? 4 : members + 1);
      }
    }
  });
});
