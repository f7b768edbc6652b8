// Proves the replica's event scheduler only reorders: votes and timers go
// first in arrival order; a proposal is handed over once each of its
// transactions was checked, ahead of requests; requests keep their order,
// and state transfer replies keep their place among them;
// every event comes out exactly once; and only requests beyond the bound are
// dropped.
import { describe, expect, it } from 'vitest';
import type { ConsensusEvent } from '@wedge/consensus';
import type { SignedTx } from '@wedge/ledger';
import { EventScheduler } from '../src/event-scheduler.ts';

type Event = ConsensusEvent<SignedTx>;

const tx = (id: number) => ({ id }) as unknown as SignedTx;
const request = (id: number): Event => ({ type: 'request', tx: tx(id) });
const forwarded = (id: number): Event => ({ type: 'message', from: 1, message: { type: 'request', tx: tx(id) } });
const vote = (seq: number): Event => ({
  type: 'message',
  from: 1,
  message: { type: 'prepare', view: 0, seq, digest: 'd', replica: 1, signature: 's' },
});
const proposal = (seq: number, txIds: number[]): Event => ({
  type: 'message',
  from: 0,
  message: {
    type: 'pre-prepare-block',
    prePrepare: { type: 'pre-prepare', view: 0, seq, digest: 'd', replica: 0, signature: 's' },
    block: { height: seq, txs: txIds.map(tx) },
  },
});

/** Everything the scheduler hands out, as a drain would take it. */
function drainAll(scheduler: EventScheduler): Event[] {
  const out: Event[] = [];
  for (let guard = 0; guard < 10_000 && !scheduler.isEmpty; guard++) {
    out.push(...scheduler.takeCheap(2_000));
    const next = scheduler.nextCostly();
    if (next !== null && next !== undefined) out.push(next);
  }
  return out;
}

describe('EventScheduler', () => {
  it('hands out cheap events first, then checked proposals, then requests, each in arrival order', () => {
    const checked: number[] = [];
    const scheduler = new EventScheduler({ checkTx: (t) => checked.push((t as unknown as { id: number }).id), maxQueuedRequests: 100 });
    const events = [request(1), vote(1), proposal(1, [10, 11]), forwarded(2), vote(2), proposal(2, [12]), request(3), { type: 'start' } as Event];
    for (const event of events) expect(scheduler.push(event)).toBe(true);
    const out = drainAll(scheduler);
    expect(out).toEqual([vote(1), vote(2), { type: 'start' }, proposal(1, [10, 11]), proposal(2, [12]), request(1), forwarded(2), request(3)]);
    expect(checked).toEqual([10, 11, 12]);
  });

  it('keeps state transfer replies in line with requests, as they arrived', () => {
    const scheduler = new EventScheduler({ checkTx: () => undefined, maxQueuedRequests: 100 });
    const reply: Event = { type: 'message', from: 2, message: { type: 'state-reply', snapshot: null, blocks: [] } };
    for (const event of [forwarded(1), reply, vote(1), forwarded(2)]) scheduler.push(event);
    expect(scheduler.queuedRequests).toBe(2);
    expect(drainAll(scheduler)).toEqual([vote(1), forwarded(1), reply, forwarded(2)]);
    expect(scheduler.queuedRequests).toBe(0);
  });

  it('checks a proposal one transaction per step, so a big block never blocks the loop', () => {
    let checks = 0;
    const scheduler = new EventScheduler({ checkTx: () => checks++, maxQueuedRequests: 100 });
    scheduler.push(proposal(1, [1, 2, 3]));
    expect(scheduler.nextCostly()).toBeNull();
    expect(scheduler.nextCostly()).toBeNull();
    expect(checks).toBe(2);
    expect(scheduler.nextCostly()).toEqual(proposal(1, [1, 2, 3]));
    expect(scheduler.nextCostly()).toBeUndefined();
    expect(scheduler.isEmpty).toBe(true);
  });

  it('drops requests beyond the bound and nothing else', () => {
    const scheduler = new EventScheduler({ checkTx: () => undefined, maxQueuedRequests: 2 });
    expect(scheduler.push(request(1))).toBe(true);
    expect(scheduler.push(forwarded(2))).toBe(true);
    expect(scheduler.push(request(3))).toBe(false);
    expect(scheduler.push(vote(1))).toBe(true);
    expect(scheduler.queuedRequests).toBe(2);
    expect(drainAll(scheduler)).toEqual([vote(1), request(1), forwarded(2)]);
  });

  it('keeps the order of many requests across its internal compaction', () => {
    const scheduler = new EventScheduler({ checkTx: () => undefined, maxQueuedRequests: 10_000 });
    for (let id = 0; id < 5_000; id++) scheduler.push(request(id));
    const ids = drainAll(scheduler).map((event) => (event as unknown as { tx: { id: number } }).tx.id);
    expect(ids).toEqual(Array.from({ length: 5_000 }, (_, id) => id));
  });
});
