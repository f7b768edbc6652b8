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
// so share signatures). Containers nest at most MAX_NESTING deep. A
// `PreEncoded` value stands for the value whose encoding it carries (a part
// encoded before), and is written as those bytes.

export type Canonical =
  | PreEncoded
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
/** From this length on, `Writer.string` copies a string natively instead of character by character. */
const LONG_STRING = 32;
const TWO_POW_32 = 2 ** 32;

// Encoding sits on the hottest path (every payment is encoded to be verified
// and again inside its batch's commands hash), so the writer reuses one
// growing buffer instead of allocating per call, and writes ASCII strings —
// hex ids and signatures, keys — without building a byte array for them.
// It is plain ECMAScript plus TextEncoder, so the cores can run it anywhere.
class Writer {
  private bytes: Uint8Array;
  private view: DataView;
  length = 0;

  constructor(initialBytes: number) {
    this.bytes = new Uint8Array(initialBytes);
    this.view = new DataView(this.bytes.buffer);
  }

  reset(): void {
    this.length = 0;
  }

  get capacity(): number {
    return this.bytes.length;
  }

  private ensure(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.bytes.length) return;
    if (needed > MAX_ENCODED_BYTES) throw new RangeError(`canonical encoding exceeds ${MAX_ENCODED_BYTES} bytes`);
    let size = this.bytes.length * 2;
    while (size < needed) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
    this.view = new DataView(next.buffer);
  }

  byte(value: number): void {
    this.ensure(1);
    this.bytes[this.length++] = value;
  }

  u32(value: number): void {
    this.ensure(4);
    this.view.setUint32(this.length, value);
    this.length += 4;
  }

  /** A safe integer as 8-byte big-endian two's complement: the high 32 bits signed, the low 32 unsigned. */
  i64(value: number): void {
    this.ensure(8);
    const high = Math.floor(value / TWO_POW_32);
    this.view.setInt32(this.length, high);
    this.view.setUint32(this.length + 4, value - high * TWO_POW_32);
    this.length += 8;
  }

  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.bytes.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** `text` as u32 byte length and UTF-8. */
  string(text: string): void {
    const count = text.length;
    this.ensure(4 + count);
    const start = this.length + 4;
    const bytes = this.bytes;
    // A long string (a signature, a key, an id) is copied natively into
    // exactly `count` bytes: it fits, every character as one byte, only if
    // it is ASCII, and for ASCII those bytes are its UTF-8. 0.09 µs for 64
    // characters, against 0.11 µs for the ASCII test and Buffer latin1 write
    // this replaced (scripts/bench/platform.ts) and 0.12 µs a character at a time.
    // Anything else takes the general path, which writes over what was tried.
    if (count >= LONG_STRING) {
      const { read, written } = textEncoder.encodeInto(text, bytes.subarray(start, start + count));
      if (read !== count || written !== count) return this.nonAsciiString(text);
      this.view.setUint32(this.length, count);
      this.length = start + count;
      return;
    }
    for (let index = 0; index < count; index++) {
      const code = text.charCodeAt(index);
      if (code > 0x7f) return this.nonAsciiString(text);
      bytes[start + index] = code;
    }
    this.view.setUint32(this.length, count);
    this.length = start + count;
  }

  /** `text` as UTF-8 bytes alone (no length): a domain tag. */
  tag(text: string): void {
    const count = text.length;
    this.ensure(count);
    const bytes = this.bytes;
    const start = this.length;
    for (let index = 0; index < count; index++) {
      const code = text.charCodeAt(index);
      if (code > 0x7f) return this.raw(textEncoder.encode(text));
      bytes[start + index] = code;
    }
    this.length = start + count;
  }

  private nonAsciiString(text: string): void {
    if (LONE_SURROGATE.test(text)) throw new TypeError('canonical encoding: string holds a lone UTF-16 surrogate');
    const bytes = textEncoder.encode(text);
    this.u32(bytes.length);
    this.raw(bytes);
  }

  /** A non-negative bigint's magnitude: u32 length, big-endian bytes, minimal (none for zero). */
  magnitude(value: bigint): void {
    if (value === 0n) return this.u32(0);
    let hex = value.toString(16);
    if (hex.length % 2 === 1) hex = `0${hex}`;
    const count = hex.length / 2;
    this.u32(count);
    this.ensure(count);
    const bytes = this.bytes;
    const start = this.length;
    for (let index = 0; index < count; index++) {
      bytes[start + index] = (hexDigit(hex.charCodeAt(2 * index)) << 4) | hexDigit(hex.charCodeAt(2 * index + 1));
    }
    this.length = start + count;
  }

  /** What was written, in place: valid until the writer is used again. */
  written(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}

/** The value of a lowercase hex digit's character code, as `bigint.toString(16)` writes them. */
function hexDigit(code: number): number {
  return code <= 0x39 ? code - 0x30 : code - 0x57;
}

/** Whether `keys` are in the order `Array.prototype.sort` gives (by UTF-16 code units). */
function isSorted(keys: readonly string[]): boolean {
  for (let index = 1; index < keys.length; index++) if (keys[index - 1]! > keys[index]!) return false;
  return true;
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
    case 'bigint':
      writer.byte(0x04);
      writer.byte(value < 0n ? 1 : 0);
      return writer.magnitude(value < 0n ? -value : value);
    case 'string':
      writer.byte(0x05);
      return writer.string(value);
    case 'object':
      break;
    default:
      throw new TypeError(`canonical encoding: unsupported type ${typeof value}`);
  }
  if (value instanceof PreEncoded) return writer.raw(value.bytes);
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
  const keys = Object.keys(record);
  // Objects built for encoding usually list their keys in order already.
  if (!isSorted(keys)) keys.sort();
  writer.byte(0x08);
  writer.u32(keys.length);
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) throw new TypeError(`canonical encoding: key "${key}" is undefined`);
    writer.string(key);
    writeValue(writer, item, depth + 1);
  }
}

/**
 * A value given by its canonical encoding, written as those bytes: for a
 * caller that encoded a part already (a transaction's body, encoded for its
 * signatures, inside the transaction's id). The bytes must be exactly
 * `encodeCanonical` of some value; the encoder cannot check that.
 */
export class PreEncoded {
  constructor(readonly bytes: Uint8Array) {}
}

// One writer serves every call. A value's getter could call back into the
// encoder while it writes; such a nested call gets a writer of its own. A
// writer grown past SHARED_KEEP_BYTES by a large value (a ledger snapshot)
// is let go afterwards, so the process does not keep that buffer forever.
const SHARED_INITIAL_BYTES = 64 * 1024;
const SHARED_KEEP_BYTES = 1024 * 1024;
let shared = new Writer(SHARED_INITIAL_BYTES);
let sharedBusy = false;

function encodeWith(write: (writer: Writer) => void): Uint8Array {
  return useEncoding(write, (bytes) => bytes.slice());
}

/** Writes with the shared writer (or a fresh one when it is busy) and hands `use` the bytes in place. */
function useEncoding<T>(write: (writer: Writer) => void, use: (bytes: Uint8Array) => T): T {
  if (sharedBusy) {
    const own = new Writer(256);
    write(own);
    return use(own.written());
  }
  sharedBusy = true;
  try {
    shared.reset();
    write(shared);
    return use(shared.written());
  } finally {
    sharedBusy = false;
    if (shared.capacity > SHARED_KEEP_BYTES) shared = new Writer(SHARED_INITIAL_BYTES);
  }
}

export function encodeCanonical(value: Canonical): Uint8Array {
  return encodeWith((writer) => writeValue(writer, value, 0));
}

/** `utf8(tag) || 0x00 || encodeCanonical(value)` in one pass: the preimage of a domain-tagged object (hash.ts). */
export function encodeCanonicalTagged(tag: string, value: Canonical): Uint8Array {
  return useTaggedEncoding(tag, value, (bytes) => bytes.slice());
}

/**
 * Hands `use` the bytes of `encodeCanonicalTagged(tag, value)` without
 * copying them: they are valid only during the call (a hash reads them once).
 */
export function useTaggedEncoding<T>(tag: string, value: Canonical, use: (bytes: Uint8Array) => T): T {
  return useTaggedWriting(tag, (writer) => writer.value(value), use);
}

/**
 * Writes a canonical value piece by piece, for a caller that knows its shape
 * (a transaction, encoded on every arrival) and so needs neither the object
 * nor a look at its keys. Each method writes what `encodeCanonical` writes for
 * that piece; the caller writes an object's keys in sorted order, each
 * followed by its value, and exactly `count` of them.
 */
export interface CanonicalWriter {
  /** An object of `count` keys: then key, value, key, value, ... */
  object(count: number): void;
  key(name: string): void;
  array(count: number): void;
  string(value: string): void;
  /** A safe integer (throws otherwise, as encodeCanonical does). */
  integer(value: number): void;
  bigint(value: bigint): void;
  /** Any value, encoded as encodeCanonical encodes it. */
  value(value: Canonical): void;
}

const facades = new WeakMap<Writer, CanonicalWriter>();

/** The CanonicalWriter over `writer` (one per writer). */
function canonicalWriter(writer: Writer): CanonicalWriter {
  let facade = facades.get(writer);
  if (facade === undefined) {
    facade = facadeOf(writer);
    facades.set(writer, facade);
  }
  return facade;
}

function facadeOf(writer: Writer): CanonicalWriter {
  return {
    object(count) {
      writer.byte(0x08);
      writer.u32(count);
    },
    key(name) {
      writer.string(name);
    },
    array(count) {
      writer.byte(0x07);
      writer.u32(count);
    },
    string(value) {
      writer.byte(0x05);
      writer.string(value);
    },
    integer(value) {
      if (!Number.isSafeInteger(value)) throw new TypeError(`canonical encoding: ${value} is not a safe integer`);
      writer.byte(0x03);
      writer.i64(value);
    },
    bigint(value) {
      writer.byte(0x04);
      writer.byte(value < 0n ? 1 : 0);
      writer.magnitude(value < 0n ? -value : value);
    },
    value(value) {
      writeValue(writer, value, 0);
    },
  };
}

/** Like useTaggedEncoding, with the value written by `write`. */
export function useTaggedWriting<T>(tag: string, write: (writer: CanonicalWriter) => void, use: (bytes: Uint8Array) => T): T {
  return useEncoding((writer) => {
    writer.tag(tag);
    writer.byte(0x00);
    write(canonicalWriter(writer));
  }, use);
}
