// What many open channels cost the L1 ledger: the state's size, the work of
// its state root, and the work of one channel.settle — counted, not timed.
// The ledger runs as the replicas run it (createLedgerApp: execute, and the
// one question the consensus core asks after every block and on idle steps,
// needsIdleBlocks). The work of a settle is counted as the account and
// channel records the ledger reads, writes or walks past (every get, has,
// set and every entry an iteration yields), plus signature checks.
import { createStandInScheme, encodeCanonical, hashTaggedHex, keyPairFromSeed, type KeyPair } from '@wedge/crypto';
import { toHex } from '@wedge/common';
import {
  createLedger,
  createLedgerApp,
  encodeLedger,
  signTx,
  type Account,
  type ChannelRecord,
  type LedgerState,
  type SignedTx,
  type TxBody,
} from '@wedge/ledger';
import { countingScheme, emptySignatureCounts } from './counting-scheme.ts';

export type LedgerScaleFigures = {
  readonly channels: number;
  readonly accounts: number;
  /** The state's canonical encoding: what a snapshot holds and the state root hashes. */
  readonly stateBytes: number;
  /** Bytes hashed for one state root (the whole encoding: the root is one hash over it). */
  readonly stateRootBytesHashed: number;
  /** Account and channel records encoded for one state root. */
  readonly stateRootRecords: number;
  /** Records read, written or walked past to execute a block of one settle and answer needsIdleBlocks after it. */
  readonly settleRecordsTouched: number;
  readonly settleVerifies: number;
};

const CHAIN_ID = 'scale';
const DEPOSIT = 1_000n;
const CHALLENGE_BLOCKS = 1;
/** Opens per block while the state is built (within MAX_BLOCK_TXS). */
const OPENS_PER_BLOCK = 1_000;

type Visits = { count: number };

/** Counts every lookup, write and iterated entry of a Map — the ledger's work on its tables, as records touched. */
function countVisits<K, V>(map: Map<K, V>, visits: Visits): void {
  const get = map.get.bind(map);
  const has = map.has.bind(map);
  const set = map.set.bind(map);
  const iterate = <T>(inner: Iterator<T>): IterableIterator<T> => {
    const counted: IterableIterator<T> = {
      next() {
        const step = inner.next();
        if (step.done !== true) visits.count += 1;
        return step;
      },
      [Symbol.iterator]: () => counted,
    };
    return counted;
  };
  const values = map.values.bind(map);
  const keys = map.keys.bind(map);
  const entries = map.entries.bind(map);
  // Own properties shadow the prototype's methods on this one object; the ledger calls them as usual.
  Object.assign(map, {
    get: (key: K) => ((visits.count += 1), get(key)),
    has: (key: K) => ((visits.count += 1), has(key)),
    set: (key: K, value: V) => ((visits.count += 1), set(key, value)),
    values: () => iterate(values()),
    keys: () => iterate(keys()),
    entries: () => iterate(entries()),
    [Symbol.iterator]: () => iterate(entries()),
  });
}

function channelId(index: number): string {
  return hashTaggedHex(`wedge/${CHAIN_ID}/scale-channel`, { index });
}

/** A ledger with `channels` open 2-member channels, each between two accounts of its own. */
function ledgerWithChannels(channels: number): { state: LedgerState; app: ReturnType<typeof createLedgerApp>; members: KeyPair[][]; scheme: ReturnType<typeof createStandInScheme> } {
  const scheme = createStandInScheme();
  const members = Array.from({ length: channels }, (_, index) => [0, 1].map((side) => keyPairFromSeed(scheme, `scale/channel/${index}/${side}`)));
  const state = createLedger({ chainId: CHAIN_ID, accounts: members.flat().map((key) => ({ address: key.address, balance: 10n * DEPOSIT })) });
  const app = createLedgerApp(scheme, CHAIN_ID);
  const opens: SignedTx[] = members.map((pair, index) =>
    signTx(
      scheme,
      {
        type: 'channel.open',
        chainId: CHAIN_ID,
        from: pair[0]!.address,
        nonce: 0,
        channelId: channelId(index),
        members: pair.map((key) => ({ publicKey: toHex(key.publicKey), deposit: DEPOSIT })),
        challengeBlocks: CHALLENGE_BLOCKS,
        topology: 'star',
      },
      pair,
    ),
  );
  for (let from = 0; from < opens.length; from += OPENS_PER_BLOCK) {
    const results = app.execute(state, state.height + 1, opens.slice(from, from + OPENS_PER_BLOCK));
    const refused = results.find((result) => result.code !== 'OK');
    if (refused !== undefined) throw new Error(`ledger scale: channel.open refused (${refused.code})`);
  }
  return { state, app, members, scheme };
}

function executeOne(app: ReturnType<typeof createLedgerApp>, state: LedgerState, tx: SignedTx): void {
  const [result] = app.execute(state, state.height + 1, [tx]);
  if (result?.code !== 'OK') throw new Error(`ledger scale: ${tx.body.type} refused (${result?.code})`);
}

export type LedgerScaleOptions = {
  /**
   * Put the channels in a plain Map, which hasFrozenChannel walks — what every
   * settle cost before the ledger's ChannelTable: the test shows the count
   * catches an O(channels) settle.
   */
  readonly plainChannelMap?: boolean;
};

export function runLedgerScale(channels: number, options: LedgerScaleOptions = {}): LedgerScaleFigures {
  const { state, app, members, scheme } = ledgerWithChannels(channels);
  if (options.plainChannelMap === true) state.channels = new Map(state.channels);
  const encoded = encodeCanonical(encodeLedger(state));
  const figures = {
    channels,
    accounts: state.accounts.size,
    stateBytes: encoded.length,
    stateRootBytesHashed: encoded.length,
    stateRootRecords: state.accounts.size + state.channels.size,
  };
  // Channel 0 is terminated with its opening state, its window passes, then it is settled.
  const [alice, bob] = members[0] as [KeyPair, KeyPair];
  const id = channelId(0);
  const body = (fields: Record<string, unknown>): TxBody => ({ chainId: CHAIN_ID, channelId: id, ...fields }) as TxBody;
  executeOne(app, state, signTx(scheme, body({ type: 'channel.terminate', from: alice.address, nonce: 1, state: null, stateSignatures: [] }), [alice]));
  for (let block = 0; block < CHALLENGE_BLOCKS; block++) app.execute(state, state.height + 1, []);
  const settle = signTx(scheme, body({ type: 'channel.settle', from: bob.address, nonce: 0 }), [bob]);
  const counts = emptySignatureCounts();
  const counted = createLedgerApp(countingScheme(scheme, () => true, counts), CHAIN_ID);
  const visits: Visits = { count: 0 };
  countVisits<string, Account>(state.accounts, visits);
  countVisits<string, ChannelRecord>(state.channels, visits);
  executeOne(counted, state, settle);
  counted.needsIdleBlocks(state);
  if (state.channels.get(id)?.status !== 'closed') throw new Error('ledger scale: the settled channel is not closed');
  return { ...figures, settleRecordsTouched: visits.count, settleVerifies: counts.clientVerifies + counts.protocolVerifies };
}
