// Proves how a member watches its channel on L1 (from `l1` events): when the
// channel is frozen with a recorded version lower than the member's latest
// certificate, it challenges with that certificate — only before the deadline,
// and resubmitting only after a few blocks; once L1 records its version it
// stops challenging; from the deadline on it settles (again only every few
// blocks); holding a final certificate it closes instead; a wedged member
// resubmits its termination while L1 still shows the channel open; and once L1
// says closed, the member stops for good.
import { describe, expect, it } from 'vitest';
import type { ChannelTopology } from '@wedge/ledger';
import { Cluster } from './harness.ts';
import type { L1ChannelView, MemberEffect } from '../src/index.ts';

function submissions(effects: readonly MemberEffect[]): { action: string; version: number | null }[] {
  return effects.flatMap((effect) => (effect.type === 'submit-l1' ? [{ action: effect.action, version: effect.certificate?.state.version ?? null }] : []));
}

/** Member 1 holding certificate v`versions`. */
function member1At(topology: ChannelTopology, versions: number): Cluster {
  const cluster = new Cluster({ n: 3, topology });
  cluster.startAll();
  for (let index = 0; index < versions; index++) {
    cluster.pay(index % 3, (index + 1) % 3, 5n);
    cluster.run();
  }
  expect(cluster.states[1]!.latest.state.version).toBe(versions);
  return cluster;
}

const frozen = (height: number, recordedVersion: number, deadline = 50): L1ChannelView => ({ status: 'frozen', recordedVersion, deadline, height });

describe.each<ChannelTopology>(['star', 'chain'])('L1 watching (%s)', (topology) => {
  it('challenges a stale recorded state before the deadline, resubmitting only every few blocks', () => {
    const cluster = member1At(topology, 3);
    const l1 = (view: L1ChannelView) => submissions(cluster.step(1, { type: 'l1', channel: view }));
    expect(l1(frozen(20, 1))).toEqual([{ action: 'challenge', version: 3 }]);
    expect(cluster.states[1]!.wedged).toBe('l1-frozen');
    expect(l1(frozen(21, 1))).toEqual([]);
    expect(l1(frozen(22, 1))).toEqual([]);
    expect(l1(frozen(23, 1))).toEqual([{ action: 'challenge', version: 3 }]);
    // L1 took the challenge: nothing more to do until the deadline.
    expect(l1(frozen(26, 3))).toEqual([]);
    expect(l1(frozen(49, 3))).toEqual([]);
    expect(l1(frozen(50, 3))).toEqual([{ action: 'settle', version: null }]);
    expect(l1(frozen(51, 3))).toEqual([]);
    expect(l1(frozen(53, 3))).toEqual([{ action: 'settle', version: null }]);
    expect(l1({ status: 'closed', recordedVersion: 3, deadline: 50, height: 54 })).toEqual([]);
    expect(cluster.states[1]!.closed).toBe(true);
    expect(l1({ status: 'closed', recordedVersion: 3, deadline: 50, height: 80 })).toEqual([]);
  });

  it('challenges right up to the deadline and never at or after it', () => {
    const cluster = member1At(topology, 2);
    const l1 = (view: L1ChannelView) => submissions(cluster.step(1, { type: 'l1', channel: view }));
    expect(l1(frozen(49, 0))).toEqual([{ action: 'challenge', version: 2 }]);
    // Window closed: settling with the stale record is all that is left.
    expect(l1(frozen(52, 0))).toEqual([{ action: 'settle', version: null }]);
    const late = member1At(topology, 2);
    expect(submissions(late.step(1, { type: 'l1', channel: frozen(50, 0) }))).toEqual([{ action: 'settle', version: null }]);
  });

  it('does not challenge a recorded state as new as its own, or newer', () => {
    const cluster = member1At(topology, 2);
    expect(submissions(cluster.step(1, { type: 'l1', channel: frozen(10, 2) }))).toEqual([]);
    expect(submissions(cluster.step(2, { type: 'l1', channel: frozen(10, 7) }))).toEqual([]);
  });

  it('a member at version 0 has nothing to challenge with, and settles after the deadline', () => {
    const cluster = member1At(topology, 0);
    expect(submissions(cluster.step(1, { type: 'l1', channel: frozen(10, 0) }))).toEqual([]);
    expect(submissions(cluster.step(1, { type: 'l1', channel: frozen(50, 0) }))).toEqual([{ action: 'settle', version: null }]);
  });

  it('a wedged member resubmits its termination while L1 still shows the channel open, every few blocks', () => {
    const cluster = member1At(topology, 1);
    const open = (height: number): L1ChannelView => ({ status: 'open', recordedVersion: 0, deadline: null, height });
    cluster.step(1, { type: 'l1', channel: open(5) });
    expect(submissions(cluster.step(1, { type: 'wedge', reason: 'user' }))).toEqual([{ action: 'terminate', version: 1 }]);
    expect(submissions(cluster.step(1, { type: 'l1', channel: open(6) }))).toEqual([]);
    expect(submissions(cluster.step(1, { type: 'l1', channel: open(8) }))).toEqual([{ action: 'terminate', version: 1 }]);
    // Its termination landed: it watches for stale records from now on.
    expect(submissions(cluster.step(1, { type: 'l1', channel: frozen(9, 1, 40) }))).toEqual([]);
  });

  it('an open channel asks nothing of a member that is not wedged', () => {
    const cluster = member1At(topology, 2);
    expect(cluster.step(1, { type: 'l1', channel: { status: 'open', recordedVersion: 0, deadline: null, height: 100 } })).toEqual([]);
  });

  it('holding a final certificate it closes (also while frozen) instead of challenging', () => {
    const cluster = member1At(topology, 2);
    cluster.step(2, { type: 'close' });
    cluster.run();
    const final = cluster.states[1]!.latest;
    expect(final.state.final).toBe(true);
    const before = cluster.effectsOf(1, 'submit-l1').length;
    // Someone terminated with a stale state before the close landed.
    const effects = submissions(cluster.step(1, { type: 'l1', channel: frozen(100, 0, 130) }));
    expect(effects).toEqual([{ action: 'close', version: final.state.version }]);
    expect(cluster.effectsOf(1, 'submit-l1').length).toBe(before + 1);
  });

  it('when L1 already records its final state (someone terminated with it), it settles after the deadline', () => {
    const cluster = member1At(topology, 2);
    cluster.step(2, { type: 'close' });
    cluster.run();
    const final = cluster.states[1]!.latest.state;
    expect(final.final).toBe(true);
    // A close would be stale now (L1 takes only newer versions): nothing before the deadline, then settle.
    expect(submissions(cluster.step(1, { type: 'l1', channel: frozen(100, final.version, 130) }))).toEqual([]);
    expect(submissions(cluster.step(1, { type: 'l1', channel: frozen(130, final.version, 130) }))).toEqual([{ action: 'settle', version: null }]);
  });

  it('wedging while holding the final certificate closes at once instead of terminating', () => {
    const cluster = member1At(topology, 1);
    cluster.step(1, { type: 'close' });
    cluster.run();
    const final = cluster.states[1]!.latest;
    expect(final.state.final).toBe(true);
    const open = (height: number): L1ChannelView => ({ status: 'open', recordedVersion: 0, deadline: null, height });
    cluster.step(1, { type: 'l1', channel: open(20) });
    expect(submissions(cluster.step(1, { type: 'wedge', reason: 'user' }))).toEqual([{ action: 'close', version: final.state.version }]);
    // While L1 still shows it open, it keeps closing — never terminating.
    expect(submissions(cluster.step(1, { type: 'l1', channel: open(23) }))).toEqual([{ action: 'close', version: final.state.version }]);
  });

  it('after L1 says closed, the member ignores payments and messages', () => {
    const cluster = member1At(topology, 1);
    cluster.step(1, { type: 'l1', channel: { status: 'closed', recordedVersion: 1, deadline: 5, height: 9 } });
    expect(cluster.step(1, { type: 'payment', payment: cluster.payment(1, 0, 1n) })).toEqual([
      { type: 'payment-rejected', paymentId: expect.any(String), code: 'CHANNEL_CLOSED' },
    ]);
    expect(cluster.step(1, { type: 'wedge', reason: 'user' })).toEqual([]);
  });
});
