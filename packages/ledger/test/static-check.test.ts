// Proves the stateless check: every shape violation is MALFORMED (never an
// exception, whatever the value holds at run time); a transaction for another
// chain is WRONG_CHAIN and its signatures do not carry over to this chain;
// tx signatures must be exactly the sender's (or, for channel.open, the
// members') and cover the exact body.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createStandInScheme, hashTaggedHex, taggedPreimage, type KeyPair } from '@wedge/crypto';
import { toHex } from '@wedge/common';
import { canonicalSignedTx, canonicalTxBody, checkTxStatic, createLedgerApp, isWellFormedTx, signTx, txHash, txSigningPreimage, type SignedTx, type TxBody } from '../src/index.ts';
import { txIdTag, txTag } from '../src/tags.ts';
import {
  CHAIN_ID,
  certify,
  channelIdOf,
  channelState,
  hashOf,
  makeKeys,
  OTHER_CHAIN_ID,
  openTx,
  settleTx,
  submitStateTx,
  transferBody,
  unsignedTx,
} from './fixtures.ts';

const scheme = createStandInScheme();
const [alice, bob] = makeKeys(scheme, 2) as [KeyPair, KeyPair];
const channelId = channelIdOf('static');
const v1 = channelState(channelId, 1, [1n, 2n]);

/** One valid transaction of each type. */
function validTxs(): SignedTx[] {
  return [
    signTx(scheme, transferBody(alice, 0, bob.address, 5n), [alice]),
    openTx(scheme, alice, 0, channelId, [alice, bob], [1n, 2n]),
    submitStateTx(scheme, 'channel.close', bob, 0, channelId, { ...v1, final: true }, certify(scheme, { ...v1, final: true }, [alice, bob])),
    submitStateTx(scheme, 'channel.terminate', alice, 0, channelId, null, []),
    submitStateTx(scheme, 'channel.terminate', alice, 0, channelId, v1, certify(scheme, v1, [alice, bob])),
    submitStateTx(scheme, 'channel.challenge', bob, 0, channelId, v1, certify(scheme, v1, [alice, bob])),
    settleTx(scheme, bob, 0, channelId),
  ];
}

/** A transaction id as txHash's comment defines it: the tagged hash of the whole canonical signed transaction. */
function definedTxHash(tx: SignedTx): string {
  return hashTaggedHex(txIdTag(tx.body.chainId), canonicalSignedTx(tx));
}

describe('checkTxStatic', () => {
  it('passes one valid transaction of each type', () => {
    for (const tx of validTxs()) {
      expect(checkTxStatic(scheme, CHAIN_ID, tx)).toBeNull();
      expect(isWellFormedTx(tx)).toBe(true);
      expect(txHash(tx)).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  const transfer = transferBody(alice, 0, bob.address, 5n);
  const malformedBodies: [string, unknown][] = [
    ['an unknown type', { ...transfer, type: 'mint' }],
    ['an extra field', { ...transfer, memo: 'hi' }],
    ['a missing field', { type: 'transfer', chainId: CHAIN_ID, from: alice.address, nonce: 0, to: bob.address }],
    ['an amount as a number', { ...transfer, amount: 5 }],
    ['an amount as a string', { ...transfer, amount: '5' }],
    ['a negative nonce', { ...transfer, nonce: -1 }],
    ['a fractional nonce', { ...transfer, nonce: 0.5 }],
    ['an unsafe nonce', { ...transfer, nonce: 2 ** 53 }],
    ['a nonce as a bigint', { ...transfer, nonce: 0n }],
    ['an uppercase address', { ...transfer, to: bob.address.toUpperCase() }],
    ['a short address', { ...transfer, to: bob.address.slice(2) }],
    ['a chain id that is no chain id', { ...transfer, chainId: 'Wedge Test' }],
    ['a chain id with a lone surrogate', { ...transfer, chainId: 'wedge\uD800' }],
    ['a null body', null],
    ['an array body', [transfer]],
    ['a settle with a bad channel id', { type: 'channel.settle', chainId: CHAIN_ID, from: alice.address, nonce: 0, channelId: 'xyz' }],
    [
      'a terminate with a null state and signatures',
      { type: 'channel.terminate', chainId: CHAIN_ID, from: alice.address, nonce: 0, channelId, state: null, stateSignatures: ['ab'.repeat(64)] },
    ],
    [
      'a challenge without a state',
      { type: 'channel.challenge', chainId: CHAIN_ID, from: alice.address, nonce: 0, channelId, state: null, stateSignatures: [] },
    ],
    [
      'a state with a fractional version',
      { type: 'channel.challenge', chainId: CHAIN_ID, from: alice.address, nonce: 0, channelId, state: { ...v1, version: 1.5 }, stateSignatures: [] },
    ],
    [
      'a state with a number balance',
      { type: 'channel.challenge', chainId: CHAIN_ID, from: alice.address, nonce: 0, channelId, state: { ...v1, balances: [1n, 2] }, stateSignatures: [] },
    ],
    [
      'a state with a sparse balance list',
      // eslint-disable-next-line no-sparse-arrays
      { type: 'channel.challenge', chainId: CHAIN_ID, from: alice.address, nonce: 0, channelId, state: { ...v1, balances: [1n, , 2n] }, stateSignatures: [] },
    ],
    [
      'a state with a bad chain id',
      { type: 'channel.challenge', chainId: CHAIN_ID, from: alice.address, nonce: 0, channelId, state: { ...v1, chainId: 'X\uDC00' }, stateSignatures: [] },
    ],
    [
      'a state with an extra field',
      { type: 'channel.challenge', chainId: CHAIN_ID, from: alice.address, nonce: 0, channelId, state: { ...v1, extra: 1 }, stateSignatures: [] },
    ],
    [
      'a state with 17 balances',
      { type: 'channel.challenge', chainId: CHAIN_ID, from: alice.address, nonce: 0, channelId, state: { ...v1, balances: Array(17).fill(0n) }, stateSignatures: [] },
    ],
    [
      'state signatures that are not hex',
      { type: 'channel.challenge', chainId: CHAIN_ID, from: alice.address, nonce: 0, channelId, state: v1, stateSignatures: ['not hex'] },
    ],
    [
      'a commands hash of the wrong length',
      { type: 'channel.challenge', chainId: CHAIN_ID, from: alice.address, nonce: 0, channelId, state: { ...v1, commandsHash: hashOf('x').slice(2) }, stateSignatures: [] },
    ],
  ];

  it.each(malformedBodies)('refuses a body with %s as MALFORMED', (_label, body) => {
    const tx = unsignedTx(body, [alice]);
    expect(checkTxStatic(scheme, CHAIN_ID, tx)).toBe('MALFORMED');
    expect(isWellFormedTx(tx)).toBe(false);
  });

  const good = signTx(scheme, transfer, [alice]);
  const malformedEnvelopes: [string, unknown][] = [
    ['null', null],
    ['a string', 'tx'],
    ['an extra top-level field', { ...good, extra: true }],
    ['signatures that are not a list', { ...good, signatures: good.signatures[0] }],
    ['a signature with an extra field', { ...good, signatures: [{ ...good.signatures[0]!, v: 27 }] }],
    ['a public key of the wrong length', { ...good, signatures: [{ ...good.signatures[0]!, publicKey: '02abcd' }] }],
    ['an uncompressed-key prefix', { ...good, signatures: [{ ...good.signatures[0]!, publicKey: `04${good.signatures[0]!.publicKey.slice(2)}` }] }],
    ['a signature that is not hex', { ...good, signatures: [{ ...good.signatures[0]!, signature: 'zz' }] }],
    ['an oversized signature', { ...good, signatures: [{ ...good.signatures[0]!, signature: 'ab'.repeat(129) }] }],
    ['17 signatures', { ...good, signatures: Array(17).fill(good.signatures[0]) }],
    ['a Map as the body', { ...good, body: new Map(Object.entries(transfer)) }],
  ];

  it.each(malformedEnvelopes)('refuses an envelope with %s as MALFORMED', (_label, tx) => {
    expect(checkTxStatic(scheme, CHAIN_ID, tx as SignedTx)).toBe('MALFORMED');
  });

  it('refuses a transaction for another chain, and its signatures on this chain', () => {
    const foreign = signTx(scheme, transferBody(alice, 0, bob.address, 5n, OTHER_CHAIN_ID), [alice]);
    expect(checkTxStatic(scheme, CHAIN_ID, foreign)).toBe('WRONG_CHAIN');
    expect(checkTxStatic(scheme, OTHER_CHAIN_ID, foreign)).toBeNull();
    // Replaying the other chain's signature with the chain id rewritten fails: the chain is in the tag.
    const replayed: SignedTx = { ...foreign, body: { ...foreign.body, chainId: CHAIN_ID } };
    expect(checkTxStatic(scheme, CHAIN_ID, replayed)).toBe('BAD_SIGNATURE');
  });

  it('requires exactly one signature, by the sender, over the exact body', () => {
    expect(checkTxStatic(scheme, CHAIN_ID, { body: transfer, signatures: [] })).toBe('BAD_SIGNATURE');
    expect(checkTxStatic(scheme, CHAIN_ID, { body: transfer, signatures: [...good.signatures, ...good.signatures] })).toBe('BAD_SIGNATURE');
    expect(checkTxStatic(scheme, CHAIN_ID, signTx(scheme, transfer, [bob]))).toBe('BAD_SIGNATURE');
    // Bob's signature presented under Alice's key.
    const bobSignature = signTx(scheme, transfer, [bob]).signatures[0]!.signature;
    expect(checkTxStatic(scheme, CHAIN_ID, { body: transfer, signatures: [{ publicKey: toHex(alice.publicKey), signature: bobSignature }] })).toBe(
      'BAD_SIGNATURE',
    );
    const tampered: SignedTx = { ...good, body: { ...transfer, amount: 6n } };
    expect(checkTxStatic(scheme, CHAIN_ID, tampered)).toBe('BAD_SIGNATURE');
    // A signature over the body under the channel-state tag is not a tx signature.
    const wrongKind = { ...good, signatures: [{ ...good.signatures[0]!, signature: certify(scheme, v1, [alice])[0]! }] };
    expect(checkTxStatic(scheme, CHAIN_ID, wrongKind)).toBe('BAD_SIGNATURE');
  });

  it('puts value ranges after the chain check and before the signatures', () => {
    const unsignedZero = unsignedTx(transferBody(alice, 0, bob.address, 0n), [alice]);
    expect(checkTxStatic(scheme, CHAIN_ID, unsignedZero)).toBe('INVALID_AMOUNT');
    const foreignZero = unsignedTx(transferBody(alice, 0, bob.address, 0n, OTHER_CHAIN_ID), [alice]);
    expect(checkTxStatic(scheme, CHAIN_ID, foreignZero)).toBe('WRONG_CHAIN');
  });

  it('never throws, on arbitrary values or on mutations of valid transactions', () => {
    const anything = fc.anything({ withBigInt: true, withMap: true, withNullPrototype: true, withSparseArray: true, withTypedArray: true });
    fc.assert(
      fc.property(anything, (value) => {
        const code = checkTxStatic(scheme, CHAIN_ID, value as SignedTx);
        expect(code).toBe('MALFORMED');
      }),
      { numRuns: 300 },
    );
    const txs = validTxs();
    fc.assert(
      fc.property(fc.nat(txs.length - 1), fc.array(fc.tuple(fc.string(), anything), { maxLength: 3 }), (index, edits) => {
        const tx = structuredClone(txs[index]!);
        const body = tx.body as unknown as Record<string, unknown>;
        const keys = Object.keys(body);
        for (const [key, value] of edits) body[keys[key.length % keys.length]!] = value;
        const code = checkTxStatic(scheme, CHAIN_ID, tx);
        expect(code === null || typeof code === 'string').toBe(true);
        if (isWellFormedTx(tx)) expect(txHash(tx)).toBe(definedTxHash(tx));
      }),
      { numRuns: 500 },
    );
  });

  it('hashes the id from the signing preimage to exactly the bytes of its definition', () => {
    for (const tx of validTxs()) {
      expect(txHash(tx)).toBe(definedTxHash(tx));
      const twoSigners = { ...tx, signatures: [...tx.signatures, ...tx.signatures] };
      expect(txHash(twoSigners)).toBe(definedTxHash(twoSigners));
      expect(txHash({ ...tx, signatures: [] })).toBe(definedTxHash({ ...tx, signatures: [] }));
    }
  });

  it('writes a transfer body field by field to exactly the bytes of its canonical form, whatever the fields hold', () => {
    const outcome = (run: () => Uint8Array): string => {
      try {
        return Buffer.from(run()).toString('hex');
      } catch (error) {
        return `throws ${(error as Error).name}`;
      }
    };
    const field = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.bigInt(), fc.integer(), fc.double(), fc.constant(null), fc.constant(undefined));
    fc.assert(
      fc.property(field, field, field, field, field, (amount, from, to, nonce, chainId) => {
        const body = { type: 'transfer', chainId: typeof chainId === 'string' ? CHAIN_ID : chainId, from, nonce, to, amount } as unknown as TxBody;
        expect(outcome(() => txSigningPreimage(body))).toBe(outcome(() => taggedPreimage(txTag(body.chainId), canonicalTxBody(body))));
      }),
      { numRuns: 1_000 },
    );
    const transfer = validTxs()[0]!.body;
    expect(Buffer.from(txSigningPreimage(transfer)).toString('hex')).toBe(Buffer.from(taggedPreimage(txTag(CHAIN_ID), canonicalTxBody(transfer))).toString('hex'));
  });

  it('gives different ids to different transactions and the same id to equal ones', () => {
    const ids = validTxs().map(txHash);
    expect(new Set(ids).size).toBe(ids.length);
    expect(txHash(structuredClone(validTxs()[0]!))).toBe(ids[0]);
  });
});

describe('the replica adapter (createLedgerApp)', () => {
  it('answers exactly as the plain functions, on valid, edited and arbitrary values, asked in any order', () => {
    const anything = fc.anything({ withBigInt: true, withMap: true, withNullPrototype: true, withTypedArray: true });
    const txs = validTxs();
    fc.assert(
      fc.property(
        fc.nat(txs.length - 1),
        fc.array(fc.tuple(fc.string(), anything), { maxLength: 2 }),
        fc.boolean(),
        fc.boolean(),
        (index, edits, shapeFirst, idFirst) => {
          const app = createLedgerApp(scheme, CHAIN_ID);
          const tx = structuredClone(txs[index]!);
          const body = tx.body as unknown as Record<string, unknown>;
          const keys = Object.keys(body);
          for (const [key, value] of edits) body[keys[key.length % keys.length]!] = value;
          const wellFormed = isWellFormedTx(tx);
          if (shapeFirst) expect(app.isWellFormed(tx)).toBe(wellFormed);
          // The id first or the check first: the adapter drops the preimage once it has both, and must not need it after.
          if (idFirst && wellFormed) expect(app.txHash(tx)).toBe(txHash(tx));
          expect(app.checkTx(tx)).toBe(checkTxStatic(scheme, CHAIN_ID, tx));
          expect(app.checkTx(tx)).toBe(checkTxStatic(scheme, CHAIN_ID, tx)); // remembered
          expect(app.isWellFormed(tx)).toBe(wellFormed);
          if (wellFormed) {
            expect(app.txHash(tx)).toBe(txHash(tx));
            expect(app.txHash(tx)).toBe(txHash(tx)); // remembered
          }
        },
      ),
      { numRuns: 400 },
    );
    const app = createLedgerApp(scheme, CHAIN_ID);
    for (const value of [null, 7, 'tx', [], {}]) expect(app.isWellFormed(value)).toBe(false);
  });
});

describe('signTx', () => {
  it('refuses no signers and more than 16', () => {
    const body: TxBody = transferBody(alice, 0, bob.address, 1n);
    expect(() => signTx(scheme, body, [])).toThrow();
    expect(() => signTx(scheme, body, makeKeys(scheme, 17))).toThrow();
  });
});
