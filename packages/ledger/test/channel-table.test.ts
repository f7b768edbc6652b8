// Proves that hasFrozenChannel, the consensus core's needsIdleBlocks, is
// answered from a count kept as records are set (ChannelTable) and gives the
// same answer as a walk over every channel: for any sequence of sets,
// deletes and clears; through the ledger's own transactions (open,
// terminate, settle, cooperative close), in the tables createLedger,
// cloneLedger and decodeLedger make; and that its cost no longer grows with
// the number of channels (the walk made a settle at 10,000 channels cost a
// thousand times one at 10).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createStandInScheme, type KeyPair } from '@wedge/crypto';
import { ChannelTable } from '../src/channel-table.ts';
import { cloneLedger, decodeLedger, encodeLedger, hasFrozenChannel, type ChannelRecord, type ChannelStatus, type LedgerState } from '../src/index.ts';
import { certify, channelIdOf, channelState, commit, advance, makeKeys, makeLedger, openTx, settleTx, submitStateTx } from './fixtures.ts';

const scheme = createStandInScheme();

/** What hasFrozenChannel answered before: a walk over every record. */
const walkedFrozen = (state: LedgerState): number => [...state.channels.values()].filter((record) => record.status === 'frozen').length;

function recordWith(id: string, status: ChannelStatus): ChannelRecord {
  return { id, status } as ChannelRecord; // only id and status matter to the table
}

describe('ChannelTable', () => {
  it('counts the frozen records exactly, over any sequence of sets, deletes and clears', () => {
    const operation = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), id: fc.integer({ min: 0, max: 7 }), status: fc.constantFrom<ChannelStatus>('open', 'frozen', 'closed') }),
      fc.record({ kind: fc.constant('delete' as const), id: fc.integer({ min: 0, max: 7 }) }),
      fc.record({ kind: fc.constant('clear' as const) }),
    );
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 60 }), (operations) => {
        const table = new ChannelTable();
        for (const op of operations) {
          if (op.kind === 'set') table.set(String(op.id), recordWith(String(op.id), op.status));
          else if (op.kind === 'delete') table.delete(String(op.id));
          else table.clear();
          expect(table.frozenCount).toBe([...table.values()].filter((record) => record.status === 'frozen').length);
        }
      }),
    );
  });

  it('agrees with a walk through open, terminate, settle and close, and survives clone and snapshot', () => {
    const keys = makeKeys(scheme, 6);
    const pairs = [0, 2, 4].map((first) => [keys[first]!, keys[first + 1]!] as [KeyPair, KeyPair]);
    const ids = pairs.map((_, index) => channelIdOf(`table-${index}`));
    const state = makeLedger(keys);
    const check = (): void => {
      expect(state.channels).toBeInstanceOf(ChannelTable);
      expect(hasFrozenChannel(state)).toBe(walkedFrozen(state) > 0);
      expect((state.channels as ChannelTable).frozenCount).toBe(walkedFrozen(state));
      for (const copy of [cloneLedger(state), decodeLedger(encodeLedger(state))]) {
        expect(copy.channels).toBeInstanceOf(ChannelTable);
        expect((copy.channels as ChannelTable).frozenCount).toBe(walkedFrozen(state));
      }
    };
    const ok = (results: { code: string }[]): void => expect(results.map((result) => result.code)).toEqual(results.map(() => 'OK'));
    check();
    ok(commit(scheme, state, pairs.map((pair, index) => openTx(scheme, pair[0], 0, ids[index]!, pair, [100n, 50n], { challengeBlocks: 2 }))));
    check();
    // Channels 0 and 1 are terminated with their opening state: two frozen.
    ok(commit(scheme, state, [0, 1].map((index) => submitStateTx(scheme, 'channel.terminate', pairs[index]![0], 1, ids[index]!, null, []))));
    check();
    expect(walkedFrozen(state)).toBe(2);
    advance(scheme, state, 2);
    // Channel 0 settles; channel 1 closes cooperatively while frozen; channel 2 closes while open.
    const finals = [1, 2].map((index) => channelState(ids[index]!, 1, [100n, 50n], { final: true }));
    ok(commit(scheme, state, [settleTx(scheme, pairs[0]![1], 0, ids[0]!)]));
    check();
    expect(walkedFrozen(state)).toBe(1);
    ok(commit(scheme, state, [1, 2].map((index, k) => submitStateTx(scheme, 'channel.close', pairs[index]![1], 0, ids[index]!, finals[k]!, certify(scheme, finals[k]!, pairs[index]!)))));
    check();
    expect(walkedFrozen(state)).toBe(0);
    expect(hasFrozenChannel(state)).toBe(false);
  });

  it('answers without walking the channels: the same reads at 10 and at 10,000 records', () => {
    const readsAt = (count: number): number => {
      const state = makeLedger([]);
      for (let index = 0; index < count; index++) state.channels.set(String(index), recordWith(String(index), 'open'));
      let reads = 0;
      const values = state.channels.values.bind(state.channels);
      state.channels.values = () => {
        reads += state.channels.size;
        return values();
      };
      hasFrozenChannel(state);
      return reads;
    };
    expect(readsAt(10)).toBe(0);
    expect(readsAt(10_000)).toBe(0);
    // A hand-built plain Map is still answered, by the walk.
    const plain: LedgerState = { ...makeLedger([]), channels: new Map([['x', recordWith('x', 'frozen')]]) };
    expect(hasFrozenChannel(plain)).toBe(true);
  });
});
