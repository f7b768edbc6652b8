// Proves crash recovery (restore.ts): durableProtocolState persists every
// field but VOLATILE_FIELDS (own checkpoints without their states);
// restoreReplicaState rebuilds a replica from that, the stable snapshot and
// the stored blocks — the application replayed through the blocks after the
// snapshot to the same height and state root as before the crash, the
// window of recent blocks, the executed ids — with an empty mempool and no
// timers; it refuses a store that lacks a block after the snapshot; and the
// restored replica rejoins on start (asks for a later view and for blocks).
import { describe, expect, it } from 'vitest';
import { createLedger, type LedgerState, type SignedTx } from '@wedge/ledger';
import {
  VOLATILE_FIELDS,
  createReplicaState,
  durableProtocolState,
  recentBlocksFrom,
  restoreReplicaState,
  type CommittedBlock,
  type ConsensusConfig,
  type DurableReplica,
  type ReplicaState,
} from '../src/index.ts';
import { commitThroughGroup, createGroup, request, run, sentOfType, startAll, transfer, type Group } from './group.ts';

/** Five blocks commit (stable checkpoint at 4); replica 1 also holds a request nobody else has. */
function crashedAfterFiveBlocks(overrides: Partial<ConsensusConfig> = {}, blocks = 5) {
  const g = createGroup(overrides);
  startAll(g);
  for (let nonce = 0; nonce < blocks; nonce++) commitThroughGroup(g, transfer(g, 0, nonce));
  g.block = ({ from }) => from === 1;
  request(g, 1, transfer(g, 1, 0));
  g.block = () => false;
  const live = g.states[1]!;
  expect(live).toMatchObject({ executed: blocks, stable: { seq: 4 } });
  expect(live.pending.size).toBe(1);
  const stored = new Map<number, CommittedBlock<SignedTx>>();
  for (const effect of g.log[1]!) if (effect.type === 'committed') stored.set(effect.block.height, { block: effect.block, certificate: effect.certificate });
  return { g, live, stored };
}

function disk(g: Group, live: ReplicaState<SignedTx, LedgerState>, stored: Map<number, CommittedBlock<SignedTx>>): DurableReplica<SignedTx> {
  const app = g.ctxs[1]!.app;
  return {
    protocol: structuredClone(durableProtocolState(live)),
    snapshot: { seq: live.stable.seq, root: live.stable.root, state: live.stableSnapshot },
    blocks: (from, to) => [...stored.values()].filter(({ block }) => block.height >= from && block.height <= to).sort((a, b) => a.block.height - b.block.height),
    recentTxHashes: (limit) => [...stored.values()].reverse().flatMap(({ block }) => [...block.txs].reverse().map((tx) => app.txHash(tx))).slice(0, limit),
  };
}

const fresh = (g: Group) => createReplicaState(g.ctxs[1]!, createLedger(g.genesis));

describe('restore', () => {
  it('persists every field but the volatile ones', () => {
    const { live } = crashedAfterFiveBlocks();
    const durable = durableProtocolState(live);
    for (const field of VOLATILE_FIELDS) expect(durable).not.toHaveProperty(field);
    const persisted = Object.keys(live).filter((field) => !(VOLATILE_FIELDS as readonly string[]).includes(field));
    expect(Object.keys(durable).sort()).toEqual(persisted.sort());
    expect([...durable.ownCheckpoints.values()].every((own) => own.state === null)).toBe(true);
  });

  it('replays the blocks after the snapshot, and leaves the mempool empty and no timer running', () => {
    const { g, live, stored } = crashedAfterFiveBlocks();
    const app = g.ctxs[1]!.app;
    const restored = restoreReplicaState(g.ctxs[1]!, fresh(g), disk(g, live, stored));
    expect(restored.executed).toBe(5);
    // Block 5 executed after the snapshot (root at 4): the restored state has the live root, not the snapshot's.
    expect(app.stateRoot(restored.app)).toBe(app.stateRoot(live.app));
    expect(app.stateRoot(restored.app)).not.toBe(live.stable.root);
    expect(restored.pending.size).toBe(0);
    expect(restored.proposed.size).toBe(0);
    expect(Object.values(restored.timers)).toEqual([0, 0, 0, 0, 0, 0]);
    expect([...restored.recentBlocks.keys()]).toEqual([recentBlocksFrom(g.config, 4), 4, 5]);
    for (const { block } of stored.values()) for (const tx of block.txs) expect(restored.recentlyExecuted.has(app.txHash(tx))).toBe(true);
    expect(restored.view).toBe(live.view);
    expect(restored.stable).toEqual(live.stable);
  });

  it('a new replica (nothing persisted) starts fresh', () => {
    const { g } = crashedAfterFiveBlocks();
    const start = fresh(g);
    const none: DurableReplica<SignedTx> = { protocol: null, snapshot: null, blocks: () => [], recentTxHashes: () => [] };
    expect(restoreReplicaState(g.ctxs[1]!, start, none)).toBe(start);
  });

  it('refuses a store that lacks a block after the snapshot', () => {
    const last = crashedAfterFiveBlocks();
    last.stored.delete(5);
    expect(() => restoreReplicaState(last.g.ctxs[1]!, fresh(last.g), disk(last.g, last.live, last.stored))).toThrow(/recovered height 4, protocol state says 5/);
    const gap = crashedAfterFiveBlocks({ checkpointBlocks: 4, watermarkBlocks: 8 }, 6); // blocks 5 and 6 after the snapshot
    gap.stored.delete(5);
    expect(() => restoreReplicaState(gap.g.ctxs[1]!, fresh(gap.g), disk(gap.g, gap.live, gap.stored))).toThrow(/block 5 missing/);
  });

  it('the restored replica asks for a later view and the blocks after its height on start', () => {
    const { g, live, stored } = crashedAfterFiveBlocks();
    g.states[1] = restoreReplicaState(g.ctxs[1]!, fresh(g), disk(g, live, stored));
    const effects = run(g, 1, { type: 'start' });
    expect(effects).toContainEqual({ type: 'broadcast', message: { type: 'new-view-request', view: 1 } });
    expect(sentOfType(effects, 'fetch-state')).toEqual([expect.objectContaining({ fromHeight: 6, replica: 1 })]);
  });
});
