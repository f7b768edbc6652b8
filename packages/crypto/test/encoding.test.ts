// Proves that `encodeCanonical` is a canonical encoding: the same value always
// gives the same bytes whatever the key order of its objects; different values
// never share bytes (a reference decoder written here recovers every generated
// value from its bytes, and distinct values give distinct bytes); values with
// no single canonical form (floats, NaN, undefined, Maps, class instances, lone
// surrogates, nesting deeper than 64) are rejected wherever they sit; and a few
// encodings match bytes written out by hand from the format description.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, equalBytes, fromHex, toHex, utf8 } from '@wedge/common';
import { PreEncoded, encodeCanonical, encodeCanonicalTagged, hashTaggedHex, sha256, useTaggedEncoding, type Canonical } from '../src/index.ts';

// ---------------------------------------------------------------------------
// Generators and helpers

const leaf: fc.Arbitrary<Canonical> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.maxSafeInteger(),
  fc.integer({ min: -300, max: 300 }),
  fc.bigInt(),
  fc.bigInt({ min: -(1n << 300n), max: 1n << 300n }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  // Long strings take the encoder's other path (copied natively once checked to be ASCII): hex-like ones, and any.
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 32, maxLength: 130 }),
  fc.string({ unit: 'binary', minLength: 32, maxLength: 80 }),
  fc.uint8Array({ maxLength: 24 }),
);

const { value: canonicalValue } = fc.letrec<{ value: Canonical }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 4 }),
    // Keys include '__proto__' on purpose: it must be an ordinary key here.
    fc.dictionary(fc.oneof(fc.string({ unit: 'binary', maxLength: 6 }), fc.constant('__proto__')), tie('value'), {
      maxKeys: 4,
    }),
  ),
}));

/** An unambiguous description of a value, independent of the encoder under test. */
function describeValue(value: Canonical): string {
  return JSON.stringify(toTagged(value));
}

function toTagged(value: Canonical): unknown {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return ['int', String(value)];
  if (typeof value === 'bigint') return ['big', value.toString()];
  if (typeof value === 'string') return ['str', value];
  if (value instanceof Uint8Array) return ['bytes', toHex(value)];
  if (Array.isArray(value)) return ['arr', ...(value as readonly Canonical[]).map(toTagged)];
  const record = value as { readonly [key: string]: Canonical };
  const keys = Object.keys(record).sort();
  return ['obj', ...keys.map((key) => [key, toTagged(record[key]!)])];
}

/** Rebuilds `value` with every object's keys inserted in an order drawn from `order`. */
function reorderKeys(value: Canonical, order: () => number): Canonical {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return (value as readonly Canonical[]).map((item) => reorderKeys(item, order));
  const record = value as { readonly [key: string]: Canonical };
  const keys = Object.keys(record);
  for (let i = keys.length - 1; i > 0; i--) {
    const j = order() % (i + 1);
    [keys[i], keys[j]] = [keys[j]!, keys[i]!];
  }
  const out: Record<string, Canonical> = {};
  for (const key of keys) {
    Object.defineProperty(out, key, { value: reorderKeys(record[key]!, order), enumerable: true, writable: true });
  }
  return out;
}

/**
 * A reference decoder written from the format description. It is strict: it
 * rejects unsorted or repeated keys, non-minimal bigints, invalid UTF-8 and
 * trailing bytes, so a successful round trip also shows the encoder only ever
 * emits the single canonical form.
 */
function decodeCanonical(bytes: Uint8Array): Canonical {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let offset = 0;
  const take = (count: number): Uint8Array => {
    if (offset + count > bytes.length) throw new Error('decode: truncated');
    const out = bytes.subarray(offset, offset + count);
    offset += count;
    return out;
  };
  const u32 = (): number => {
    take(4);
    return view.getUint32(offset - 4);
  };
  const text = (): string => utf8.decode(take(u32()));
  const read = (): Canonical => {
    const type = take(1)[0];
    switch (type) {
      case 0x00:
        return null;
      case 0x01:
        return false;
      case 0x02:
        return true;
      case 0x03: {
        take(8);
        const value = view.getBigInt64(offset - 8);
        if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
          throw new Error('decode: integer outside the safe range');
        }
        return Number(value);
      }
      case 0x04: {
        const sign = take(1)[0];
        const magnitude = take(u32());
        if (magnitude.length > 0 && magnitude[0] === 0) throw new Error('decode: non-minimal bigint');
        if (sign !== 0 && sign !== 1) throw new Error('decode: bad bigint sign');
        if (sign === 1 && magnitude.length === 0) throw new Error('decode: negative zero');
        const value = magnitude.length === 0 ? 0n : BigInt(`0x${toHex(magnitude)}`);
        return sign === 1 ? -value : value;
      }
      case 0x05:
        return text();
      case 0x06:
        return take(u32()).slice();
      case 0x07: {
        const count = u32();
        const items: Canonical[] = [];
        for (let i = 0; i < count; i++) items.push(read());
        return items;
      }
      case 0x08: {
        const count = u32();
        const out: Record<string, Canonical> = {};
        let previous: string | undefined;
        for (let i = 0; i < count; i++) {
          const key = text();
          if (previous !== undefined && !(previous < key)) throw new Error('decode: keys not strictly sorted');
          previous = key;
          Object.defineProperty(out, key, { value: read(), enumerable: true, writable: true });
        }
        return out;
      }
      default:
        throw new Error(`decode: unknown type byte ${type}`);
    }
  };
  const value = read();
  if (offset !== bytes.length) throw new Error('decode: trailing bytes');
  return value;
}

/** Wraps `inner` in `levels` containers, alternating arrays and objects. */
function nest(inner: Canonical, levels: number): Canonical {
  let value = inner;
  for (let i = 0; i < levels; i++) value = i % 2 === 0 ? [value] : { k: value };
  return value;
}

const hex = (value: Canonical): string => toHex(encodeCanonical(value));

// ---------------------------------------------------------------------------

describe('encodeCanonical is deterministic', () => {
  it('gives the same bytes for the same value, and for a deep copy of it', () => {
    fc.assert(
      fc.property(canonicalValue, (value) => {
        const copy = reorderKeys(value, () => 0);
        expect(toHex(encodeCanonical(value))).toBe(toHex(encodeCanonical(value)));
        expect(toHex(encodeCanonical(copy))).toBe(toHex(encodeCanonical(value)));
      }),
      { numRuns: 500 },
    );
  });

  it('does not depend on the insertion order of object keys', () => {
    fc.assert(
      fc.property(canonicalValue, fc.array(fc.nat(), { minLength: 1, maxLength: 16 }), (value, draws) => {
        let index = 0;
        const shuffled = reorderKeys(value, () => draws[index++ % draws.length]!);
        expect(toHex(encodeCanonical(shuffled))).toBe(toHex(encodeCanonical(value)));
      }),
      { numRuns: 500 },
    );
  });

  it('does not depend on whether an object has a prototype', () => {
    const plain = { b: 1n, a: [true, 'x'] };
    const bare = Object.assign(Object.create(null) as Record<string, Canonical>, { a: [true, 'x'], b: 1n });
    expect(hex(bare)).toBe(hex(plain));
  });
});

describe('encodeCanonical is injective', () => {
  it('round-trips through a strict reference decoder', () => {
    fc.assert(
      fc.property(canonicalValue, (value) => {
        expect(describeValue(decodeCanonical(encodeCanonical(value)))).toBe(describeValue(value));
      }),
      { numRuns: 1000 },
    );
  });

  it('gives different bytes to different values', () => {
    fc.assert(
      fc.property(fc.uniqueArray(canonicalValue, { selector: describeValue, minLength: 2, maxLength: 24 }), (values) => {
        const encodings = new Set(values.map((value) => toHex(encodeCanonical(value))));
        expect(encodings.size).toBe(values.length);
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with the description on pairs: equal bytes exactly when equal values', () => {
    fc.assert(
      fc.property(canonicalValue, canonicalValue, (a, b) => {
        expect(equalBytes(encodeCanonical(a), encodeCanonical(b))).toBe(describeValue(a) === describeValue(b));
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps apart values that lenient encoders confuse', () => {
    const confusable: Canonical[][] = [
      [1, 1n, '1', new Uint8Array([1]), true],
      [0, 0n, '', new Uint8Array(0), null, false, [], {}],
      [[], {}, [null], { '': null }],
      [['a', 'b'], ['ab'], { a: 'b' }, { ab: null }],
      [{ a: { b: 1 } }, { a: [{ b: 1 }] }, { 'a.b': 1 }],
      [new Uint8Array([0x61]), 'a'],
      [-1n, 1n, -1, 1],
      [255n, 256n, -255n, new Uint8Array([0xff])],
      ['é', 'e\u0301'], // NFC and NFD forms are different strings, so different bytes
    ];
    for (const group of confusable) {
      expect(new Set(group.map(hex)).size).toBe(group.length);
    }
  });
});

describe('encodeCanonical rejects values without a single canonical form', () => {
  const rejected: Array<[string, () => unknown]> = [
    ['a float', () => 1.5],
    ['a tiny float', () => Number.EPSILON],
    ['NaN', () => NaN],
    ['Infinity', () => Infinity],
    ['-Infinity', () => -Infinity],
    ['an integer beyond 2^53', () => 2 ** 53],
    ['a negative integer beyond -2^53', () => -(2 ** 53)],
    ['undefined', () => undefined],
    ['an undefined object member', () => ({ a: 1, b: undefined })],
    ['an undefined array item', () => [1, undefined]],
    ['a hole in a sparse array', () => [1, , 3]], // eslint-disable-line no-sparse-arrays
    ['a Map', () => new Map([['a', 1]])],
    ['a Set', () => new Set([1])],
    ['a Date', () => new Date(0)],
    ['a class instance', () => new (class Point { x = 1 })()],
    ['an Error', () => new Error('x')],
    ['a Uint16Array', () => new Uint16Array(2)],
    ['an ArrayBuffer', () => new ArrayBuffer(2)],
    ['a DataView', () => new DataView(new ArrayBuffer(2))],
    ['a function', () => () => 1],
    ['a symbol', () => Symbol('x')],
    ['a boxed number', () => Object(1)],
    ['a lone high surrogate', () => '\uD800'],
    ['a lone low surrogate', () => 'a\uDC00b'],
    ['a reversed surrogate pair', () => '\uDE00\uD83D'],
    ['a key with a lone surrogate', () => ({ '\uD83D': 1 })],
    ['a long string ending in a lone surrogate', () => `${'a'.repeat(40)}\uD800`],
    ['a long key with a lone surrogate', () => ({ [`\uDC00${'k'.repeat(40)}`]: 1 })],
  ];

  for (const [name, make] of rejected) {
    it(`rejects ${name}`, () => {
      expect(() => encodeCanonical(make() as Canonical)).toThrow(TypeError);
    });
  }

  it('rejects a bad value anywhere inside a generated value', () => {
    const bad = fc.constantFrom<unknown>(0.5, NaN, undefined, new Map(), new Date(0), '\uDFFF', 2 ** 60);
    fc.assert(
      fc.property(canonicalValue, bad, fc.nat(), fc.boolean(), (value, badValue, at, asObject) => {
        // Put the bad value in a container next to the generated one.
        const holder = asObject ? { good: value, bad: badValue } : [value, badValue];
        const wrapped = nest(holder as Canonical, at % 5);
        expect(() => encodeCanonical(wrapped)).toThrow(TypeError);
      }),
      { numRuns: 200 },
    );
  });

  it('accepts 64 nested containers and rejects 65, whatever sits innermost', () => {
    for (const inner of [null, 7, 'x', new Uint8Array([1]), [], {}] as Canonical[]) {
      const innerIsContainer = Array.isArray(inner) || (typeof inner === 'object' && inner !== null && !(inner instanceof Uint8Array));
      const around = innerIsContainer ? 63 : 64;
      expect(() => encodeCanonical(nest(inner, around))).not.toThrow();
      expect(() => encodeCanonical(nest(inner, around + 1))).toThrow(RangeError);
    }
  });

  it('accepts well-formed astral characters (surrogate pairs)', () => {
    expect(hex('😀')).toBe('0500000004f09f9880');
  });

  it('encodes a long string as its UTF-8 bytes, ASCII or not', () => {
    const ascii = 'ab'.repeat(20);
    expect(hex(ascii)).toBe(`0500000028${toHex(utf8(ascii))}`);
    const mixed = `${'x'.repeat(35)}é€😀`;
    expect(hex(mixed)).toBe(`05${(utf8(mixed).length).toString(16).padStart(8, '0')}${toHex(utf8(mixed))}`);
  });

  it('encodes a long string with one non-ASCII character anywhere as its UTF-8, and refuses a lone surrogate anywhere', () => {
    // A long string is first copied natively into room for one byte a
    // character; a character that needs more must send it down the general
    // path, wherever it sits (first, inside, last) and whatever its width.
    for (const length of [32, 33, 64, 200]) {
      for (const position of [0, 1, length >> 1, length - 2, length - 1]) {
        for (const wide of ['\u00e9', '\u20ac', '\ud83d\ude00', '\u0080', '\u07ff', '\u0800', '\uffff']) {
          const text = `${'a'.repeat(position)}${wide}${'b'.repeat(length - position - 1)}`;
          const bytes = utf8(text);
          expect(hex(text)).toBe(`05${bytes.length.toString(16).padStart(8, '0')}${toHex(bytes)}`);
        }
        const lone = `${'a'.repeat(position)}\ud800${'b'.repeat(length - position - 1)}`;
        expect(() => encodeCanonical(lone)).toThrow(TypeError);
        expect(() => encodeCanonical({ [lone]: 1 })).toThrow(TypeError);
      }
    }
  });
});

describe('encodeCanonical matches hand-written bytes', () => {
  // Each expectation is written from the format in encoding.ts, not produced by it.
  const cases: Array<[string, Canonical, string]> = [
    ['null', null, '00'],
    ['false', false, '01'],
    ['true', true, '02'],
    ['0', 0, '03' + '0000000000000000'],
    ['-0 (same as 0)', -0, '03' + '0000000000000000'],
    ['1', 1, '03' + '0000000000000001'],
    ['-1', -1, '03' + 'ffffffffffffffff'],
    ['2^53 - 1', Number.MAX_SAFE_INTEGER, '03' + '001fffffffffffff'],
    ['-(2^53 - 1)', Number.MIN_SAFE_INTEGER, '03' + 'ffe0000000000001'],
    ['0n', 0n, '04' + '00' + '00000000'],
    ['255n', 255n, '04' + '00' + '00000001' + 'ff'],
    ['256n', 256n, '04' + '00' + '00000002' + '0100'],
    ['-1n', -1n, '04' + '01' + '00000001' + '01'],
    ['2^64', 1n << 64n, '04' + '00' + '00000009' + '010000000000000000'],
    ['empty string', '', '05' + '00000000'],
    ['"abc"', 'abc', '05' + '00000003' + '616263'],
    ['"é" (two UTF-8 bytes)', 'é', '05' + '00000002' + 'c3a9'],
    ['bytes 01 02', new Uint8Array([1, 2]), '06' + '00000002' + '0102'],
    ['empty bytes', new Uint8Array(0), '06' + '00000000'],
    ['empty array', [], '07' + '00000000'],
    ['[null, true]', [null, true], '07' + '00000002' + '00' + '02'],
    ['empty object', {}, '08' + '00000000'],
    [
      '{b: 1, a: true} (keys sorted)',
      { b: 1, a: true },
      '08' + '00000002' + '00000001' + '61' + '02' + '00000001' + '62' + '03' + '0000000000000001',
    ],
    [
      '{amount: 5n, to: "x"}',
      { to: 'x', amount: 5n },
      '08' + '00000002' + '00000006' + '616d6f756e74' + '04' + '00' + '00000001' + '05' + '00000002' + '746f' + '05' + '00000001' + '78',
    ],
  ];
  for (const [name, value, expected] of cases) {
    it(`encodes ${name}`, () => {
      expect(hex(value)).toBe(expected);
      expect(equalBytes(encodeCanonical(value), fromHex(expected))).toBe(true);
    });
  }

  it('sorts keys by UTF-16 code units (as Array.prototype.sort does), not by code point', () => {
    // U+1F600 is the pair D83D DE00, which sorts before U+FFFF in UTF-16 order
    // although its code point is larger. A port to another language must match.
    const value = { '\uFFFF': 1, '😀': 2 };
    expect(hex(value)).toBe(
      '08' + '00000002' + '00000004' + 'f09f9880' + '03' + '0000000000000002' + '00000003' + 'efbfbf' + '03' + '0000000000000001',
    );
  });
});

describe('the encoder\'s shared buffer', () => {
  it('gives tagged preimages equal to tag, zero byte, encoding — and fresh bytes that later calls do not overwrite', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 20 }), canonicalValue, canonicalValue, (tag, value, other) => {
        const tagged = encodeCanonicalTagged(tag, value);
        const expected = toHex(concatBytes(utf8(tag), Uint8Array.of(0), encodeCanonical(value)));
        encodeCanonical(other);
        expect(toHex(tagged)).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('encodes a value whose getter encodes another value (a nested call) correctly', () => {
    const inner = { z: 'inner', n: -5 };
    const outer = {
      a: 1,
      get b(): Canonical {
        return toHex(encodeCanonical(inner));
      },
    };
    const expected = encodeCanonical({ a: 1, b: toHex(encodeCanonical(inner)) });
    expect(toHex(encodeCanonical(outer as unknown as Canonical))).toBe(toHex(expected));
  });

  it('grows past its initial size and stays correct for small values after', () => {
    for (const size of [200_000, 3_000_000]) {
      const big = 'x'.repeat(size);
      expect(decodeCanonical(encodeCanonical([big, 7]))).toEqual([big, 7]);
      expect(hex(7)).toBe('030000000000000007');
      expect(decodeCanonical(encodeCanonical({ after: [big.slice(0, 10), -3] }))).toEqual({ after: ['xxxxxxxxxx', -3] });
    }
  });

  it('writes a pre-encoded part as the bytes of the value it encodes, anywhere in a value', () => {
    fc.assert(
      fc.property(canonicalValue, canonicalValue, (part, other) => {
        const direct = encodeCanonical({ part, list: [other, part] });
        const pre = new PreEncoded(encodeCanonical(part));
        expect(toHex(encodeCanonical({ part: pre, list: [other, pre] }))).toBe(toHex(direct));
        expect(hashTaggedHex('wedge/t/x', { part: pre })).toBe(toHex(sha256(encodeCanonicalTagged('wedge/t/x', { part }))));
      }),
      { numRuns: 300 },
    );
  });

  it('lends the tagged encoding in place, and a copy made from it outlives the next call', () => {
    const first = useTaggedEncoding('wedge/t/x', { n: 1 }, (bytes) => bytes.slice());
    const expected = toHex(encodeCanonicalTagged('wedge/t/x', { n: 1 }));
    useTaggedEncoding('wedge/t/x', { n: 2, filler: 'y'.repeat(100) }, () => undefined);
    expect(toHex(first)).toBe(expected);
  });
});
