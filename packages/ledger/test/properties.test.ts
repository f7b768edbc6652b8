// Proves, over random sequences of valid and invalid transactions of every
// type (fast-check), that:
//   - funds are conserved: balances + locked deposits = genesis supply after every block;
//   - a rejected transaction changes nothing (same root, same nonce), an
//     accepted one advances its sender's nonce by exactly one;
//   - applying a block gives the same codes and root as applying its
//     transactions one by one;
//   - encode → decode (which re-checks every ledger invariant) and clone
//     preserve the state root after every block.
// The generator's coverage is checked too, so the property cannot pass vacuously.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyBlock, cloneLedger, decodeLedger, encodeLedger, stateRoot, totalFunds, type SignedTx, type TxCode } from '../src/index.ts';
import { attempt } from './fixtures.ts';
import { blocks, buildTx, genesisLedger, scheme } from './generators.ts';

describe('ledger properties over random transaction sequences', () => {
  it('conserve funds, change nothing on rejection, and round-trip every snapshot', () => {
    const seenCodes = new Map<TxCode, number>();
    const acceptedTypes = new Map<string, number>();
    fc.assert(
      fc.property(blocks, (plan) => {
        const state = genesisLedger();
        const supply = state.supply;
        for (const actions of plan) {
          // Build and try each transaction on a working copy, one at a time.
          const working = cloneLedger(state);
          const txs: SignedTx[] = [];
          const codes: TxCode[] = [];
          for (const step of actions) {
            const tx = buildTx(working, step);
            const sender = tx.body.from;
            const nonceBefore = working.accounts.get(sender)?.nonce ?? 0;
            const rootBefore = stateRoot(working);
            const code = attempt(scheme, working, tx);
            const nonceAfter = working.accounts.get(sender)?.nonce ?? 0;
            if (code === 'OK') {
              expect(nonceAfter).toBe(nonceBefore + 1);
              acceptedTypes.set(tx.body.type, (acceptedTypes.get(tx.body.type) ?? 0) + 1);
            } else {
              expect(stateRoot(working)).toBe(rootBefore);
              expect(nonceAfter).toBe(nonceBefore);
            }
            expect(totalFunds(working)).toBe(supply);
            seenCodes.set(code, (seenCodes.get(code) ?? 0) + 1);
            txs.push(tx);
            codes.push(code);
          }
          // The block as a whole gives the same codes and the same state.
          const results = applyBlock(scheme, state, { height: state.height + 1, txs });
          expect(results.map((result) => result.code)).toEqual(codes);
          working.height = state.height;
          expect(stateRoot(state)).toBe(stateRoot(working));
          expect(totalFunds(state)).toBe(supply);
          const root = stateRoot(state);
          expect(stateRoot(decodeLedger(encodeLedger(state)))).toBe(root);
          expect(stateRoot(cloneLedger(state))).toBe(root);
        }
      }),
      { numRuns: 400 },
    );
    // The generator must reach every transaction type's success and most refusals.
    expect([...acceptedTypes.keys()].sort()).toEqual(
      ['channel.challenge', 'channel.close', 'channel.deposit', 'channel.open', 'channel.settle', 'channel.terminate', 'channel.withdraw', 'transfer'].sort(),
    );
    expect(seenCodes.size, JSON.stringify([...seenCodes])).toBeGreaterThanOrEqual(16);
    expect(seenCodes.get('OK')).toBeGreaterThan(200);
  });
});
