// Proves the L1 invariants (agreement, validity, convergence, conservation,
// settlement, liveness after GST) over the second half of 200 simulator seeds:
// n = 4 and 7, network loss/duplication/reordering, partitions, crashes with
// restart from persisted state, and Byzantine replicas in about half the runs.
// (Two files so that vitest runs the halves on both cores.)
import { describe, it } from 'vitest';
import { runL1Seed } from '../src/index.ts';
import { expectCleanSeeds } from './helpers.ts';

describe('L1 simulator, seeds 100..199', () => {
  it('finds no violation', () => expectCleanSeeds(100, 100, runL1Seed));
});
