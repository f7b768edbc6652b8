// Byte helpers shared by every package. Hex is lowercase without a prefix.
//
// Plain ECMAScript plus TextEncoder and TextDecoder, which every JavaScript
// platform has, so that the cores that use them stay pure (DESIGN §1): no
// Buffer. Hex sits on hot paths (keys and signatures are hex on the wire and
// decoded for every verification), so both directions go through lookup
// tables; measured against Buffer's hex in scripts/bench/platform.ts.

const HEX_PATTERN = /^(?:[0-9a-f]{2})*$/;
const HEX_DIGITS = '0123456789abcdef';

/** Whether this platform stores a 16-bit unit low byte first (every common one does; the tables adapt either way). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Each byte's two hex characters as one 16-bit unit laid out in memory as
 * those two characters in order, so that one store writes both and the
 * memory reads as ASCII text.
 */
const HEX_PAIRS = new Uint16Array(256);
for (let byte = 0; byte < 256; byte++) {
  const high = HEX_DIGITS.charCodeAt(byte >> 4);
  const low = HEX_DIGITS.charCodeAt(byte & 0x0f);
  HEX_PAIRS[byte] = LITTLE_ENDIAN ? high | (low << 8) : (high << 8) | low;
}

/** The value of each lowercase hex digit by character code, -1 for every other character below 256. */
const NIBBLES = new Int8Array(256).fill(-1);
for (let digit = 0; digit < 16; digit++) NIBBLES[HEX_DIGITS.charCodeAt(digit)] = digit;

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

/**
 * Where toHex writes the characters it then decodes as one string. Kept
 * between calls; inputs longer than SCRATCH_BYTES_MAX get a buffer of their
 * own, so that one large value (a snapshot) does not pin a large buffer.
 */
const SCRATCH_BYTES_MAX = 32 * 1024;
let scratch = new Uint16Array(64);

export function toHex(bytes: Uint8Array): string {
  const count = bytes.length;
  if (count === 0) return '';
  let pairs = scratch;
  if (count > pairs.length) {
    pairs = new Uint16Array(count);
    if (count <= SCRATCH_BYTES_MAX) scratch = pairs;
  }
  for (let index = 0; index < count; index++) pairs[index] = HEX_PAIRS[bytes[index]!]!;
  // ASCII decodes natively into a flat one-byte string: as fast as Buffer's hex.
  return textDecoder.decode(new Uint8Array(pairs.buffer, 0, 2 * count));
}

export function isHex(value: string, byteLength?: number): boolean {
  if (!HEX_PATTERN.test(value)) return false;
  return byteLength === undefined || value.length === byteLength * 2;
}

export function fromHex(hex: string): Uint8Array {
  const length = hex.length;
  if (length % 2 !== 0) throw notHex(hex);
  const out = new Uint8Array(length / 2);
  for (let index = 0; index < out.length; index++) {
    // A character code above 255 reads past the table: undefined, so not a digit.
    const high = NIBBLES[hex.charCodeAt(2 * index)] ?? -1;
    const low = NIBBLES[hex.charCodeAt(2 * index + 1)] ?? -1;
    if ((high | low) < 0) throw notHex(hex);
    out[index] = (high << 4) | low;
  }
  return out;
}

function notHex(hex: string): TypeError {
  return new TypeError(`fromHex: not lowercase even-length hex (length ${hex.length})`);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export function utf8(text: string): Uint8Array {
  return textEncoder.encode(text);
}
