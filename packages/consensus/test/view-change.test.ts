// Proves the view change (start-view-change.ts, send-new-view.ts,
// new-view-validity.ts, enter-view.ts, votes/view-changes.ts): f+1 view
// changes for higher views make a replica join the smallest of them; the
// new primary, with 2f+1 view changes, sends a new view that re-proposes a
// block prepared (but not committed) in the old view, and that block then
// commits with its digest unchanged; a backup enters a valid new view and
// drops — with the reason — a new view whose re-proposals are not the ones
// the view changes call for, with too few view changes, not from the
// primary, forged, or for a view it is already in; view changes with an
// unproven checkpoint or a bad prepared certificate are dropped too.
import { describe, expect, it } from 'vitest';
import type { SignedTx } from '@wedge/ledger';
import type { NewView, PreparedCertificate, ViewChange } from '../src/index.ts';
import { complainAboutViewZero, createGroup, deliver, dropped, flush, request, sentOfType, signAs, startAll, transfer, type Effect, type Group } from './group.ts';

const reasons = (effects: Effect[]) => dropped(effects).map((effect) => effect.reason);

function viewChange(g: Group, replica: number, view: number, fields: Partial<ViewChange<SignedTx>> = {}): ViewChange<SignedTx> {
  const genesis = g.states[0]!.stable;
  return signAs<ViewChange<SignedTx>>(g, replica, {
    type: 'view-change',
    view,
    stableSeq: 0,
    stableRoot: genesis.root,
    checkpointProof: [],
    prepared: [],
    replica,
    ...fields,
  });
}

/**
 * Block 1 is prepared everywhere but commits nowhere (commits withheld);
 * then replicas 0-2 move to view 1 while replica 3 hears nothing, and the
 * new primary (replica 1) sends its new view.
 */
function preparedThenViewChange() {
  const g = createGroup();
  startAll(g);
  const tx = transfer(g, 0, 0);
  g.block = ({ message }) => message.type === 'commit';
  const digest = sentOfType(request(g, 0, tx), 'pre-prepare-block')[0]!.prePrepare.digest;
  flush(g);
  for (const state of g.states) expect(state.preparedCertificates.get(1)?.prePrepare.digest).toBe(digest);
  expect(g.states.map((state) => state.executed)).toEqual([0, 0, 0, 0]);
  g.block = ({ from, to }) => from === 3 || to === 3;
  complainAboutViewZero(g, [0, 1, 2]);
  flush(g);
  const newView = sentOfType(g.log[1]!, 'new-view')[0]!;
  return { g, tx, digest, newView };
}

function resign(g: Group, newView: NewView<SignedTx>, fields: Partial<NewView<SignedTx>>): NewView<SignedTx> {
  const { signature: _signature, ...unsigned } = { ...newView, ...fields };
  return signAs<NewView<SignedTx>>(g, unsigned.replica, unsigned);
}

describe('view change', () => {
  it('f+1 view changes for higher views make a replica join the smallest of them', () => {
    const g = createGroup();
    startAll(g);
    deliver(g, 3, 0, viewChange(g, 0, 2));
    expect(g.states[3]).toMatchObject({ view: 0, status: 'normal' });
    const effects = deliver(g, 3, 1, viewChange(g, 1, 3));
    expect(g.states[3]).toMatchObject({ view: 2, status: 'view-change' });
    expect(sentOfType(effects, 'view-change')).toEqual([expect.objectContaining({ view: 2, replica: 3 })]);
  });

  it('the new primary re-proposes the prepared block, and it commits in the new view with the same digest', () => {
    const { g, tx, digest, newView } = preparedThenViewChange();
    expect(newView).toMatchObject({ view: 1, replica: 1 });
    expect(newView.viewChanges).toHaveLength(3);
    expect(newView.prePrepares.map(({ prePrepare, block }) => ({ seq: prePrepare.seq, digest: prePrepare.digest, txs: block.txs }))).toEqual([
      { seq: 1, digest, txs: [tx] },
    ]);
    for (const id of [0, 1, 2]) {
      expect(g.states[id]).toMatchObject({ view: 1, status: 'normal', executed: 1 });
      const committed = g.log[id]!.find((effect) => effect.type === 'committed');
      expect(committed?.type === 'committed' && committed.certificate).toMatchObject({ view: 1, height: 1, digest });
    }
  });

  it('a backup enters a valid new view and drops tampered ones with their reasons', () => {
    const { g, newView } = preparedThenViewChange();
    g.block = () => false;
    expect(reasons(deliver(g, 3, 1, resign(g, newView, { prePrepares: [] })))).toEqual(['PLAN_MISMATCH']);
    expect(reasons(deliver(g, 3, 1, resign(g, newView, { viewChanges: newView.viewChanges.slice(0, 2) })))).toEqual(['TOO_FEW_VIEW_CHANGES']);
    expect(reasons(deliver(g, 3, 1, resign(g, newView, { viewChanges: [newView.viewChanges[0]!, newView.viewChanges[0]!, newView.viewChanges[1]!] })))).toEqual([
      'DUPLICATE_VIEW_CHANGE',
    ]);
    const forgedChange = { ...newView.viewChanges[1]!, signature: '00'.repeat(64) };
    expect(reasons(deliver(g, 3, 1, resign(g, newView, { viewChanges: [newView.viewChanges[0]!, forgedChange, newView.viewChanges[2]!] })))).toEqual([
      'BAD_VIEW_CHANGE',
    ]);
    expect(reasons(deliver(g, 3, 2, resign(g, newView, { replica: 2 })))).toEqual(['NOT_FROM_PRIMARY']);
    expect(reasons(deliver(g, 3, 1, { ...newView, signature: '00'.repeat(64) }))).toEqual(['BAD_SIGNATURE']);
    expect(g.states[3]).toMatchObject({ view: 0, status: 'normal' });
    const effects = deliver(g, 3, 1, newView);
    expect(reasons(effects)).toEqual([]);
    expect(effects).toContainEqual({ type: 'view-entered', view: 1 });
    expect(reasons(deliver(g, 3, 1, newView))).toEqual(['ALREADY_IN_VIEW']);
  });

  it('drops view changes with an unproven checkpoint or a bad prepared certificate, repeats and stale ones', () => {
    const { g } = preparedThenViewChange();
    const certificate = g.states[3]!.preparedCertificates.get(1)! as PreparedCertificate<SignedTx>;
    const noPrepares = { ...certificate, prepares: [] };
    expect(reasons(deliver(g, 3, 0, viewChange(g, 0, 1, { stableSeq: 2 })))).toEqual(['BAD_CHECKPOINT_PROOF']);
    expect(reasons(deliver(g, 3, 0, viewChange(g, 0, 1, { prepared: [noPrepares] })))).toEqual(['BAD_PREPARED_CERTIFICATE']);
    const sameView = { ...certificate, prePrepare: { ...certificate.prePrepare, view: 1 } };
    expect(reasons(deliver(g, 3, 0, viewChange(g, 0, 1, { prepared: [sameView] })))).toEqual(['CERTIFICATE_NOT_FROM_EARLIER_VIEW']);
    expect(reasons(deliver(g, 3, 0, { ...viewChange(g, 0, 1), signature: '00'.repeat(64) }))).toEqual(['BAD_SIGNATURE']);
    const valid = viewChange(g, 0, 1, { prepared: [certificate] });
    expect(reasons(deliver(g, 3, 0, valid))).toEqual([]);
    expect(reasons(deliver(g, 3, 0, valid))).toEqual(['DUPLICATE']);
    expect(g.states[3]).toMatchObject({ view: 0, status: 'normal' }); // one replica's view change moves nobody
    deliver(g, 3, 1, sentOfType(g.log[1]!, 'new-view')[0]!);
    expect(reasons(deliver(g, 3, 2, viewChange(g, 2, 0)))).toEqual(['STALE_VIEW']);
  });
});
