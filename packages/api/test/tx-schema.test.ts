// Proves that the strict transaction schema accepts every genuine transaction
// type and rejects malformed input of every kind: wrong types, missing and
// extra keys, negative, huge, float and non-canonical amounts, bad and
// uppercase hex, out-of-range counts and bounds. Also shows which two things
// only the committed-block schema tolerates (and why: see committed-tx.ts).
import { MAX_AMOUNT } from '@wedge/ledger';
import { describe, expect, it } from 'vitest';
import { signedTxToWire, WireCommittedTx, WireSignedTx, type WireSignedTx as Wire } from '../src/index.ts';
import { copy, nullTerminateTx, sampleTxs } from './fixtures.ts';

type Json = Record<string, any>;
const samples = Object.fromEntries(Object.entries(sampleTxs()).map(([type, tx]) => [type, signedTxToWire(tx)])) as Record<string, Wire>;

function mutated(wire: Wire, edit: (tx: Json) => void): unknown {
  const tx = copy(wire) as Json;
  edit(tx);
  return tx;
}

const accepts = (value: unknown) => WireSignedTx.safeParse(value).success;

describe('WireSignedTx accepts', () => {
  it.each(Object.keys(samples))('a genuine %s', (type) => {
    expect(accepts(samples[type])).toBe(true);
  });

  it('a terminate naming the opening state (null, no signatures)', () => {
    expect(accepts(signedTxToWire(nullTerminateTx()))).toBe(true);
  });

  it('amounts at the edges: "0" and MAX_AMOUNT', () => {
    expect(accepts(mutated(samples.transfer!, (tx) => (tx.body.amount = '0')))).toBe(true);
    expect(accepts(mutated(samples.transfer!, (tx) => (tx.body.amount = MAX_AMOUNT.toString())))).toBe(true);
  });
});

// Edits that break any transaction, whatever its type.
const commonBreaks: [string, (tx: Json) => void][] = [
  ['an extra top-level key', (tx) => (tx.extra = 1)],
  ['an extra body key', (tx) => (tx.body.memo = 'hi')],
  ['an extra key in a signature', (tx) => (tx.signatures[0].scheme = 'x')],
  ['a __proto__ key (as JSON.parse makes it)', (tx) => Object.defineProperty(tx.body, '__proto__', { value: {}, enumerable: true })],
  ['no body', (tx) => delete tx.body],
  ['no signatures', (tx) => (tx.signatures = [])],
  ['17 signatures', (tx) => (tx.signatures = Array.from({ length: 17 }, () => tx.signatures[0]))],
  ['signatures not an array', (tx) => (tx.signatures = tx.signatures[0])],
  ['an unknown type', (tx) => (tx.body.type = 'channel.steal')],
  ['no type', (tx) => delete tx.body.type],
  ['no chainId', (tx) => delete tx.body.chainId],
  ['an invalid chainId', (tx) => (tx.body.chainId = 'Wedge_Main')],
  ['a 64-character chainId', (tx) => (tx.body.chainId = 'a'.repeat(64))],
  ['a numeric chainId', (tx) => (tx.body.chainId = 7)],
  ['an uppercase from', (tx) => (tx.body.from = tx.body.from.toUpperCase())],
  ['a 0x-prefixed from', (tx) => (tx.body.from = `0x${tx.body.from.slice(2)}`)],
  ['a short from', (tx) => (tx.body.from = tx.body.from.slice(2))],
  ['a nonce as a string', (tx) => (tx.body.nonce = String(tx.body.nonce))],
  ['a negative nonce', (tx) => (tx.body.nonce = -1)],
  ['a fractional nonce', (tx) => (tx.body.nonce = 1.5)],
  ['an unsafe nonce', (tx) => (tx.body.nonce = 2 ** 53)],
  ['a null nonce', (tx) => (tx.body.nonce = null)],
  ['an uppercase signature', (tx) => (tx.signatures[0].signature = tx.signatures[0].signature.toUpperCase())],
  ['a 63-byte signature', (tx) => (tx.signatures[0].signature = tx.signatures[0].signature.slice(2))],
  ['a 65-byte signature', (tx) => (tx.signatures[0].signature += '00')],
  ['an uncompressed-prefix public key', (tx) => (tx.signatures[0].publicKey = `04${tx.signatures[0].publicKey.slice(2)}`)],
  ['a short public key', (tx) => (tx.signatures[0].publicKey = tx.signatures[0].publicKey.slice(0, 64))],
];

describe.each(Object.keys(samples))('WireSignedTx rejects a %s with', (type) => {
  it.each(commonBreaks)('%s', (_name, edit) => {
    expect(accepts(mutated(samples[type]!, edit))).toBe(false);
  });
});

describe('WireSignedTx rejects the whole value when it is', () => {
  it.each([null, 1, 'tx', [], true, undefined])('%j', (value) => {
    expect(accepts(value)).toBe(false);
  });
});

const badAmounts: [string, unknown][] = [
  ['negative', '-1'],
  ['a JSON number', 5],
  ['a float string', '1.5'],
  ['an exponent', '1e3'],
  ['a leading zero', '01'],
  ['a leading plus', '+1'],
  ['padded with spaces', ' 1'],
  ['empty', ''],
  ['hex', '0x10'],
  ['above MAX_AMOUNT', (MAX_AMOUNT + 1n).toString()],
  ['41 digits', '1'.repeat(41)],
  ['null', null],
];

describe('transfer amount is rejected when', () => {
  it.each(badAmounts)('%s', (_name, amount) => {
    expect(accepts(mutated(samples.transfer!, (tx) => (tx.body.amount = amount)))).toBe(false);
  });
});

describe('channel.open is rejected with', () => {
  const open = samples['channel.open']!;
  it.each(badAmounts)('a deposit that is %s', (_name, deposit) => {
    expect(accepts(mutated(open, (tx) => (tx.body.members[0].deposit = deposit)))).toBe(false);
  });
  it.each<[string, (tx: Json) => void]>([
    ['one member', (tx) => (tx.body.members = tx.body.members.slice(0, 1))],
    ['17 members', (tx) => (tx.body.members = Array.from({ length: 17 }, (_, i) => ({ publicKey: `02${i.toString(16).padStart(64, '0')}`, deposit: '1' })))],
    ['the same member twice', (tx) => (tx.body.members[1] = tx.body.members[0])],
    ['an extra key in a member', (tx) => (tx.body.members[0].address = tx.body.from)],
    ['challengeBlocks 0', (tx) => (tx.body.challengeBlocks = 0)],
    ['challengeBlocks above 100000', (tx) => (tx.body.challengeBlocks = 100_001)],
    ['challengeBlocks as a string', (tx) => (tx.body.challengeBlocks = '10')],
    ['an unknown topology', (tx) => (tx.body.topology = 'ring')],
    ['an uppercase channelId', (tx) => (tx.body.channelId = tx.body.channelId.toUpperCase())],
  ])('%s', (_name, edit) => {
    expect(accepts(mutated(open, edit))).toBe(false);
  });
});

describe.each(['channel.close', 'channel.terminate', 'channel.challenge'])('%s is rejected with', (type) => {
  const wire = samples[type]!;
  it.each(badAmounts)('a state balance that is %s', (_name, balance) => {
    expect(accepts(mutated(wire, (tx) => (tx.body.state.balances[0] = balance)))).toBe(false);
  });
  it.each<[string, (tx: Json) => void]>([
    ['an extra key in the state', (tx) => (tx.body.state.penalty = '0')],
    ['a missing state field', (tx) => delete tx.body.state.prevHash],
    ['final as a string', (tx) => (tx.body.state.final = 'true')],
    ['a negative version', (tx) => (tx.body.state.version = -1)],
    ['17 balances', (tx) => (tx.body.state.balances = Array.from({ length: 17 }, () => '1'))],
    ['a short commandsHash', (tx) => (tx.body.state.commandsHash = 'ab')],
    ['a 63-byte state signature', (tx) => (tx.body.stateSignatures[0] = tx.body.stateSignatures[0].slice(2))],
    ['17 state signatures', (tx) => (tx.body.stateSignatures = Array.from({ length: 17 }, () => tx.body.stateSignatures[0]))],
    ['a state signature that is not a string', (tx) => (tx.body.stateSignatures[0] = 1)],
  ])('%s', (_name, edit) => {
    expect(accepts(mutated(wire, edit))).toBe(false);
  });
});

describe('state-specific rules', () => {
  it('close and challenge need a state; only terminate may name the opening state with null', () => {
    expect(accepts(mutated(samples['channel.close']!, (tx) => ((tx.body.state = null), (tx.body.stateSignatures = []))))).toBe(false);
    expect(accepts(mutated(samples['channel.challenge']!, (tx) => ((tx.body.state = null), (tx.body.stateSignatures = []))))).toBe(false);
  });

  it('a null terminate state takes no signatures', () => {
    const wire = signedTxToWire(nullTerminateTx());
    expect(accepts(mutated(wire, (tx) => (tx.body.stateSignatures = ['ab'.repeat(64)])))).toBe(false);
  });

  it('settle carries no state', () => {
    expect(accepts(mutated(samples['channel.settle']!, (tx) => (tx.body.state = null)))).toBe(false);
  });
});

describe('WireCommittedTx (blocks)', () => {
  const close = samples['channel.close']!;

  it('accepts what the ledger leaves to execution: any integer balance, a short state signature', () => {
    for (const edit of [
      (tx: Json) => (tx.body.state.balances[0] = '-5'),
      (tx: Json) => (tx.body.state.balances[0] = (MAX_AMOUNT * 10n).toString()),
      (tx: Json) => (tx.body.stateSignatures[0] = 'ab'),
    ]) {
      const value = mutated(close, edit);
      expect(accepts(value)).toBe(false);
      expect(WireCommittedTx.safeParse(value).success).toBe(true);
    }
  });

  it('still rejects everything else the strict schema rejects', () => {
    for (const [, edit] of commonBreaks) expect(WireCommittedTx.safeParse(mutated(close, edit)).success).toBe(false);
    for (const balance of ['-0', '01', '1.5', 5, '']) {
      expect(WireCommittedTx.safeParse(mutated(close, (tx) => (tx.body.state.balances[0] = balance))).success).toBe(false);
    }
    expect(WireCommittedTx.safeParse(mutated(close, (tx) => (tx.body.stateSignatures[0] = 'abc'))).success).toBe(false);
    expect(WireCommittedTx.safeParse(mutated(close, (tx) => (tx.body.stateSignatures[0] = 'ab'.repeat(129)))).success).toBe(false);
  });
});
