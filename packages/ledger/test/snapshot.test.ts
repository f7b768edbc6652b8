// Proves that snapshots are exact: encode → decode and clone preserve the
// state root and re-encode to the same value; the root does not depend on the
// order in which maps were filled; a clone shares nothing with its source; and
// decoding refuses a snapshot that is malformed, unsorted, or breaks a ledger
// invariant (it may come from a Byzantine replica during state transfer).
import { describe, expect, it } from 'vitest';
import { createStandInScheme, encodeCanonical, type Canonical, type KeyPair } from '@wedge/crypto';
import { cloneLedger, decodeLedger, encodeLedger, LedgerError, signTx, stateRoot, type LedgerState } from '../src/index.ts';
import {
  advance,
  certify,
  channelIdOf,
  channelState,
  commit,
  makeKeys,
  makeLedger,
  openTx,
  settleTx,
  submitStateTx,
  transferBody,
} from './fixtures.ts';

const scheme = createStandInScheme();
const [alice, bob, carol, dave] = makeKeys(scheme, 4) as [KeyPair, KeyPair, KeyPair, KeyPair];

/** A ledger with an open, a frozen-and-challenged, a cooperatively closed and a settled channel. */
function busyLedger(): LedgerState {
  const state = makeLedger([alice, bob, carol]);
  const [open, frozen, coop, settled] = ['open', 'frozen', 'coop', 'settled'].map(channelIdOf) as [string, string, string, string];
  commit(scheme, state, [
    openTx(scheme, alice, 0, open, [alice, bob], [10n, 20n]),
    openTx(scheme, bob, 0, frozen, [bob, carol, alice], [5n, 5n, 5n], { challengeBlocks: 50, topology: 'chain' }),
    openTx(scheme, carol, 0, coop, [carol, alice], [7n, 0n]),
    openTx(scheme, alice, 1, settled, [alice, carol], [3n, 4n], { challengeBlocks: 1 }),
    signTx(scheme, transferBody(alice, 2, dave.address, 99n), [alice]),
  ]);
  const frozenV2 = channelState(frozen, 2, [1n, 2n, 12n], { deposited: [5n, 5n, 5n] });
  const frozenV5 = channelState(frozen, 5, [0n, 15n, 0n], { deposited: [5n, 5n, 5n] });
  const coopFinal = channelState(coop, 9, [1n, 6n], { final: true, deposited: [7n, 0n] });
  commit(scheme, state, [
    submitStateTx(scheme, 'channel.terminate', carol, 1, frozen, frozenV2, certify(scheme, frozenV2, [bob, carol, alice])),
    submitStateTx(scheme, 'channel.close', dave, 0, coop, coopFinal, certify(scheme, coopFinal, [carol, alice])),
    submitStateTx(scheme, 'channel.terminate', alice, 3, settled, null, []),
  ]);
  commit(scheme, state, [
    submitStateTx(scheme, 'channel.challenge', dave, 1, frozen, frozenV5, certify(scheme, frozenV5, [bob, carol, alice])),
    settleTx(scheme, dave, 2, settled),
  ]);
  advance(scheme, state, 2);
  return state;
}

describe('encodeLedger / decodeLedger / cloneLedger', () => {
  it('round-trips exactly and preserves the root', () => {
    const state = busyLedger();
    const statuses = [...state.channels.values()].map((record) => `${record.status}/${record.closedBy}`).sort();
    expect(statuses).toEqual(['closed/cooperative', 'closed/dispute', 'frozen/null', 'open/null']);
    const encoded = encodeLedger(state);
    const decoded = decodeLedger(encoded);
    expect(stateRoot(decoded)).toBe(stateRoot(state));
    expect(encodeCanonical(encodeLedger(decoded))).toEqual(encodeCanonical(encoded));
    expect(decoded.height).toBe(state.height);
    expect(decoded.supply).toBe(state.supply);
    expect(new Map([...decoded.channels].sort())).toEqual(new Map([...state.channels].sort()));
    expect(new Map([...decoded.accounts].sort())).toEqual(new Map([...state.accounts].sort()));
    expect(stateRoot(cloneLedger(state))).toBe(stateRoot(state));
  });

  it('survives a trip through structuredClone (as a worker or IPC would copy it)', () => {
    const state = busyLedger();
    expect(stateRoot(decodeLedger(structuredClone(encodeLedger(state))))).toBe(stateRoot(state));
  });

  it('does not depend on the order the maps were filled in', () => {
    const state = busyLedger();
    const reversed: LedgerState = {
      ...state,
      accounts: new Map([...state.accounts].reverse()),
      channels: new Map([...state.channels].reverse()),
    };
    expect(stateRoot(reversed)).toBe(stateRoot(state));
  });

  it('makes clones that share nothing with the source', () => {
    const state = busyLedger();
    const root = stateRoot(state);
    const clone = cloneLedger(state);
    const next = clone.height + 1;
    commit(scheme, clone, [signTx(scheme, transferBody(bob, 1, dave.address, 1n), [bob])]);
    clone.channels.get(channelIdOf('open'))!.recorded.balances[0] = 999n;
    clone.channels.get(channelIdOf('open'))!.members[0]!.address = 'f'.repeat(40);
    expect(clone.height).toBe(next);
    expect(stateRoot(state)).toBe(root);
  });

  it('changes the root when anything in the state changes', () => {
    const state = busyLedger();
    const root = stateRoot(state);
    const variants: ((copy: LedgerState) => void)[] = [
      (copy) => (copy.height += 1),
      (copy) => copy.accounts.set(alice.address, { ...copy.accounts.get(alice.address)!, nonce: 77 }),
      (copy) => copy.accounts.set(dave.address, { ...copy.accounts.get(dave.address)!, balance: 1n }),
      (copy) => copy.accounts.set('0'.repeat(40), { balance: 0n, nonce: 0 }),
      (copy) => (copy.channels.get(channelIdOf('frozen'))!.deadline! += 1),
      (copy) => (copy.channels.get(channelIdOf('open'))!.recorded.final = true),
    ];
    for (const change of variants) {
      const copy = cloneLedger(state);
      change(copy);
      expect(stateRoot(copy)).not.toBe(root);
    }
  });
});

describe('decodeLedger refuses bad snapshots', () => {
  type Snapshot = { [key: string]: any };
  const corruptions: [string, (snapshot: Snapshot) => void][] = [
    ['an unknown format', (s) => (s.format = 'wedge-ledger/0')],
    ['a bad chain id', (s) => (s.chainId = 'NOPE')],
    ['a negative height', (s) => (s.height = -1)],
    ['an extra field', (s) => (s.extra = 1)],
    ['unsorted accounts', (s) => s.accounts.reverse()],
    ['a duplicate account', (s) => s.accounts.splice(1, 0, s.accounts[0])],
    ['a balance that breaks conservation', (s) => (s.accounts[0].balance += 1n)],
    ['a supply that breaks conservation', (s) => (s.supply -= 1n)],
    ['a negative balance', (s) => (s.accounts[0].balance = -1n)],
    ['unsorted channels', (s) => s.channels.reverse()],
    ['a member address that is not its key’s', (s) => (s.channels[0].members[0].address = 'a'.repeat(40))],
    ['deposits that do not add up to the total', (s) => (s.channels[0].deposits[0] += 1n)],
    ['recorded balances that do not add up', (s) => (s.channels[0].recorded.balances[0] += 1n)],
    ['a recorded state of another channel', (s) => (s.channels[0].recorded.channelId = s.channels[1].id)],
    ['an unknown status', (s) => (s.channels[0].status = 'paused')],
    ['an open channel with a deadline', (s) => openChannelOf(s).deadline = 5],
    ['a frozen channel without a deadline', (s) => Object.assign(frozenChannelOf(s), { deadline: null, terminatedBy: null })],
    ['a closed channel without settled balances', (s) => (closedChannelOf(s).settledBalances = null)],
    ['settled balances other than the recorded ones', (s) => (closedChannelOf(s).settledBalances = [...closedChannelOf(s).settledBalances].reverse())],
    ['a terminator outside the group', (s) => (frozenChannelOf(s).terminatedBy = 'b'.repeat(40))],
    ['a channel opened in the future', (s) => (s.channels[0].openedAt = s.height + 1)],
    ['a sparse account list', (s) => (s.accounts.length += 1)],
    ['a not-a-snapshot', (s) => Object.keys(s).forEach((key) => delete s[key])],
  ];

  function openChannelOf(s: Snapshot): Snapshot {
    return s.channels.find((channel: Snapshot) => channel.status === 'open');
  }
  function frozenChannelOf(s: Snapshot): Snapshot {
    return s.channels.find((channel: Snapshot) => channel.status === 'frozen');
  }
  function closedChannelOf(s: Snapshot): Snapshot {
    return s.channels.find((channel: Snapshot) => channel.status === 'closed');
  }

  it.each(corruptions)('with %s', (_label, corrupt) => {
    const snapshot = structuredClone(encodeLedger(busyLedger())) as Snapshot;
    expect(() => decodeLedger(snapshot as Canonical)).not.toThrow();
    corrupt(snapshot);
    expect(() => decodeLedger(snapshot as Canonical)).toThrow(LedgerError);
  });
});
