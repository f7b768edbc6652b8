// Proves the L1 invariants (agreement, validity, convergence, conservation,
// settlement, liveness after GST) over the second half of 200 simulator seeds:
// n = 4 and 7, network loss/duplication/reordering, partitions, crashes with
// restart from persisted state, and Byzantine replicas in about half the runs.
import { describe, expect, it } from 'vitest';
import { runL1Seed } from '../src/index.ts';

const FROM = 100;
const COUNT = 100;

describe(`L1 simulator, seeds ${FROM}..${FROM + COUNT - 1}`, () => {
  it('finds no violation', () => {
    const failures: string[] = [];
    let byzantineRuns = 0;
    let viewChanges = 0;
    let committed = 0;
    for (let seed = FROM; seed < FROM + COUNT; seed++) {
      const result = runL1Seed(seed);
      if (result.byzantine) byzantineRuns += 1;
      viewChanges += result.viewChanges;
      committed += result.committedBlocks;
      for (const violation of result.violations) failures.push(`seed ${seed} ${violation.invariant}: ${violation.detail}`);
    }
    expect(failures).toEqual([]);
    // The seeds really exercise faults: Byzantine replicas and view changes occur.
    expect(byzantineRuns).toBeGreaterThan(COUNT / 4);
    expect(viewChanges).toBeGreaterThan(0);
    expect(committed).toBeGreaterThan(COUNT * 50);
  });
});
