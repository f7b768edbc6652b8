// Proves that parse failures become errors a person can act on: parseWire
// throws a WedgeError with the requested code, and its message names the bad
// field, following the branch of a union the value was meant for.
import { isWedgeError, WedgeError } from '@wedge/common';
import { describe, expect, it } from 'vitest';
import { describeZodError, parseWire, signedTxToWire, SubmitTxsBody, WireSignedTx } from '../src/index.ts';
import { copy, sampleTxs } from './fixtures.ts';

type Json = Record<string, any>;
const transfer = signedTxToWire(sampleTxs().transfer);
const broken = (change: (tx: Json) => void) => {
  const tx = copy(transfer) as Json;
  change(tx);
  return tx;
};

function messageFor(schema: typeof SubmitTxsBody | typeof WireSignedTx, value: unknown): string {
  const result = schema.safeParse(value);
  expect(result.success).toBe(false);
  return describeZodError(result.error!);
}

describe('describeZodError', () => {
  it('names the field of a single transaction', () => {
    expect(messageFor(SubmitTxsBody, broken((tx) => (tx.body.amount = '-1')))).toMatch(/^body\.amount: /);
  });

  it('names the transaction and field inside a batch', () => {
    expect(messageFor(SubmitTxsBody, [transfer, broken((tx) => (tx.body.nonce = 'x'))])).toMatch(/^\[1\]\.body\.nonce: /);
  });

  it('names an unknown key', () => {
    expect(messageFor(WireSignedTx, broken((tx) => (tx.body.memo = 'x')))).toMatch(/memo/);
  });

  it('names an unknown tx type', () => {
    expect(messageFor(WireSignedTx, broken((tx) => (tx.body.type = 'steal')))).toMatch(/^body\.type: /);
  });

  it('stays short for a value with many errors', () => {
    const manyErrors = Array.from({ length: 500 }, () => ({ body: 1, signatures: 2 }));
    expect(messageFor(SubmitTxsBody, manyErrors).length).toBeLessThanOrEqual(500);
  });
});

describe('parseWire', () => {
  it('returns the typed value', () => {
    expect(parseWire(WireSignedTx, transfer)).toEqual(transfer);
  });

  it('throws a WedgeError with INVALID_BODY, or the given code', () => {
    let caught: unknown;
    try {
      parseWire(WireSignedTx, 5);
    } catch (error) {
      caught = error;
    }
    expect(isWedgeError(caught) && caught.code).toBe('INVALID_BODY');
    expect(() => parseWire(WireSignedTx, 5, 'INVALID_RESPONSE')).toThrow(WedgeError);
    try {
      parseWire(WireSignedTx, 5, 'INVALID_RESPONSE');
    } catch (error) {
      expect((error as WedgeError).code).toBe('INVALID_RESPONSE');
    }
  });
});
