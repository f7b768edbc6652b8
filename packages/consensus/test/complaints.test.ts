// Proves the complaint rule (complain.ts, votes/complaints.ts;
// docs/l1-view-changes.md): one complaint alone — or any number from one
// replica — never changes the view; complaints from f+1 replicas move a
// replica to a view change, to the view after the (f+1)-th highest view
// complained about (not to the highest a lone replica names), and it relays
// them so the others follow. Complaints claiming to be ours, repeated,
// lower than the replica's last, forged, or about views we left are dropped
// with their reasons.
import { describe, expect, it } from 'vitest';
import { complaintOf, createGroup, deliver, dropped, sentOfType, startAll, type Effect } from './group.ts';

const reasons = (effects: Effect[]) => dropped(effects).map((effect) => effect.reason);

describe('complaints', () => {
  it('one complaint alone does not change the view', () => {
    const g = createGroup();
    startAll(g);
    const effects = deliver(g, 1, 2, complaintOf(g, 2, 0));
    expect(reasons(effects)).toEqual([]);
    expect(sentOfType(effects, 'view-change')).toEqual([]);
    expect(g.states[1]).toMatchObject({ view: 0, status: 'normal' });
    // A replica that complains about ever higher views is still one replica.
    for (const view of [3, 9, 40]) deliver(g, 1, 2, complaintOf(g, 2, view));
    expect(g.states[1]).toMatchObject({ view: 0, status: 'normal' });
  });

  it('f+1 complaints move the replica to a view change, and it relays them', () => {
    const g = createGroup();
    startAll(g);
    deliver(g, 1, 2, complaintOf(g, 2, 0));
    const effects = deliver(g, 1, 3, complaintOf(g, 3, 0));
    expect(g.states[1]).toMatchObject({ view: 1, status: 'view-change' });
    expect(sentOfType(effects, 'view-change')).toEqual([expect.objectContaining({ view: 1, replica: 1 })]);
    expect(sentOfType(effects, 'complaint').map((complaint) => complaint.replica).sort()).toEqual([2, 3]);
  });

  it('moves to the view after the (f+1)-th highest complained about, not the highest', () => {
    const g = createGroup();
    startAll(g);
    deliver(g, 2, 3, complaintOf(g, 3, 7)); // a Byzantine replica names a far view
    deliver(g, 2, 1, complaintOf(g, 1, 0));
    expect(g.states[2]).toMatchObject({ view: 1, status: 'view-change' });
  });

  it('drops complaints from self, repeated, superseded, forged, or about a view we left', () => {
    const g = createGroup();
    startAll(g);
    expect(reasons(deliver(g, 1, 2, complaintOf(g, 1, 0)))).toEqual(['FROM_SELF']);
    deliver(g, 1, 2, complaintOf(g, 2, 5));
    expect(reasons(deliver(g, 1, 2, complaintOf(g, 2, 5)))).toEqual(['DUPLICATE']);
    expect(reasons(deliver(g, 1, 2, complaintOf(g, 2, 3)))).toEqual(['SUPERSEDED']);
    expect(reasons(deliver(g, 1, 2, { ...complaintOf(g, 2, 0), replica: 3 }))).toEqual(['BAD_SIGNATURE']);
    expect(g.states[1]).toMatchObject({ view: 0, status: 'normal' });
    deliver(g, 1, 0, complaintOf(g, 0, 0)); // f+1: replicas 0 and 2
    expect(g.states[1]!.view).toBe(1);
    expect(reasons(deliver(g, 1, 3, complaintOf(g, 3, 0)))).toEqual(['STALE_VIEW']);
  });
});
