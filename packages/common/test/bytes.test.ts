// Proves that the byte helpers, written without Buffer so that the cores stay
// pure, mean what Node's Buffer means: toHex gives Buffer's lowercase hex for
// any bytes, of any length (past the kept scratch buffer too, and correctly
// after a long input has grown it); fromHex inverts it and refuses exactly the
// strings that are not lowercase even-length hex (uppercase, odd lengths,
// other characters, characters above U+00FF) with a TypeError; utf8 gives
// Buffer's UTF-8 for any string, lone surrogates included (as U+FFFD).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, equalBytes, fromHex, isHex, toHex, utf8 } from '../src/bytes.ts';

const nodeHex = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
const LOWER_HEX = /^(?:[0-9a-f]{2})*$/;

describe('toHex', () => {
  it("gives Buffer's hex for random bytes, including views into a larger buffer", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(8), (bytes, offset) => {
        expect(toHex(bytes)).toBe(nodeHex(bytes));
        const view = concatBytes(new Uint8Array(offset), bytes).subarray(offset);
        expect(toHex(view)).toBe(nodeHex(bytes));
      }),
      { numRuns: 1_000 },
    );
  });

  it('gives every byte value its two digits', () => {
    const all = Uint8Array.from({ length: 256 }, (_, byte) => byte);
    expect(toHex(all)).toBe(nodeHex(all));
    expect(toHex(new Uint8Array(0))).toBe('');
  });

  it('is right for inputs longer than the kept scratch buffer, and for short ones after them', () => {
    for (const length of [32 * 1024, 32 * 1024 + 1, 200_000]) {
      const bytes = Uint8Array.from({ length }, (_, index) => (index * 131 + 7) & 0xff);
      expect(toHex(bytes)).toBe(nodeHex(bytes));
      const short = bytes.subarray(5, 38);
      expect(toHex(short)).toBe(nodeHex(short));
    }
  });
});

describe('fromHex', () => {
  it('inverts toHex', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(equalBytes(fromHex(toHex(bytes)), bytes)).toBe(true);
      }),
      { numRuns: 1_000 },
    );
  });

  it('accepts exactly lowercase even-length hex, and refuses the rest with a TypeError', () => {
    const nearHex = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEFgxz \u00e9\u0130\u0561\ud800'), maxLength: 12 });
    fc.assert(
      fc.property(fc.oneof(nearHex, fc.string({ unit: 'binary', maxLength: 8 })), (text) => {
        if (LOWER_HEX.test(text)) {
          expect(toHex(fromHex(text))).toBe(text);
          expect(isHex(text)).toBe(true);
        } else {
          expect(() => fromHex(text)).toThrow(TypeError);
          expect(isHex(text)).toBe(false);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('refuses a character whose code is a hex digit plus 256 (it must not wrap into the table)', () => {
    // U+0130 and U+0161 sit 256 above '0' and 'a'.
    expect(() => fromHex('\u0130\u0130')).toThrow(TypeError);
    expect(() => fromHex('a\u0161')).toThrow(TypeError);
  });
});

describe('utf8', () => {
  it("gives Buffer's UTF-8 for any string, lone surrogates as U+FFFD", () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 10 }), (binary, text) => {
        expect(nodeHex(utf8(binary))).toBe(Buffer.from(binary, 'utf8').toString('hex'));
        expect(nodeHex(utf8(text))).toBe(Buffer.from(text, 'utf8').toString('hex'));
      }),
      { numRuns: 1_000 },
    );
    expect(toHex(utf8('a\ud800b'))).toBe('61efbfbd62');
  });
});
