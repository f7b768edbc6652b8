// Proves that the wire codec loses nothing: for any transaction in the wire's
// range, toWire gives JSON the strict schema accepts, and fromWire of it
// (after a trip through JSON text) is the same transaction with the same
// ledger id (`txHash`). Genuinely signed transactions of every type still pass
// the ledger's static check (signatures included) after the trip.
import fc from 'fast-check';
import { checkTxStatic, txHash } from '@wedge/ledger';
import { describe, expect, it } from 'vitest';
import { signedTxFromWire, signedTxToWire, WireCommittedTx, WireSignedTx } from '../src/index.ts';
import { signedTx } from './arbitraries.ts';
import { CHAIN_ID, nullTerminateTx, sampleTxs, scheme } from './fixtures.ts';

describe('signed transaction codec', () => {
  it('round trips any transaction exactly: same value, same txHash', () => {
    fc.assert(
      fc.property(signedTx, (tx) => {
        const wire = WireSignedTx.parse(JSON.parse(JSON.stringify(signedTxToWire(tx))));
        const back = signedTxFromWire(wire);
        expect(back).toEqual(tx);
        expect(txHash(back)).toBe(txHash(tx));
        // What the strict schema accepts, the committed-block schema accepts too.
        expect(WireCommittedTx.safeParse(wire).success).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('round trips wire JSON exactly: toWire(fromWire(wire)) equals wire', () => {
    fc.assert(
      fc.property(signedTx, (tx) => {
        const wire = signedTxToWire(tx);
        expect(signedTxToWire(signedTxFromWire(wire))).toEqual(wire);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps real signatures valid for every tx type', () => {
    for (const tx of [...Object.values(sampleTxs()), nullTerminateTx()]) {
      const back = signedTxFromWire(WireSignedTx.parse(JSON.parse(JSON.stringify(signedTxToWire(tx)))));
      expect(checkTxStatic(scheme, CHAIN_ID, back)).toBeNull();
      expect(txHash(back)).toBe(txHash(tx));
    }
  });

  it('drops stray properties instead of carrying them', () => {
    const tx = sampleTxs().transfer;
    const strayBody: Record<string, unknown> = { ...tx.body, note: 'x' };
    const stray = { ...tx, extra: 1, body: strayBody } as unknown as typeof tx;
    const wire = signedTxToWire(stray);
    expect(WireSignedTx.safeParse(wire).success).toBe(true);
    expect(txHash(signedTxFromWire(wire))).toBe(txHash(tx));
  });
});
