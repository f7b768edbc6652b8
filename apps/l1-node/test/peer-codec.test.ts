// Proves the replica shell's performance pieces change nothing observable:
// parseTagged (one walk after a plain JSON.parse) gives exactly what the
// JSON.parse reviver it replaced gave, on arbitrary values and hostile keys;
// interning hands out an earlier transaction only when it is structurally
// equal, so a same-signature twin that differs anywhere is kept as it is.
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { fromHex, isHex } from '@wedge/common';
import { keyPairFromSeed } from '@wedge/crypto';
import { fastSecp256k1 } from '@wedge/crypto/node';
import { signTx, type SignedTx } from '@wedge/ledger';
import { parseTagged, stringifyMessage, stringifyTagged } from '../src/tagged-json.ts';
import { GENERATION_MS, TxInterner, isSameValue } from '../src/tx-interner.ts';
import { parsePeerMessages, peerMessageSchemaFor } from '../src/peer-schema.ts';

const BIG_PATTERN = /^-?(0|[1-9][0-9]{0,77})$/;

/** The reviver-based decoder parseTagged replaced, kept here as the reference. */
function parseWithReviver(text: string): unknown {
  return JSON.parse(text, (_key, item: unknown) => {
    if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
      const record = item as Record<string, unknown>;
      const keys = Object.keys(record);
      if (keys.length === 1 && typeof record.$big === 'string' && BIG_PATTERN.test(record.$big)) return BigInt(record.$big);
      if (keys.length === 1 && typeof record.$bytes === 'string' && isHex(record.$bytes)) return fromHex(record.$bytes);
    }
    return item;
  });
}

const key = fc.oneof(fc.string(), fc.constantFrom('$big', '$bytes', '__proto__', 'constructor'));
const leaf = fc.oneof(
  fc.bigInt(),
  fc.uint8Array({ maxLength: 8 }),
  fc.string(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constant(null),
  fc.boolean(),
  fc.record({ $big: fc.oneof(fc.string(), fc.constantFrom('12', '-0', '007', '-5')) }),
  fc.record({ $bytes: fc.oneof(fc.string(), fc.constantFrom('abcd', 'abc', 'ABCD', '')) }),
);
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(key, tie('node'), { maxKeys: 4 })),
})).node;

describe('parseTagged', () => {
  it('decodes exactly like the JSON.parse reviver, for any encoded value', () => {
    fc.assert(
      fc.property(value, (input) => {
        const text = stringifyTagged(input);
        expect(isDeepStrictEqual(parseTagged(text), parseWithReviver(text))).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('decodes hand-written hostile texts like the reviver and pollutes no prototype', () => {
    const texts = [
      '{"__proto__":{"$big":"5"}}',
      '{"a":{"__proto__":{"polluted":1}}}',
      '{"$big":{"$big":"1"}}',
      '[{"$bytes":"00ff"},{"$big":"1","x":1},{"$big":"01"}]',
      '{"$big":"1"}',
      '"text"',
      '7',
    ];
    for (const text of texts) expect(isDeepStrictEqual(parseTagged(text), parseWithReviver(text))).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('TxInterner', () => {
  const alice = keyPairFromSeed(fastSecp256k1, 'interner-alice');
  const bob = keyPairFromSeed(fastSecp256k1, 'interner-bob');
  const transfer = (nonce: number): SignedTx =>
    signTx(fastSecp256k1, { type: 'transfer', chainId: 'wedge-test', from: alice.address, nonce, to: bob.address, amount: 5n }, [alice]);
  const copy = (tx: SignedTx): SignedTx => parseTagged(stringifyTagged(tx)) as SignedTx;

  it('hands out the first copy for an equal one', () => {
    const interner = new TxInterner();
    const first = transfer(0);
    expect(interner.intern(first)).toBe(first);
    expect(interner.intern(copy(first))).toBe(first);
    const other = transfer(1);
    expect(interner.intern(other)).toBe(other);
  });

  it('remembers a transaction for one to two generations, longer when met again', () => {
    let now = 0;
    const interner = new TxInterner(() => now);
    const kept = transfer(0);
    const dropped = transfer(1);
    interner.intern(kept);
    interner.intern(dropped);
    now = GENERATION_MS; // a new generation: both in the last one
    expect(interner.intern(copy(kept))).toBe(kept); // met again: carried into this one
    expect(interner.size).toBe(3);
    now = 2 * GENERATION_MS; // the generation `dropped` was last met in is forgotten
    expect(interner.intern(copy(kept))).toBe(kept);
    const again = copy(dropped);
    expect(interner.intern(again)).toBe(again);
    now = 10 * GENERATION_MS; // long idle: everything is forgotten at once
    const late = copy(kept);
    expect(interner.intern(late)).toBe(late);
    expect(interner.size).toBe(1);
  });

  it('keeps a twin with the same signature but any difference', () => {
    const interner = new TxInterner();
    const first = transfer(0);
    interner.intern(first);
    const twins: SignedTx[] = [
      { ...copy(first), body: { ...first.body, amount: 6n } as SignedTx['body'] },
      { ...copy(first), body: { ...first.body, nonce: 1 } },
      { ...copy(first), body: { ...first.body, amount: '5' } as unknown as SignedTx['body'] },
      { ...copy(first), signatures: [...first.signatures, first.signatures[0]!] },
      { ...copy(first), extra: 1 } as unknown as SignedTx,
    ];
    for (const twin of twins) expect(interner.intern(twin)).toBe(twin);
  });

  it('isSameValue is structural equality on decoded values', () => {
    // What interning sees: values as a peer envelope decodes them.
    const decoded = value.map((input) => parseTagged(stringifyTagged(input)));
    fc.assert(
      fc.property(decoded, decoded, (a, b) => {
        expect(isSameValue(a, b)).toBe(isDeepStrictEqual(a, b) && !containsBytes(a));
        expect(isSameValue(a, parseTagged(stringifyTagged(a)))).toBe(!containsBytes(a));
      }),
      { numRuns: 1_000 },
    );
    expect(isSameValue(0, -0)).toBe(false);
    expect(isSameValue({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
  });
});

function containsBytes(value: unknown): boolean {
  if (value instanceof Uint8Array) return true;
  if (value === null || typeof value !== 'object') return false;
  return Object.values(value).some(containsBytes);
}

describe('stringifyMessage', () => {
  const alice = keyPairFromSeed(fastSecp256k1, 'codec-alice');
  const transfer = signTx(fastSecp256k1, { type: 'transfer', chainId: 'wedge-test', from: alice.address, nonce: 3, to: alice.address, amount: 12_345n }, [alice]);

  it('writes exactly what stringifyTagged writes, for requests of any content and for other messages', () => {
    const edit = fc.oneof(fc.bigInt(), fc.string(), fc.integer(), fc.double(), fc.constant(null), fc.uint8Array({ maxLength: 4 }), fc.array(fc.bigInt(), { maxLength: 2 }), fc.object());
    fc.assert(
      fc.property(fc.constantFrom('body', 'signature', 'message', 'none'), fc.string(), edit, (where, key, value) => {
        const tx = structuredClone(transfer) as unknown as { body: Record<string, unknown>; signatures: Record<string, unknown>[] };
        let message: Record<string, unknown> = { type: 'request', tx };
        // An own property, as JSON.parse makes it — assigning "__proto__" would change the prototype instead.
        const put = (target: Record<string, unknown>, name: string) => Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
        if (where === 'body') put(tx.body, key === '' ? 'amount' : key);
        if (where === 'signature') put(tx.signatures[0]!, key === '' ? 'signature' : key);
        if (where === 'message') message = { ...message, [key === '' ? 'extra' : key]: value };
        expect(stringifyMessage(message)).toBe(stringifyTagged(message));
      }),
      { numRuns: 2_000 },
    );
    // The counterexample a run found before edits became own properties: a body with its own "__proto__" key.
    const odd = structuredClone(transfer) as unknown as { body: Record<string, unknown> };
    Object.defineProperty(odd.body, '__proto__', { value: new Uint8Array(0), enumerable: true, writable: true, configurable: true });
    expect(stringifyMessage({ type: 'request', tx: odd })).toBe(stringifyTagged({ type: 'request', tx: odd }));
    expect(stringifyMessage({ type: 'request', tx: transfer })).toBe(stringifyTagged({ type: 'request', tx: transfer }));
    expect(stringifyMessage({ tx: transfer, type: 'request' })).toBe(stringifyTagged({ tx: transfer, type: 'request' }));
    expect(stringifyMessage({ type: 'prepare', view: 1n })).toBe(stringifyTagged({ type: 'prepare', view: 1n }));
  });
});

describe('parsePeerMessages', () => {
  const alice = keyPairFromSeed(fastSecp256k1, 'schema-alice');
  const transfer = signTx(fastSecp256k1, { type: 'transfer', chainId: 'wedge-test', from: alice.address, nonce: 1, to: alice.address, amount: 5n }, [alice]);
  const schema = peerMessageSchemaFor();

  it("takes a forwarded request exactly when zod's schema does, and gives the same value", () => {
    const anything = fc.anything({ withBigInt: true, withNullPrototype: true });
    fc.assert(
      fc.property(fc.constantFrom('tx', 'extra', 'type', 'none', 'nested'), fc.string(), anything, (where, key, value) => {
        const tx = structuredClone(transfer) as unknown as Record<string, unknown>;
        let message: unknown = { type: 'request', tx };
        if (where === 'tx') message = { type: 'request', tx: value };
        if (where === 'extra') message = { type: 'request', tx, [key === 'type' || key === 'tx' ? 'more' : key]: value };
        if (where === 'type') message = { type: value, tx };
        if (where === 'nested') (tx.body as Record<string, unknown>)[key] = value;
        const parsed = schema.safeParse(message);
        expect(parsePeerMessages([message])).toEqual(parsed.success ? [parsed.data] : []);
      }),
      { numRuns: 2_000 },
    );
    expect(parsePeerMessages([{ type: 'request', tx: transfer }])).toEqual([{ type: 'request', tx: transfer }]);
    expect(parsePeerMessages([{ type: 'request' }, { tx: transfer }, ['request', transfer]])).toEqual([]);
  });
});
