// What the bounded inbox guarantees, checked against a plain model over random
// sequences of operations: an offer is refused exactly when the inbox holds
// its cap (and then changes nothing), an admitted event is always taken and
// counted, each lane is first-in first-out, `take` returns at most what was
// asked, and the size is always the sum of the lanes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoundedInbox } from '../src/bounded-inbox.ts';

type Op =
  | { kind: 'offer'; lane: number }
  | { kind: 'admit'; lane: number }
  | { kind: 'take'; lane: number; count: number }
  | { kind: 'shift'; lane: number }
  | { kind: 'clear' };

const LANES = 2;
const lane = fc.integer({ min: 0, max: LANES - 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('offer' as const), lane }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('admit' as const), lane }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('take' as const), lane, count: fc.integer({ min: 1, max: 3_000 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('shift' as const), lane }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
);

describe('BoundedInbox', () => {
  it('agrees with a model: refusals exactly at the cap, FIFO per lane, sizes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3_000 }), fc.array(fc.tuple(op, fc.integer({ min: 1, max: 2_500 })), { maxLength: 60 }), (cap, ops) => {
        const inbox = new BoundedInbox<number>(cap, [{ maxPerBatch: 10 }, { maxPerBatch: 10 }]);
        const model: number[][] = [[], []];
        let next = 0;
        const size = (): number => model[0]!.length + model[1]!.length;
        for (const [operation, repeat] of ops) {
          // Runs of offers reach far past the cap, and runs of shifts through Fifo's compaction.
          const times = operation.kind === 'offer' || operation.kind === 'shift' ? repeat : 1;
          for (let time = 0; time < times; time++) {
            switch (operation.kind) {
              case 'offer': {
                const accepted = inbox.offer(next, operation.lane);
                if (accepted !== size() < cap) throw new Error(`offer ${next} answered ${accepted} at size ${size()} of ${cap}`);
                if (accepted) model[operation.lane]!.push(next);
                break;
              }
              case 'admit':
                inbox.admit(next, operation.lane);
                model[operation.lane]!.push(next);
                break;
              case 'take':
                expect(inbox.take(operation.lane, operation.count)).toEqual(model[operation.lane]!.splice(0, operation.count));
                break;
              case 'shift': {
                const shifted = inbox.shift(operation.lane);
                if (shifted !== model[operation.lane]!.shift()) throw new Error(`shift gave ${shifted}`);
                break;
              }
              case 'clear':
                inbox.clear();
                model[0] = [];
                model[1] = [];
                break;
            }
            next += 1;
          }
          expect(inbox.size).toBe(size());
          expect(inbox.sizeOf(0)).toBe(model[0]!.length);
          expect(inbox.hasRoomFor(1)).toBe(size() < cap);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('holds its cap under a flood of offers', () => {
    const inbox = new BoundedInbox<number>(1_000, [{ maxPerBatch: 2_000 }]);
    let accepted = 0;
    for (let index = 0; index < 50_000; index++) if (inbox.offer(index)) accepted += 1;
    expect(accepted).toBe(1_000);
    expect(inbox.size).toBe(1_000);
    // The first thousand stayed: a refused offer pushes nothing out.
    expect(inbox.take(0, 2_000)).toEqual(Array.from({ length: 1_000 }, (_, index) => index));
  });

  it('names a lane that does not exist', () => {
    const inbox = new BoundedInbox<number>(10, [{ maxPerBatch: 1 }]);
    expect(() => inbox.offer(1, 1)).toThrow(/no lane 1/);
  });
});
