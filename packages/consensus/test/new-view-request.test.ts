// Proves how a replica behind in views finds the current one
// (handle/new-view-request.ts, catch-up.ts): any replica normal in view v —
// not only v's primary — answers a request for the new-view message of v or
// an earlier view with its own, and the replica that missed the view change
// enters the view from that relayed message. A replica that has not entered
// the view asked for, never changed views, or is changing views drops the
// request with its reason. On start a replica asks every peer for a view
// later than its own, and a vote from a later view makes it ask the voter
// and that view's primary.
import { describe, expect, it } from 'vitest';
import type { Prepare } from '../src/index.ts';
import { complainAboutViewZero, complaintOf, createGroup, deliver, dropped, flush, run, sentOfType, signAs, startAll, type Effect } from './group.ts';

const reasons = (effects: Effect[]) => dropped(effects).map((effect) => effect.reason);

/** Replicas 0-2 change to view 1 (primary: replica 1); replica 3 hears nothing of it. */
function viewOneWithoutReplicaThree() {
  const g = createGroup();
  startAll(g);
  g.block = ({ from, to }) => from === 3 || to === 3;
  complainAboutViewZero(g, [0, 1, 2]);
  flush(g);
  g.block = () => false;
  for (const id of [0, 1, 2]) expect(g.states[id]).toMatchObject({ view: 1, status: 'normal' });
  expect(g.states[3]).toMatchObject({ view: 0, status: 'normal' });
  return g;
}

describe('new-view requests', () => {
  it('a replica normal in view v answers a request for v with its new-view message, though not the primary', () => {
    const g = viewOneWithoutReplicaThree();
    const effects = deliver(g, 2, 3, { type: 'new-view-request', view: 1 });
    expect(reasons(effects)).toEqual([]);
    const answer = effects.find((effect) => effect.type === 'send');
    expect(answer).toMatchObject({ type: 'send', to: 3, message: { type: 'new-view', view: 1, replica: 1 } });
    // It answers for an earlier view with the newer message too.
    expect(deliver(g, 0, 3, { type: 'new-view-request', view: 0 }).filter((effect) => effect.type === 'send')).toHaveLength(1);
    // The replica that missed the view change enters it from the relayed message.
    if (answer?.type !== 'send') return;
    expect(deliver(g, 3, 2, answer.message)).toContainEqual({ type: 'view-entered', view: 1 });
    expect(g.states[3]).toMatchObject({ view: 1, status: 'normal' });
  });

  it('drops a request for a view not reached, from a replica that never changed views, or while changing views', () => {
    const g = viewOneWithoutReplicaThree();
    expect(reasons(deliver(g, 2, 3, { type: 'new-view-request', view: 2 }))).toEqual(['VIEW_NOT_REACHED']);
    expect(reasons(deliver(g, 3, 2, { type: 'new-view-request', view: 1 }))).toEqual(['NO_NEW_VIEW']);
    expect(reasons(deliver(g, 2, 3, { type: 'new-view-request', view: 1.5 }))).toEqual(['MALFORMED']);
    const changing = createGroup();
    startAll(changing);
    for (const from of [0, 1]) deliver(changing, 2, from, complaintOf(changing, from, 0));
    expect(changing.states[2]).toMatchObject({ view: 1, status: 'view-change' });
    expect(reasons(deliver(changing, 2, 0, { type: 'new-view-request', view: 1 }))).toEqual(['CHANGING_VIEWS']);
  });

  it('on start a replica asks every peer for a view later than its own', () => {
    const g = viewOneWithoutReplicaThree();
    const effects = run(g, 3, { type: 'start' });
    expect(effects).toContainEqual({ type: 'broadcast', message: { type: 'new-view-request', view: 1 } });
  });

  it("a vote of a later view makes the replica ask the voter and that view's primary, once per view", () => {
    const g = viewOneWithoutReplicaThree();
    const prepareOf = (replica: number) => signAs<Prepare>(g, replica, { type: 'prepare', view: 1, seq: 1, digest: 'ab'.repeat(32), replica });
    const effects = deliver(g, 3, 2, prepareOf(2));
    const asked = effects.flatMap((effect) => (effect.type === 'send' && effect.message.type === 'new-view-request' ? [effect.to] : []));
    expect(asked).toEqual([1, 2]);
    expect(sentOfType(deliver(g, 3, 0, prepareOf(0)), 'new-view-request')).toEqual([]);
  });
});
