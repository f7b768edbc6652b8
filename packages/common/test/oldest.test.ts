import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deleteOldest } from '../src/oldest.ts';

// What deleteOldest must mean, whatever its cursor: the first key in insertion
// order, found the slow way (a fresh iterator over the holes).
function naiveOldest<K>(collection: Map<K, unknown> | Set<K>): K | undefined {
  const first = collection.keys().next();
  if (first.done === true) return undefined;
  collection.delete(first.value);
  return first.value;
}

type Op = { kind: 'add'; key: number } | { kind: 'delete'; key: number } | { kind: 'oldest' } | { kind: 'clear' };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('add' as const), key: fc.integer({ min: 0, max: 40 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), key: fc.integer({ min: 0, max: 40 }) }) },
  { weight: 4, arbitrary: fc.constant({ kind: 'oldest' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
);

describe('deleteOldest', () => {
  it('deletes and returns exactly what a fresh iterator names first, under any mix of adds, deletes, clears and evictions', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), fc.boolean(), (ops, useSet) => {
        const fast: Map<number, number> | Set<number> = useSet ? new Set<number>() : new Map<number, number>();
        const slow: Map<number, number> | Set<number> = useSet ? new Set<number>() : new Map<number, number>();
        for (const step of ops) {
          if (step.kind === 'add') {
            for (const c of [fast, slow]) c instanceof Set ? c.add(step.key) : c.set(step.key, step.key);
          } else if (step.kind === 'delete') {
            fast.delete(step.key);
            slow.delete(step.key);
          } else if (step.kind === 'clear') {
            fast.clear();
            slow.clear();
          } else {
            expect(deleteOldest(fast)).toBe(naiveOldest(slow));
          }
          expect([...fast.keys()]).toEqual([...slow.keys()]);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('keeps a bounded window in insertion order across many evictions', () => {
    const window = new Set<number>();
    for (let key = 0; key < 10_000; key++) {
      window.add(key);
      if (window.size > 100) expect(deleteOldest(window)).toBe(key - 100);
    }
    expect([...window]).toEqual(Array.from({ length: 100 }, (_, index) => 9_900 + index));
  });

  it('returns undefined for an empty collection and changes nothing', () => {
    const empty = new Map<string, number>();
    expect(deleteOldest(empty)).toBeUndefined();
    empty.set('a', 1);
    expect(deleteOldest(empty)).toBe('a');
    expect(deleteOldest(empty)).toBeUndefined();
    expect(empty.size).toBe(0);
  });
});
