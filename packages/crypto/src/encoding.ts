// Canonical encoding: the same value gives the same bytes on every machine.
// Every signed or hashed object in Wedge goes through `encodeCanonical`.
//
// Format: one type byte, then the payload.
//   0x00 null | 0x01 false | 0x02 true
//   0x03 integer (safe JS number): 8-byte big-endian two's complement
//   0x04 bigint: sign byte (0 = non-negative, 1 = negative), u32 length, magnitude big-endian, minimal
//   0x05 string: u32 byte length, UTF-8
//   0x06 bytes:  u32 length, raw
//   0x07 array:  u32 count, items
//   0x08 object: u32 count, (key as string payload, value) sorted by key
// Floats, NaN, undefined values, Maps, Sets and class instances are rejected:
// they have no single canonical form. So are strings (values or keys) holding a
// lone UTF-16 surrogate: UTF-8 cannot represent one, and TextEncoder would
// silently turn it into U+FFFD, making two different strings share bytes (and
// so share signatures). Containers nest at most MAX_NESTING deep.

export type Canonical =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | readonly Canonical[]
  | { readonly [key: string]: Canonical };

const MAX_ENCODED_BYTES = 64 * 1024 * 1024;
const MAX_NESTING = 64;
// With the `u` flag a well-formed surrogate pair is one code point above
// U+FFFF, so this class matches only unpaired surrogates.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const textEncoder = new TextEncoder();

class Writer {
  private buffer = new Uint8Array(256);
  private view = new DataView(this.buffer.buffer);
  length = 0;

  private ensure(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.buffer.length) return;
    if (needed > MAX_ENCODED_BYTES) throw new RangeError(`canonical encoding exceeds ${MAX_ENCODED_BYTES} bytes`);
    let size = this.buffer.length * 2;
    while (size < needed) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
    this.view = new DataView(next.buffer);
  }

  byte(value: number): void {
    this.ensure(1);
    this.buffer[this.length++] = value;
  }

  u32(value: number): void {
    this.ensure(4);
    this.view.setUint32(this.length, value);
    this.length += 4;
  }

  i64(value: number): void {
    this.ensure(8);
    this.view.setBigInt64(this.length, BigInt(value));
    this.length += 8;
  }

  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  result(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

function bigintMagnitude(value: bigint): Uint8Array {
  if (value === 0n) return new Uint8Array(0);
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

function writeString(writer: Writer, text: string): void {
  if (LONE_SURROGATE.test(text)) throw new TypeError('canonical encoding: string holds a lone UTF-16 surrogate');
  const bytes = textEncoder.encode(text);
  writer.u32(bytes.length);
  writer.raw(bytes);
}

/** `depth` counts the containers around `value`; the root has depth 0. */
function writeValue(writer: Writer, value: Canonical, depth: number): void {
  if (value === null) return writer.byte(0x00);
  switch (typeof value) {
    case 'boolean':
      return writer.byte(value ? 0x02 : 0x01);
    case 'number':
      if (!Number.isSafeInteger(value)) throw new TypeError(`canonical encoding: ${value} is not a safe integer`);
      writer.byte(0x03);
      return writer.i64(value);
    case 'bigint': {
      writer.byte(0x04);
      writer.byte(value < 0n ? 1 : 0);
      const magnitude = bigintMagnitude(value < 0n ? -value : value);
      writer.u32(magnitude.length);
      return writer.raw(magnitude);
    }
    case 'string':
      writer.byte(0x05);
      return writeString(writer, value);
    case 'object':
      break;
    default:
      throw new TypeError(`canonical encoding: unsupported type ${typeof value}`);
  }
  if (value instanceof Uint8Array) {
    writer.byte(0x06);
    writer.u32(value.length);
    return writer.raw(value);
  }
  // Checked on containers only, so that MAX_NESTING containers are accepted
  // whether the innermost one is empty or holds a scalar, and one more is not.
  if (depth >= MAX_NESTING) throw new RangeError(`canonical encoding: nesting deeper than ${MAX_NESTING}`);
  if (Array.isArray(value)) {
    writer.byte(0x07);
    writer.u32(value.length);
    for (const item of value as readonly Canonical[]) writeValue(writer, item, depth + 1);
    return;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    throw new TypeError('canonical encoding: only plain objects are encodable');
  }
  const record = value as { readonly [key: string]: Canonical };
  const keys = Object.keys(record).sort();
  writer.byte(0x08);
  writer.u32(keys.length);
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) throw new TypeError(`canonical encoding: key "${key}" is undefined`);
    writeString(writer, key);
    writeValue(writer, item, depth + 1);
  }
}

export function encodeCanonical(value: Canonical): Uint8Array {
  const writer = new Writer();
  writeValue(writer, value, 0);
  return writer.result();
}
