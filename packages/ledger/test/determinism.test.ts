// Proves that execution is a function of the committed log alone, whatever
// else differs between replicas: the same blocks give the same results and
// the same root at every height on a ledger that executes them through the
// replica's memoizing adapter (createLedgerApp: a transaction's checks are
// remembered per object), on one that gets fresh copies of every transaction
// (as from the wire, nothing remembered), on one restarted midway from a
// decoded snapshot (state transfer), and on one whose maps hold the same
// accounts and channels in another order (a replica that built them in
// another history). And that a different log gives a different root.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyBlock, cloneLedger, createLedgerApp, decodeLedger, encodeLedger, stateRoot, type Block, type LedgerState, type TxResult } from '../src/index.ts';
import { attempt } from './fixtures.ts';
import { blocks, buildTx, genesisLedger, scheme } from './generators.ts';

/** Turns a random plan into a committed log, as a primary would propose it. */
function logFromPlan(plan: Parameters<typeof buildTx>[1][][]): Block[] {
  const proposer = genesisLedger();
  const log: Block[] = [];
  for (const actions of plan) {
    const working = cloneLedger(proposer);
    const txs = actions.map((step) => {
      const tx = buildTx(working, step);
      attempt(scheme, working, tx);
      return tx;
    });
    const block = { height: proposer.height + 1, txs };
    applyBlock(scheme, proposer, block);
    log.push(block);
  }
  return log;
}

type Replica = 'memoized' | 'fresh-copies' | 'restarted' | 'reordered';

/** Replays `log` the way one kind of replica would; `at` is the height where the restart or reordering happens. */
function replay(log: Block[], replica: Replica, at: number): { roots: string[]; results: TxResult[][] } {
  let state: LedgerState = genesisLedger();
  const app = createLedgerApp(scheme, state.chainId);
  const roots: string[] = [];
  const results: TxResult[][] = [];
  for (const block of log) {
    if (block.height === at && replica === 'restarted') state = decodeLedger(structuredClone(encodeLedger(state)));
    if (block.height === at && replica === 'reordered') {
      state.accounts = new Map([...state.accounts].reverse());
      state.channels = new Map([...state.channels].reverse());
    }
    if (replica === 'memoized') {
      // Twice the same objects: the second execution (of a copy of the state) meets remembered checks.
      app.execute(cloneLedger(state), block.height, block.txs);
      results.push(app.execute(state, block.height, block.txs) as TxResult[]);
    } else if (replica === 'fresh-copies') {
      results.push(applyBlock(scheme, state, structuredClone(block)));
    } else {
      results.push(applyBlock(scheme, state, block));
    }
    roots.push(stateRoot(state));
  }
  return { roots, results };
}

describe('determinism', () => {
  it('gives equal roots and results at every height for the same log, on every kind of replica', () => {
    fc.assert(
      fc.property(blocks, fc.nat(20), (plan, pick) => {
        const log = logFromPlan(plan);
        const at = (pick % log.length) + 1;
        const reference = replay(log, 'fresh-copies', at);
        for (const replica of ['memoized', 'restarted', 'reordered'] as const) expect(replay(log, replica, at), replica).toEqual(reference);
      }),
      { numRuns: 100 },
    );
  });

  it('gives different roots for different logs', () => {
    const genesis = genesisLedger();
    const withEmpty = cloneLedger(genesis);
    applyBlock(scheme, withEmpty, { height: 1, txs: [] });
    expect(stateRoot(withEmpty)).not.toBe(stateRoot(genesis));
    const other = genesisLedger();
    fc.assert(
      fc.property(blocks, (plan) => {
        const log = logFromPlan(plan);
        const state = genesisLedger();
        const seen = new Set([stateRoot(other)]);
        // Every block moves the height, so no two heights share a root.
        for (const block of log) {
          applyBlock(scheme, state, block);
          const root = stateRoot(state);
          expect(seen.has(root)).toBe(false);
          seen.add(root);
        }
      }),
      { numRuns: 30 },
    );
  });
});
