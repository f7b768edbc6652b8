// Proves the liveness watch on the primary (liveness.ts, handle/heartbeat*.ts,
// handle/silence-timeout.ts; docs/l1-view-changes.md): the primary sends a
// signed heartbeat with a rising beat on every heartbeat timer, backups do
// not; a backup with work complains after two silence windows in a row in
// which nothing came from the primary — never after one, never while a
// heartbeat or a proposal arrives in every window, never without work; a
// crashed primary is replaced after two windows; heartbeats that are
// replayed, forged, not the primary's, or of a view we left are dropped with
// their reason, and one of a view we have not entered makes us ask for it;
// after a view change the silence window and the progress timeout back off
// (double) until a block commits in the new view. A complaint about the view
// we are normal in expires unless its own replica repeats it (a relay does not
// keep it alive); a request that took long to commit stretches the progress
// timeout, the silence window and the view-change timeout, up to 4 times
// their configured values, and the estimate decays with faster commits.
import { describe, expect, it } from 'vitest';
import type { ConsensusEffect, Heartbeat } from '../src/index.ts';
import { complaintOf, createGroup, deliver, dropped, fire, flush, request, run, sentOfType, signAs, startAll, transfer, type Effect, type Group } from './group.ts';

type SetTimer = Extract<ConsensusEffect<unknown>, { type: 'set-timer' }>;
const timersSet = (effects: Effect[], timer: SetTimer['timer']) =>
  effects.filter((effect): effect is SetTimer => effect.type === 'set-timer' && effect.timer === timer);
const reasons = (effects: Effect[]) => dropped(effects).map((effect) => effect.reason);

/** A heartbeat as `replica` signs it. */
function heartbeatOf(g: Group, replica: number, view: number, beat: number): Heartbeat {
  return signAs<Heartbeat>(g, replica, { type: 'heartbeat', view, beat, replica });
}

/** Replica 1 holds a request the primary (replica 0) never hears of. */
function backupWithWork(): Group {
  const g = createGroup();
  startAll(g);
  g.block = (envelope) => envelope.to === 0 || envelope.from === 0;
  request(g, 1, transfer(g, 0, 0));
  g.queue.length = 0;
  return g;
}

describe('liveness of the primary', () => {
  it('the primary sends a signed heartbeat with a rising beat on every heartbeat timer; a backup runs the silence timer instead', () => {
    const g = createGroup();
    const primaryStart = run(g, 0, { type: 'start' });
    expect(timersSet(primaryStart, 'heartbeat')).toEqual([expect.objectContaining({ afterMs: g.config.heartbeatMs })]);
    expect(timersSet(primaryStart, 'silence')).toEqual([]);
    const backupStart = run(g, 1, { type: 'start' });
    expect(timersSet(backupStart, 'heartbeat')).toEqual([]);
    expect(timersSet(backupStart, 'silence')).toEqual([expect.objectContaining({ afterMs: 2 * g.config.heartbeatMs })]);
    const first = fire(g, 0, 'heartbeat');
    const second = fire(g, 0, 'heartbeat');
    expect(sentOfType(first, 'heartbeat')).toEqual([expect.objectContaining({ view: 0, beat: 1, replica: 0 })]);
    expect(sentOfType(second, 'heartbeat')).toEqual([expect.objectContaining({ view: 0, beat: 2, replica: 0 })]);
    expect(timersSet(second, 'heartbeat')).toHaveLength(1);
    // A backup whose heartbeat timer somehow fires sends nothing.
    const stray = run(g, 1, { type: 'timeout', timer: 'heartbeat', token: g.states[1]!.timers.heartbeat });
    expect(sentOfType(stray, 'heartbeat')).toEqual([]);
  });

  it('a backup with work complains after two silent windows in a row, not after one, and stays in the view', () => {
    const g = backupWithWork();
    const first = fire(g, 1, 'silence');
    expect(sentOfType(first, 'complaint')).toEqual([]);
    expect(g.states[1]!.silentWindows).toBe(1);
    expect(timersSet(first, 'silence')).toHaveLength(1);
    const second = fire(g, 1, 'silence');
    expect(sentOfType(second, 'complaint')).toEqual([expect.objectContaining({ view: 0, replica: 1 })]);
    // It resends its requests to the primary and asks peers for blocks, as a progress strike does.
    expect(second.filter((effect) => effect.type === 'send' && effect.to === 0 && effect.message.type === 'request')).toHaveLength(1);
    expect(g.states[1]).toMatchObject({ view: 0, status: 'normal' });
    expect(sentOfType(fire(g, 1, 'silence'), 'complaint')).toHaveLength(1); // said again at every silent window
  });

  it('a heartbeat or a proposal in every window keeps a backup with work from complaining', () => {
    const g = backupWithWork();
    for (let window = 0; window < 6; window++) {
      deliver(g, 1, 0, heartbeatOf(g, 0, 0, window + 1));
      expect(sentOfType(fire(g, 1, 'silence'), 'complaint')).toEqual([]);
    }
    expect(g.states[1]!.silentWindows).toBe(0);
    // One silent window, then a proposal of the primary: the count starts over.
    fire(g, 1, 'silence');
    expect(g.states[1]!.silentWindows).toBe(1);
    g.block = () => false;
    request(g, 0, transfer(g, 1, 0));
    const proposal = g.queue.find((envelope) => envelope.to === 1 && envelope.message.type === 'pre-prepare-block')!;
    deliver(g, 1, 0, proposal.message);
    expect(g.states[1]!.silentWindows).toBe(0);
    expect(sentOfType(fire(g, 1, 'silence'), 'complaint')).toEqual([]);
  });

  it('a backup without work never complains about a silent primary', () => {
    const g = createGroup();
    startAll(g);
    for (let window = 0; window < 5; window++) expect(sentOfType(fire(g, 1, 'silence'), 'complaint')).toEqual([]);
    expect(g.states[1]!.silentWindows).toBe(0);
  });

  it('a crashed primary is replaced after two silence windows, and the request commits in the new view', () => {
    const g = createGroup();
    startAll(g);
    g.block = (envelope) => envelope.to === 0 || envelope.from === 0; // replica 0 is dead
    const tx = transfer(g, 0, 0);
    for (const id of [1, 2, 3]) request(g, id, tx);
    flush(g);
    for (const id of [1, 2, 3]) fire(g, id, 'silence');
    expect(g.states.slice(1).map((state) => state.status)).toEqual(['normal', 'normal', 'normal']);
    for (const id of [1, 2, 3]) fire(g, id, 'silence');
    flush(g);
    expect(g.states.slice(1).map((state) => [state.view, state.status])).toEqual([
      [1, 'normal'],
      [1, 'normal'],
      [1, 'normal'],
    ]);
    expect(g.states.slice(1).map((state) => state.executed)).toEqual([1, 1, 1]);
  });

  it('drops heartbeats that are replayed, forged, not from the primary or of a view we left, and asks for a view it has not entered', () => {
    const g = createGroup();
    startAll(g);
    expect(reasons(deliver(g, 1, 0, heartbeatOf(g, 0, 0, 5)))).toEqual([]);
    expect(g.states[1]!.primaryBeat).toBe(5);
    expect(reasons(deliver(g, 1, 2, heartbeatOf(g, 0, 0, 5)))).toEqual(['STALE_BEAT']); // replayed by another replica
    expect(reasons(deliver(g, 1, 0, heartbeatOf(g, 0, 0, 3)))).toEqual(['STALE_BEAT']);
    expect(reasons(deliver(g, 1, 2, heartbeatOf(g, 2, 0, 9)))).toEqual(['NOT_FROM_PRIMARY']);
    expect(reasons(deliver(g, 1, 2, { ...heartbeatOf(g, 2, 0, 9), replica: 0 }))).toEqual(['BAD_SIGNATURE']);
    expect(reasons(deliver(g, 1, 1, heartbeatOf(g, 1, 1, 1)))).toEqual(['FROM_SELF']);
    expect(g.states[1]!.primaryBeat).toBe(5);
    // Replica 3 leads view 3, which replica 2 has not entered: it asks for the new view.
    const ahead = deliver(g, 2, 3, heartbeatOf(g, 3, 3, 1));
    expect(reasons(ahead)).toEqual(['VIEW_NOT_REACHED']);
    expect(sentOfType(ahead, 'new-view-request')).toContainEqual({ type: 'new-view-request', view: 3 });
    // After a view change, the old primary's heartbeats are stale.
    g.states[1]!.view = 1;
    expect(reasons(deliver(g, 1, 0, heartbeatOf(g, 0, 0, 6)))).toEqual(['STALE_VIEW']);
  });

  it('after a view change every failover timer backs off until a block commits in the new view', () => {
    const g = createGroup();
    startAll(g);
    const base = 2 * g.config.heartbeatMs;
    // View 0's primary is dead; the others move to view 1 on complaints, with the request pending.
    g.block = (envelope) => envelope.to === 0 || envelope.from === 0;
    const tx = transfer(g, 0, 0);
    for (const id of [1, 2, 3]) request(g, id, tx);
    g.queue.length = 0;
    // Replica 2 misses view 1's new-view message; the others enter view 1.
    g.block = (envelope) => envelope.to === 0 || envelope.from === 0 || (envelope.to === 2 && envelope.message.type === 'new-view');
    for (const id of [1, 2, 3]) fire(g, id, 'silence');
    for (const id of [1, 2, 3]) fire(g, id, 'silence');
    flush(g);
    expect(g.states[1]).toMatchObject({ view: 1, status: 'normal', failedViews: 1 });
    expect(g.states[2]).toMatchObject({ view: 1, status: 'view-change', failedViews: 1 });
    // It gets the new view late: its watch on the new primary runs twice as long, and so does its progress timer.
    g.block = (envelope) => envelope.to === 0 || envelope.from === 0;
    const entered = deliver(g, 2, 1, g.states[1]!.newView!);
    expect(g.states[2]).toMatchObject({ view: 1, status: 'normal', failedViews: 1 });
    expect(timersSet(entered, 'silence')).toEqual([expect.objectContaining({ afterMs: 2 * base })]);
    expect(timersSet(entered, 'progress').map((timer) => timer.afterMs)).toEqual([2 * g.config.progressTimeoutMs]);
    // The re-proposal commits in view 1: back to the base timeouts.
    flush(g);
    expect(g.states.slice(1).map((state) => [state.executed, state.failedViews])).toEqual([
      [1, 0],
      [1, 0],
      [1, 0],
    ]);
    expect(timersSet(fire(g, 2, 'silence'), 'silence')).toEqual([expect.objectContaining({ afterMs: base })]);
  });
});

describe('complaints expire, timeouts stretch to the commit latency', () => {
  /** Ages replica 1's complaints by `windows` silence windows in which the primary is heard (so it complains about nothing itself). */
  function passWindows(g: Group, windows: number, beat: { next: number }): void {
    for (let window = 0; window < windows; window++) {
      deliver(g, 1, 0, heartbeatOf(g, 0, 0, beat.next++));
      fire(g, 1, 'silence');
    }
  }

  it('a complaint about the view we are normal in expires unless its replica repeats it', () => {
    const g = createGroup();
    startAll(g);
    const beat = { next: 1 };
    // Lifetime: two progress timeouts, in heartbeat intervals; a silence window is two of them.
    const windows = Math.ceil((2 * g.config.progressTimeoutMs) / g.config.heartbeatMs / 2) + 1;
    deliver(g, 1, 2, complaintOf(g, 2, 0)); // replica 2 was cut off for a moment, and complained
    passWindows(g, windows, beat);
    expect(g.states[1]!.complaints.has(2)).toBe(false);
    deliver(g, 1, 3, complaintOf(g, 3, 0)); // much later, replica 3 has a slow moment: one complaint, no view change
    expect(g.states[1]).toMatchObject({ view: 0, status: 'normal' });

    // Repeated by its own replica within the lifetime, a complaint lives on, and f+1 of them move the view.
    passWindows(g, windows - 2, beat);
    deliver(g, 1, 3, complaintOf(g, 3, 0));
    passWindows(g, windows - 2, beat);
    expect(g.states[1]!.complaints.has(3)).toBe(true);
    // Another replica relaying it does not keep it alive (a Byzantine one could replay it for ever).
    deliver(g, 1, 2, complaintOf(g, 3, 0));
    passWindows(g, 3, beat);
    expect(g.states[1]!.complaints.has(3)).toBe(false);
    deliver(g, 1, 3, complaintOf(g, 3, 0));
    deliver(g, 1, 2, complaintOf(g, 2, 0));
    expect(g.states[1]).toMatchObject({ view: 1, status: 'view-change' });
  });

  it('a request that took long to commit stretches the progress timeout, the silence window and the view-change timeout, within a bound', () => {
    const g = createGroup();
    startAll(g);
    const base = { progress: g.config.progressTimeoutMs, window: 2 * g.config.heartbeatMs };
    // Replica 1 watches a request that commits only after 12 silence windows (24 heartbeat intervals) of a busy but live primary.
    const tx = transfer(g, 0, 0);
    g.block = (envelope) => envelope.to === 0;
    request(g, 1, tx);
    g.queue.length = 0;
    for (let window = 0; window < 12; window++) {
      deliver(g, 1, 0, heartbeatOf(g, 0, 0, window + 1));
      fire(g, 1, 'silence');
    }
    g.block = () => false;
    request(g, 0, tx);
    flush(g);
    expect(g.states[1]!.executed).toBe(1);
    expect(g.states[1]!.commitLatency).toBe(24);
    const latencyMs = 24 * g.config.heartbeatMs;
    // The next watch on a new request, and the next silence window, are stretched.
    request(g, 1, transfer(g, 0, 1));
    const progress = fire(g, 1, 'progress'); // the old timer fires; the watch re-arms on the new request
    expect(timersSet(progress, 'progress').map((timer) => timer.afterMs)).toEqual([Math.min(2 * latencyMs, 4 * base.progress)]);
    const window = fire(g, 1, 'silence');
    expect(timersSet(window, 'silence').map((timer) => timer.afterMs)).toEqual([Math.min(latencyMs / 2, 4 * base.window)]);
    // Samples decay: fast commits bring the estimate down by an eighth each.
    for (let nonce = 1; nonce < 6; nonce++) {
      request(g, 0, transfer(g, 0, nonce));
      flush(g);
      fire(g, 1, 'progress');
    }
    expect(g.states[1]!.commitLatency).toBeLessThan(24 * (7 / 8) ** 3);
    // A far slower commit is capped: never more than 4 times the configured timeout.
    g.states[1]!.commitLatency = 10_000;
    request(g, 1, transfer(g, 0, 6));
    expect(timersSet(fire(g, 1, 'progress'), 'progress').map((timer) => timer.afterMs)).toEqual([4 * base.progress]);
    expect(timersSet(fire(g, 1, 'silence'), 'silence').map((timer) => timer.afterMs)).toEqual([4 * base.window]);
    deliver(g, 1, 2, complaintOf(g, 2, 0));
    const viewChange = deliver(g, 1, 3, complaintOf(g, 3, 0));
    expect(timersSet(viewChange, 'view-change').map((timer) => timer.afterMs)).toEqual([4 * g.config.viewChangeTimeoutMs]);
  });
});

describe('stretch and backoff together', () => {
  it('stop at 16 times the configured progress timeout and silence window', () => {
    const g = createGroup();
    startAll(g);
    g.states[1]!.commitLatency = 10_000; // far slower commits than any cap
    g.states[1]!.failedViews = 6; // and six view changes in a row that committed nothing
    const armed = request(g, 1, transfer(g, 0, 0));
    expect(timersSet(armed, 'progress').map((timer) => timer.afterMs)).toEqual([16 * g.config.progressTimeoutMs]);
    expect(timersSet(fire(g, 1, 'silence'), 'silence').map((timer) => timer.afterMs)).toEqual([16 * 2 * g.config.heartbeatMs]);
  });
});

describe('waiting for a new view', () => {
  it('the first view-change timeout asks for the new view again without complaining; the second complains', () => {
    const g = createGroup();
    startAll(g);
    g.block = (envelope) => envelope.to === 0 || envelope.from === 0 || envelope.message.type === 'new-view';
    for (const id of [1, 2, 3]) {
      for (const from of [1, 2, 3].filter((other) => other !== id)) deliver(g, id, from, complaintOf(g, from, 0));
    }
    flush(g);
    expect(g.states[2]).toMatchObject({ view: 1, status: 'view-change' });
    const first = fire(g, 2, 'view-change');
    expect(sentOfType(first, 'complaint').filter((complaint) => complaint.replica === 2)).toEqual([]);
    expect(sentOfType(first, 'new-view-request')).toContainEqual({ type: 'new-view-request', view: 1 });
    expect(sentOfType(first, 'view-change')).toEqual([expect.objectContaining({ view: 1, replica: 2 })]);
    const second = fire(g, 2, 'view-change');
    expect(sentOfType(second, 'complaint').filter((complaint) => complaint.replica === 2)).toEqual([expect.objectContaining({ view: 1 })]);
  });
});
