// Proves checkpoint stabilization (checkpoints.ts, votes/checkpoints.ts): at
// each checkpoint height a replica signs its state root; 2f+1 checkpoints
// with the same root (its own included) make it stable — a checkpoint with
// another root does not count — and the log at and below it is let go;
// a quorum for a checkpoint we have not reached makes us catch up instead.
// Checkpoints at or below the stable one, not at a checkpoint height,
// repeated or forged are dropped with their reasons, and one far beyond the
// window is not stored but starts a catch-up (FAR_AHEAD).
import { describe, expect, it } from 'vitest';
import type { Checkpoint } from '../src/index.ts';
import { commitThroughGroup, createGroup, deliver, dropped, fire, sentOfType, signAs, startAll, transfer, type Effect, type Group } from './group.ts';

const reasons = (effects: Effect[]) => dropped(effects).map((effect) => effect.reason);
const checkpoint = (g: Group, replica: number, seq: number, root: string) => signAs<Checkpoint>(g, replica, { type: 'checkpoint', seq, root, replica });

/** The group executes blocks 1 and 2 (checkpointBlocks = 2) with every checkpoint message withheld. */
function atFirstCheckpoint() {
  const g = createGroup();
  startAll(g);
  g.block = ({ message }) => message.type === 'checkpoint';
  commitThroughGroup(g, transfer(g, 0, 0));
  commitThroughGroup(g, transfer(g, 0, 1));
  g.block = () => false;
  for (const state of g.states) expect(state.executed).toBe(2);
  const root = g.states[1]!.ownCheckpoints.get(2)!.root;
  return { g, root };
}

describe('checkpoints', () => {
  it('every replica signs its root at the checkpoint height, and the group makes it stable', () => {
    const g = createGroup();
    startAll(g);
    commitThroughGroup(g, transfer(g, 0, 0));
    commitThroughGroup(g, transfer(g, 0, 1));
    for (let id = 0; id < 4; id++) {
      expect(g.states[id]!.stable.seq).toBe(2);
      expect(g.log[id]!.filter((effect) => effect.type === 'checkpoint-stable')).toHaveLength(1);
      expect(sentOfType(g.log[id]!, 'checkpoint')).toEqual([expect.objectContaining({ seq: 2, replica: id })]);
    }
  });

  it('2f+1 matching checkpoints make it stable; one with another root does not count', () => {
    const { g, root } = atFirstCheckpoint();
    expect(deliver(g, 1, 2, checkpoint(g, 2, 2, root)).some((effect) => effect.type === 'checkpoint-stable')).toBe(false);
    expect(deliver(g, 1, 3, checkpoint(g, 3, 2, 'ff'.repeat(32))).some((effect) => effect.type === 'checkpoint-stable')).toBe(false);
    const effects = deliver(g, 1, 0, checkpoint(g, 0, 2, root));
    const stable = effects.find((effect) => effect.type === 'checkpoint-stable');
    expect(stable?.type === 'checkpoint-stable' && stable.checkpoint.proof.map((vote) => vote.replica)).toEqual([1, 2, 0]);
    const state = g.states[1]!;
    expect(state.stable).toMatchObject({ seq: 2, root });
    // The log at and below the stable checkpoint is let go.
    expect([...state.slots.values()].filter((slot) => slot.seq <= 2)).toEqual([]);
    expect(state.checkpointVotes.has(2)).toBe(false);
    expect(state.ownCheckpoints.has(2)).toBe(false);
  });

  it('drops stale, misplaced, repeated and forged checkpoints with their reasons', () => {
    const { g, root } = atFirstCheckpoint();
    for (const replica of [0, 2]) deliver(g, 1, replica, checkpoint(g, replica, 2, root));
    expect(g.states[1]!.stable.seq).toBe(2);
    expect(reasons(deliver(g, 1, 3, checkpoint(g, 3, 2, root)))).toEqual(['STALE_CHECKPOINT']);
    expect(reasons(deliver(g, 1, 3, checkpoint(g, 3, 3, root)))).toEqual(['NOT_CHECKPOINT_HEIGHT']);
    expect(reasons(deliver(g, 1, 3, checkpoint(g, 3, 4, root)))).toEqual([]);
    expect(reasons(deliver(g, 1, 3, checkpoint(g, 3, 4, root)))).toEqual(['DUPLICATE']);
    const forged = { ...checkpoint(g, 3, 4, root), replica: 2 };
    expect(reasons(deliver(g, 1, 3, forged))).toEqual(['BAD_SIGNATURE']);
    expect([...g.states[1]!.checkpointVotes.get(4)!.keys()]).toEqual([3]);
  });

  it('a quorum for a checkpoint we have not reached makes us catch up to it', () => {
    const { g } = atFirstCheckpoint();
    for (const replica of [0, 2, 3]) deliver(g, 1, replica, checkpoint(g, replica, 4, 'cd'.repeat(32)));
    expect(g.states[1]!.stable.seq).toBe(0);
    expect(g.states[1]!.catchUpTarget).toBe(4);
  });

  it('a checkpoint far beyond the window is not stored but starts a catch-up (FAR_AHEAD)', () => {
    const { g, root } = atFirstCheckpoint();
    // Window of stored votes: up to high watermark + watermarkBlocks = 0 + 4 + 4.
    const effects = deliver(g, 1, 3, checkpoint(g, 3, 10, root));
    expect(reasons(effects)).toEqual(['FAR_AHEAD']);
    expect(g.states[1]!.checkpointVotes.has(10)).toBe(false);
    expect(g.states[1]!.catchUpTarget).toBe(10);
    expect(reasons(deliver(g, 1, 3, { ...checkpoint(g, 3, 12, root), signature: '00'.repeat(64) }))).toEqual(['BAD_SIGNATURE']);
    expect(g.states[1]!.catchUpTarget).toBe(10);
    // The fetch under way since start is retried toward the target.
    expect(sentOfType(fire(g, 1, 'fetch'), 'fetch-state')).toEqual([expect.objectContaining({ fromHeight: 3, replica: 1 })]);
  });
});
