// Proves state transfer (state-transfer.ts, handle/fetch-state.ts,
// handle/state-reply.ts): a replica that missed blocks asks for them; a peer
// that keeps them answers with the certified blocks, a peer that no longer
// does with its stable snapshot and the blocks after it; the replica
// executes certified blocks and installs a proven snapshot, and drops with
// the reason a block whose certificate or digest is forged, a snapshot
// without its checkpoint proof, one that does not decode, or one of another
// state, and a reply with nothing new. A fetch from a height the peer has
// not reached, our own, or a forged one is dropped by the peer.
import { describe, expect, it } from 'vitest';
import type { FetchState, StateReply } from '../src/index.ts';
import type { SignedTx } from '@wedge/ledger';
import { commitThroughGroup, committedHeights, createGroup, deliver, dropped, run, sentOfType, signAs, startAll, transfer, type Effect, type Group } from './group.ts';

const reasons = (effects: Effect[]) => dropped(effects).map((effect) => effect.reason);

/** The group commits `blocks` blocks while replica 3 hears nothing; then replica 3 restarts and asks for what it missed. */
function behind(blocks: number) {
  const g = createGroup();
  startAll(g);
  g.block = ({ from, to }) => from === 3 || to === 3;
  for (let nonce = 0; nonce < blocks; nonce++) commitThroughGroup(g, transfer(g, 0, nonce));
  g.block = () => false;
  const fetch = sentOfType(run(g, 3, { type: 'start' }), 'fetch-state')[0]!;
  g.queue.length = 0;
  expect(fetch).toMatchObject({ fromHeight: 1, replica: 3 });
  return { g, fetch };
}

function replyFrom(g: Group, peer: number, fetch: FetchState): StateReply<SignedTx> {
  const effects = deliver(g, peer, 3, fetch);
  const reply = sentOfType(effects, 'state-reply')[0];
  expect(reply).toBeDefined();
  return reply!;
}

describe('state transfer', () => {
  it('a peer that keeps the blocks answers with them, certified, and the replica executes them', () => {
    const { g, fetch } = behind(1);
    const reply = replyFrom(g, 0, fetch);
    expect(reply.snapshot).toBeNull();
    expect(reply.blocks.map((committed) => committed.block.height)).toEqual([1]);
    const effects = deliver(g, 3, 0, reply);
    expect(committedHeights(effects)).toEqual([1]);
    expect(reasons(effects)).toEqual([]);
    expect(reasons(deliver(g, 3, 0, reply))).toEqual(['NOTHING_NEW']);
  });

  it('drops fetched blocks with a forged certificate or digest', () => {
    const { g, fetch } = behind(1);
    const reply = replyFrom(g, 0, fetch);
    const committed = reply.blocks[0]!;
    const unsigned = { ...committed, certificate: { ...committed.certificate, signatures: committed.certificate.signatures.slice(0, 2) } };
    expect(reasons(deliver(g, 3, 0, { ...reply, blocks: [unsigned] }))).toEqual(['BAD_COMMIT_CERTIFICATE']);
    const otherBlock = { ...committed, block: { height: 1, txs: [] } };
    expect(reasons(deliver(g, 3, 0, { ...reply, blocks: [otherBlock] }))).toEqual(['BAD_DIGEST']);
    expect(reasons(deliver(g, 3, 0, { ...reply, blocks: [{ ...committed, block: { ...committed.block, height: 2 } }] }))).toEqual(['HEIGHT_GAP']);
    expect(g.states[3]!.executed).toBe(0);
  });

  it('a peer past its recent blocks answers with its stable snapshot; the replica installs it and executes the rest', () => {
    const { g, fetch } = behind(5); // checkpoints at 2 and 4; peers keep blocks from 3 on
    const reply = replyFrom(g, 0, fetch);
    expect(reply.snapshot?.checkpoint.seq).toBe(4);
    expect(reply.blocks.map((committed) => committed.block.height)).toEqual([5]);
    const effects = deliver(g, 3, 0, reply);
    expect(effects).toContainEqual({ type: 'state-installed', seq: 4, root: reply.snapshot!.checkpoint.root });
    expect(committedHeights(effects)).toEqual([5]);
    expect(g.states[3]).toMatchObject({ executed: 5, stable: { seq: 4 } });
    expect(g.ctxs[3]!.app.stateRoot(g.states[3]!.app)).toBe(g.ctxs[0]!.app.stateRoot(g.states[0]!.app));
  });

  it('drops a snapshot without its proof, one that does not decode, and one of another state', () => {
    const { g, fetch } = behind(5);
    const reply = replyFrom(g, 0, fetch);
    const snapshot = reply.snapshot!;
    const unproven = { ...reply, snapshot: { ...snapshot, checkpoint: { ...snapshot.checkpoint, proof: snapshot.checkpoint.proof.slice(0, 2) } } };
    // Without the snapshot, block 5 does not follow height 0 either.
    expect(reasons(deliver(g, 3, 0, unproven))).toEqual(['BAD_CHECKPOINT_PROOF', 'HEIGHT_GAP']);
    expect(reasons(deliver(g, 3, 0, { ...reply, snapshot: { ...snapshot, state: 'not a ledger' }, blocks: [] }))).toEqual(['BAD_SNAPSHOT']);
    const genesisState = g.states[3]!.stableSnapshot;
    expect(reasons(deliver(g, 3, 0, { ...reply, snapshot: { ...snapshot, state: genesisState }, blocks: [] }))).toEqual(['SNAPSHOT_ROOT_MISMATCH']);
    expect(g.states[3]!.executed).toBe(0);
  });

  it('a peer drops a fetch from a height it has not reached, its own, or a forged one', () => {
    const { g, fetch } = behind(1);
    const ahead = signAs<FetchState>(g, 0, { type: 'fetch-state', fromHeight: 2, nonce: 1, replica: 0 });
    expect(reasons(deliver(g, 3, 0, ahead))).toEqual(['NOT_AHEAD']);
    expect(reasons(deliver(g, 0, 3, { ...fetch, fromHeight: 0 }))).toEqual(['MALFORMED']);
    const own = signAs<FetchState>(g, 0, { type: 'fetch-state', fromHeight: 1, nonce: 1, replica: 0 });
    expect(reasons(deliver(g, 0, 1, own))).toEqual(['FROM_SELF']);
    expect(reasons(deliver(g, 0, 3, { ...fetch, replica: 2 }))).toEqual(['BAD_SIGNATURE']);
  });
});
