// Proves the progress watch (progress-watch.ts, handle/progress-timeout.ts):
// a backup holding a request arms the progress timer; when it fires with the
// request still pending, the first strike resends the request to the primary
// without complaining, the second and later strikes complain about the view
// (and the replica stays in it); a request that executes in time resets the
// strikes and, with nothing left to do, no timer runs. A timer event with a
// token that is no longer the running one is dropped (STALE_TIMER).
import { describe, expect, it } from 'vitest';
import type { ConsensusEffect } from '../src/index.ts';
import { createGroup, dropped, fire, flush, request, run, sentOfType, startAll, transfer, type Effect } from './group.ts';

const progressTimers = (effects: Effect[]) =>
  effects.filter((effect): effect is Extract<ConsensusEffect<unknown>, { type: 'set-timer' }> => effect.type === 'set-timer' && effect.timer === 'progress');

describe('progress watch', () => {
  it('with nothing to do, no progress timer runs', () => {
    const g = createGroup();
    for (let id = 0; id < 4; id++) expect(progressTimers(run(g, id, { type: 'start' }))).toEqual([]);
  });

  it('a stalled request: the first strike resends it to the primary, the second complains, the replica stays in the view', () => {
    const g = createGroup();
    startAll(g);
    g.block = () => true; // the primary never hears of it
    const tx = transfer(g, 0, 0);
    expect(progressTimers(request(g, 1, tx))).toHaveLength(1);
    const first = fire(g, 1, 'progress');
    expect(first.filter((effect) => effect.type === 'send' && effect.to === 0 && effect.message.type === 'request')).toHaveLength(1);
    expect(sentOfType(first, 'complaint')).toEqual([]);
    expect(progressTimers(first)).toHaveLength(1);
    const second = fire(g, 1, 'progress');
    expect(sentOfType(second, 'complaint')).toEqual([expect.objectContaining({ view: 0, replica: 1 })]);
    expect(g.states[1]).toMatchObject({ view: 0, status: 'normal', progressStrikes: 2 });
    expect(sentOfType(fire(g, 1, 'progress'), 'complaint')).toHaveLength(1); // said again at every strike
  });

  it('a request that executes in time resets the strikes, and then no timer runs', () => {
    const g = createGroup();
    startAll(g);
    request(g, 1, transfer(g, 0, 0));
    flush(g);
    expect(g.states[1]!.executed).toBe(1);
    const effects = fire(g, 1, 'progress');
    expect(g.states[1]!.progressStrikes).toBe(0);
    expect(progressTimers(effects)).toEqual([]);
    expect(sentOfType(effects, 'complaint')).toEqual([]);
  });

  it('drops a timer event whose token is stale', () => {
    const g = createGroup();
    startAll(g);
    request(g, 1, transfer(g, 0, 0));
    const token = g.states[1]!.timers.progress;
    fire(g, 1, 'progress'); // re-armed with a new token
    const effects = run(g, 1, { type: 'timeout', timer: 'progress', token });
    expect(dropped(effects)).toEqual([{ type: 'dropped', input: 'progress-timeout', from: undefined, reason: 'STALE_TIMER' }]);
    expect(effects.filter((effect) => effect.type !== 'dropped')).toEqual([]);
  });
});
