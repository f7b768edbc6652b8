// Micro-benchmark of the primitives the pure cores need from a platform, each
// Node way against the portable way the cores now use or could use:
//
//   npx tsx scripts/bench/platform.ts [--quick]
//
// It is the record behind two choices. Hex (@wedge/common) and the encoder's
// string copy (@wedge/crypto encoding.ts) are portable because the portable
// code is as fast as Buffer's or faster. sha256 stays behind the "#sha256"
// platform import (packages/crypto/package.json), OpenSSL under Node: noble's
// costs 1-2 µs more per hash of a few hundred bytes and ~5 µs more per
// kilobyte, and a replica under load hashes about 1.3 times and ~760 bytes
// per committed transaction (counted over a run of scripts/l1-inproc.ts), so
// noble would add ~4-5 µs, about 1.5% of a replica's ~300 µs of CPU per
// transaction.
// Prints one row per primitive and input size: µs per call, Node's and
// portable, and portable minus Node.
import { fromHex, toHex } from '@wedge/common';
import * as nodeSha256 from '../../packages/crypto/src/platform/sha256-node.ts';
import * as portableSha256 from '../../packages/crypto/src/platform/sha256-portable.ts';
import { formatTable, measure, type MeasureOptions } from './measure.ts';

const quick = process.argv.includes('--quick');
const options: MeasureOptions = quick ? { roundMs: 150, rounds: 3, warmupMs: 150, batch: 500 } : { roundMs: 400, rounds: 7, warmupMs: 400, batch: 1_000 };
const INPUTS = 256;

/** µs per call of `operation`, given distinct inputs by index. */
function microseconds(operation: (i: number) => unknown): number {
  return 1e6 / measure(operation, options).perSec;
}

function byteInputs(length: number): Uint8Array[] {
  return Array.from({ length: INPUTS }, (_, k) => Uint8Array.from({ length }, (_, j) => (j * 31 + k * 7) & 0xff));
}

// The Node ways, as @wedge/common and the encoder did them before they became portable.
const LOWER_HEX = /^(?:[0-9a-f]{2})*$/;
const ASCII = /^[\x00-\x7f]*$/;
const bufferHex = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
const bufferFromHex = (hex: string): Uint8Array => {
  if (!LOWER_HEX.test(hex)) throw new TypeError('not hex');
  return new Uint8Array(Buffer.from(hex, 'hex'));
};
const target = Buffer.allocUnsafe(64 * 1024);
const plainTarget = new Uint8Array(64 * 1024);
const textEncoder = new TextEncoder();

type Row = { name: string; node: number; portable: number };
const rows: Row[] = [];
const row = (name: string, node: (i: number) => unknown, portable: (i: number) => unknown): void => {
  rows.push({ name, node: microseconds(node), portable: microseconds(portable) });
  process.stderr.write(`${name}\n`);
};

for (const length of [32, 64, 220, 1_000]) {
  const inputs = byteInputs(length);
  row(`sha256 ${length} B to bytes`, (i) => nodeSha256.sha256(inputs[i % INPUTS]!), (i) => portableSha256.sha256(inputs[i % INPUTS]!));
  row(`sha256 ${length} B to hex`, (i) => nodeSha256.sha256Hex(inputs[i % INPUTS]!), (i) => portableSha256.sha256Hex(inputs[i % INPUTS]!));
}
for (const length of [20, 32, 33, 64]) {
  const inputs = byteInputs(length);
  const hexes = inputs.map(bufferHex);
  row(`toHex ${length} B`, (i) => bufferHex(inputs[i % INPUTS]!), (i) => toHex(inputs[i % INPUTS]!));
  row(`fromHex ${length} B`, (i) => bufferFromHex(hexes[i % INPUTS]!), (i) => fromHex(hexes[i % INPUTS]!));
}
for (const length of [32, 64, 66, 128]) {
  const strings = byteInputs(length / 2).map(bufferHex);
  // Node: test for ASCII, then a latin1 write. Portable: encodeInto into exactly `length` bytes, which fits only ASCII.
  row(
    `string copy ${length} chars`,
    (i) => {
      const text = strings[i % INPUTS]!;
      return ASCII.test(text) && target.write(text, (i & 1023) * 16, text.length, 'latin1');
    },
    (i) => {
      const text = strings[i % INPUTS]!;
      const at = (i & 1023) * 16;
      const { read, written } = textEncoder.encodeInto(text, plainTarget.subarray(at, at + text.length));
      return read === text.length && written === text.length;
    },
  );
}

const format = (value: number): string => (Number.isNaN(value) ? '-' : value.toFixed(3));
console.log(
  formatTable(
    ['primitive', 'node µs', 'portable µs', 'portable - node µs'],
    rows.map(({ name, node, portable }) => [name, format(node), format(portable), format(portable - node)]),
  ),
);
