// How many bytes a message takes on the wire, for the scale measurements.
// The processes send JSON (apps/l1-node tagged-json.ts, apps/l2-node
// wire.ts); the default here is the UTF-8 length of the message's JSON with
// a bigint as its decimal string and bytes as hex, within a few bytes of
// theirs per bigint. The benchmark (scripts/bench/scale.ts) passes the
// processes' own encoders instead. HTTP and envelope framing are not counted.
import { toHex } from '@wedge/common';

/** The bytes of one message as sent. */
export type MessageBytes = (message: unknown) => number;

const encoder = new TextEncoder();

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return toHex(value);
  return value;
}

export const jsonBytes: MessageBytes = (message) => encoder.encode(JSON.stringify(message, replacer)).length;
