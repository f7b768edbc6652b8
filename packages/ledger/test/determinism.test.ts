// Proves that execution is a pure function of the committed log: the same
// blocks applied to separate ledgers give the same results and the same root
// at every height, including on a replica that restarts midway from a decoded
// snapshot (state transfer); and that a different log gives a different root.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyBlock, cloneLedger, decodeLedger, encodeLedger, stateRoot, type Block, type LedgerState, type TxResult } from '../src/index.ts';
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

function replay(log: Block[], restartAt: number | null): { roots: string[]; results: TxResult[][] } {
  let state: LedgerState = genesisLedger();
  const roots: string[] = [];
  const results: TxResult[][] = [];
  for (const block of log) {
    if (block.height === restartAt) state = decodeLedger(structuredClone(encodeLedger(state)));
    results.push(applyBlock(scheme, state, block));
    roots.push(stateRoot(state));
  }
  return { roots, results };
}

describe('determinism', () => {
  it('gives equal roots and results at every height for the same log', () => {
    fc.assert(
      fc.property(blocks, fc.nat(20), (plan, restart) => {
        const log = logFromPlan(plan);
        const first = replay(log, null);
        const second = replay(log, null);
        const restarted = replay(log, (restart % log.length) + 1);
        expect(second).toEqual(first);
        expect(restarted).toEqual(first);
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
