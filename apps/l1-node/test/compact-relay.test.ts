// Proves the compact relay changes nothing the core sees: a proposal sent as
// hashes comes back, at a replica that holds its transactions, as exactly the
// pre-prepare the primary made; what a replica lacks it fetches from the
// sender, and only a transaction whose hash (computed here) was asked for
// fills a place — a sender that answers with other or altered transactions,
// or a third replica, cannot change the block. View changes and new views go
// compact too (each distinct block once), resolved against the blocks a
// replica holds, and come back exactly; the worst new view the defaults allow
// fits an envelope. Waiting messages are bounded, and the peer schema takes
// the relay's messages in their exact shape only.
import { describe, expect, it } from 'vitest';
import { keyPairFromSeed } from '@wedge/crypto';
import { fastSecp256k1 } from '@wedge/crypto/node';
import { signTx, txHash, type SignedTx } from '@wedge/ledger';
import type { Block, Message, NewView, PrePrepare, PrePrepareMessage, Prepare, ViewChange } from '@wedge/consensus';
import { MAX_BLOCK_TXS } from '@wedge/ledger';
import { CompactRelay, type CompactNewView, type CompactPrePrepare, type CompactViewChange } from '../src/compact-relay.ts';
import { parsePeerMessages } from '../src/peer-schema.ts';
import { PEER_BODY_LIMIT_BYTES } from '../src/transport.ts';
import { parseTagged, stringifyTagged } from '../src/tagged-json.ts';

const alice = keyPairFromSeed(fastSecp256k1, 'relay-alice');
const bob = keyPairFromSeed(fastSecp256k1, 'relay-bob');

function transfer(nonce: number, amount = 1n): SignedTx {
  return signTx(fastSecp256k1, { type: 'transfer', chainId: 'wedge-test', from: alice.address, nonce, to: bob.address, amount }, [alice]);
}

function proposal(seq: number, txs: SignedTx[]): PrePrepareMessage<SignedTx> {
  const prePrepare: PrePrepare = { type: 'pre-prepare', view: 0, seq, digest: `${seq}`.padStart(64, '0'), replica: 0, signature: 'ab' };
  return { type: 'pre-prepare-block', prePrepare, block: { height: seq, txs } };
}

/** A relay whose mempool is `pool` (by hash). */
function relayWith(pool: readonly SignedTx[]): { relay: CompactRelay; pool: Map<string, SignedTx> } {
  const held = new Map(pool.map((tx) => [txHash(tx), tx]));
  return { relay: new CompactRelay(txHash, (hash) => held.get(hash)), pool: held };
}

const txs = Array.from({ length: 6 }, (_, nonce) => transfer(nonce));

function blockOf(message: Message<SignedTx>): Block<SignedTx> {
  if (message.type !== 'pre-prepare-block') throw new Error(`a ${message.type}, not a proposal`);
  return message.block;
}

const digestOf = (seq: number) => `${seq}`.padStart(64, '0');
const vote = <T extends 'pre-prepare' | 'prepare'>(type: T, view: number, seq: number, replica: number) => ({ type, view, seq, digest: digestOf(seq), replica, signature: 'ab' }) as const;

/** Replica `replica`'s view change to `view`, with prepared certificates for `seqs`, block s holding `blocks(s)`. */
function viewChange(view: number, replica: number, seqs: readonly number[], blocks: (seq: number) => readonly SignedTx[]): ViewChange<SignedTx> {
  const prepared = seqs.map((seq) => ({
    prePrepare: vote('pre-prepare', view - 1, seq, (view - 1) % 4) as PrePrepare,
    block: { height: seq, txs: blocks(seq) },
    prepares: [1, 2].map((from) => vote('prepare', view - 1, seq, from) as Prepare),
  }));
  return { type: 'view-change', view, stableSeq: 0, stableRoot: '00'.repeat(32), checkpointProof: [], prepared, replica, signature: 'cd' };
}

function newView(view: number, viewChanges: ViewChange<SignedTx>[]): NewView<SignedTx> {
  const prePrepares = viewChanges[0]!.prepared.map(({ prePrepare, block }) => ({ prePrepare: { ...prePrepare, view }, block }));
  return { type: 'new-view', view, viewChanges, prePrepares, replica: view % 4, signature: 'ef' };
}

/** Through the wire as a replica sends it: tagged JSON, then the peer schema. */
function overWire<M>(message: M): M {
  const parsed = parsePeerMessages([parseTagged(stringifyTagged(message))]);
  expect(parsed).toHaveLength(1);
  return parsed[0] as M;
}

describe('compact relay', () => {
  it('sends hashes and rebuilds the same pre-prepare from the mempool', () => {
    const primary = relayWith(txs).relay;
    const original = proposal(1, txs);
    const compact = primary.compact(original);
    expect(compact).toEqual({ type: 'compact-pre-prepare', prePrepare: original.prePrepare, height: 1, hashes: txs.map(txHash) });
    expect(primary.compact(original)).toBe(compact); // one object for every peer
    // Through JSON, as on the wire.
    const backup = relayWith(txs.map((tx) => structuredClone(tx))).relay;
    const expansion = backup.expand(0, JSON.parse(JSON.stringify(compact, (_key, value: unknown) => (typeof value === 'bigint' ? `${value}` : value))));
    expect(expansion.kind).toBe('ready');
    if (expansion.kind !== 'ready' || expansion.message.type !== 'pre-prepare-block') throw new Error('not a ready proposal');
    expect(expansion.message.prePrepare).toEqual(original.prePrepare);
    expect(expansion.message.block.height).toBe(1);
    expect(expansion.message.block.txs.map(txHash)).toEqual(txs.map(txHash));
    expect(backup.waiting).toBe(0);
    // An empty block needs nothing.
    expect(backup.expand(0, primary.compact(proposal(2, []))).kind).toBe('ready');
  });

  it('fetches what is missing from the sender, and completes with exactly those transactions', () => {
    const primary = relayWith(txs).relay;
    const compact = primary.compact(proposal(1, [...txs, txs[2]!])); // a duplicate stays a duplicate (the core rejects it)
    const backup = relayWith([txs[0]!, txs[1]!, txs[4]!]).relay;
    const expansion = backup.expand(0, compact);
    expect(expansion).toEqual({ kind: 'fetch', requests: [{ type: 'fetch-txs', hashes: [txs[2]!, txs[3]!, txs[5]!].map(txHash) }] });
    expect(backup.waiting).toBe(1);

    // The sender answers from its mempool.
    const served = primary.serve([txHash(txs[2]!), txHash(txs[3]!), txHash(txs[5]!), '00'.repeat(32)]);
    expect(served.map(txHash)).toEqual([txs[2]!, txs[3]!, txs[5]!].map(txHash));

    // Another replica cannot fill the proposal; nor can a transaction nobody asked for, nor an altered one.
    expect(backup.received(2, served)).toEqual([]);
    const altered = { ...txs[3]!, body: { ...txs[3]!.body, amount: 1000n } };
    expect(backup.received(0, [transfer(40), altered])).toEqual([]);
    expect(backup.waiting).toBe(1);

    const ready = backup.received(0, served);
    expect(ready).toHaveLength(1);
    expect(ready[0]!.from).toBe(0);
    expect(blockOf(ready[0]!.message).txs.map(txHash)).toEqual([...txs, txs[2]!].map(txHash));
    expect(backup.waiting).toBe(0);
  });

  it('answers fetches for its own proposals after they left the mempool', () => {
    const { relay: primary, pool } = relayWith(txs);
    primary.compact(proposal(1, txs));
    pool.clear(); // executed: no longer pending
    expect(primary.serve(txs.map(txHash)).map(txHash)).toEqual(txs.map(txHash));
  });

  it('keeps a bounded number of proposals waiting, dropping the oldest', () => {
    const primary = relayWith(txs).relay;
    const backup = relayWith([]).relay;
    for (let seq = 1; seq <= 70; seq++) expect(backup.expand(0, primary.compact(proposal(seq, [txs[seq % txs.length]!]))).kind).toBe('fetch');
    expect(backup.waiting).toBe(64);
    expect(backup.stats.dropped).toBe(6);
    const ready = backup.received(0, txs);
    expect(ready.map((entry) => (entry.message as PrePrepareMessage<SignedTx>).prePrepare.seq)).toEqual(Array.from({ length: 64 }, (_, index) => index + 7));
  });
});

describe('compact views', () => {
  const blocks = (seq: number) => [txs[seq % 6]!, txs[(seq + 1) % 6]!];
  const changes = [0, 1, 2].map((replica) => viewChange(5, replica, [1, 2, 3], blocks));

  it('a view change and a new view come back exactly, each distinct block once, resolved against the blocks held', () => {
    const sender = relayWith(txs).relay;
    const compactChange = sender.compact(changes[0]!) as CompactViewChange;
    expect(compactChange.type).toBe('compact-view-change');
    expect(compactChange.blocks).toEqual([1, 2, 3].map((seq) => ({ height: seq, hashes: blocks(seq).map(txHash) })));
    const original = newView(5, changes);
    const compactView = sender.compact(original) as CompactNewView;
    // Three view changes and the re-proposals of the same three blocks: one table of three.
    expect(compactView.blocks).toHaveLength(3);
    // The receiver's mempool is empty (executed), but it holds the blocks: nothing to fetch.
    const held: Block<SignedTx>[] = [1, 2, 3].map((seq) => ({ height: seq, txs: blocks(seq).map((tx) => structuredClone(tx)) }));
    const receiver = new CompactRelay(txHash, () => undefined, () => held);
    for (const [compact, full] of [
      [compactChange, changes[0]!],
      [compactView, original],
    ] as const) {
      const expansion = receiver.expand(0, overWire(compact));
      if (expansion.kind !== 'ready') throw new Error('not ready');
      expect(stringifyTagged(expansion.message)).toBe(stringifyTagged(full));
    }
  });

  it('fetches what it lacks in pieces a fetch takes, from the sender, which serves from what it sent', () => {
    const many = Array.from({ length: MAX_BLOCK_TXS + 5 }, (_, index) => ({ ...txs[0]!, body: { ...txs[0]!.body, nonce: 100 + index } }) as SignedTx);
    const big = viewChange(7, 1, [1, 2], (seq) => (seq === 1 ? many.slice(0, MAX_BLOCK_TXS) : many.slice(MAX_BLOCK_TXS)));
    const { relay: sender, pool } = relayWith([]);
    const compact = sender.compact(big);
    pool.clear();
    const receiver = relayWith([]).relay;
    const expansion = receiver.expand(1, overWire(compact));
    if (expansion.kind !== 'fetch') throw new Error('nothing to fetch');
    expect(expansion.requests.map((request) => request.hashes.length)).toEqual([MAX_BLOCK_TXS, 5]);
    const answers = expansion.requests.map((request) => sender.serve(request.hashes));
    expect(receiver.received(1, answers[0]!)).toEqual([]);
    const ready = receiver.received(1, answers[1]!);
    expect(ready).toHaveLength(1);
    expect(stringifyTagged(ready[0]!.message)).toBe(stringifyTagged(big));
  });

  it('a new view of a full watermark of full blocks fits a peer envelope many times over', () => {
    // 128 prepared blocks of 1,000 transactions in each of three view changes, proposed again: the worst a genesis with the defaults makes.
    const thousand = Array.from({ length: 1_000 }, (_, index) => ({ ...txs[0]!, body: { ...txs[0]!.body, nonce: index } }) as SignedTx);
    const seqs = Array.from({ length: 128 }, (_, index) => index + 1);
    const full = newView(9, [0, 1, 2].map((replica) => viewChange(9, replica, seqs, () => thousand)));
    const compactBytes = stringifyTagged(relayWith([]).relay.compact(full)).length;
    const blockBytes = stringifyTagged({ height: 1, txs: thousand }).length;
    // Sent whole, each of the 4 x 128 blocks goes in full.
    expect(4 * 128 * blockBytes).toBeGreaterThan(PEER_BODY_LIMIT_BYTES);
    expect(compactBytes).toBeLessThan(PEER_BODY_LIMIT_BYTES / 6);
  });

  it('a block index outside the table makes the message malformed', () => {
    const compact = relayWith(txs).relay.compact(changes[1]!) as CompactViewChange;
    const outside = { ...compact, prepared: compact.prepared.map((entry) => ({ ...entry, block: compact.blocks.length })) };
    expect(parsePeerMessages([parseTagged(stringifyTagged(outside))])).toEqual([]);
    const view = relayWith(txs).relay.compact(newView(5, changes)) as CompactNewView;
    const badView = { ...view, prePrepares: [{ ...view.prePrepares[0]!, block: 99 }] };
    expect(parsePeerMessages([parseTagged(stringifyTagged(badView))])).toEqual([]);
  });
});

describe('relay messages on the wire', () => {
  const primary = relayWith(txs).relay;
  const compact = primary.compact(proposal(3, txs)) as CompactPrePrepare;
  const wire = (message: unknown) => parsePeerMessages([parseTagged(stringifyTagged(message))]);

  it('pass the peer schema in their exact shape', () => {
    expect(wire(compact)).toEqual([compact]);
    expect(wire({ type: 'fetch-txs', hashes: compact.hashes })).toEqual([{ type: 'fetch-txs', hashes: compact.hashes }]);
    expect(wire({ type: 'txs', txs })).toEqual([{ type: 'txs', txs }]);
  });

  it('are dropped when malformed', () => {
    const hash = compact.hashes[0]!;
    const bad: unknown[] = [
      { ...compact, hashes: [hash.toUpperCase()] },
      { ...compact, hashes: [hash.slice(1)] },
      { ...compact, hashes: Array.from({ length: MAX_BLOCK_TXS + 1 }, () => hash) },
      { ...compact, hashes: 'not a list' },
      { ...compact, extra: 1 },
      { ...compact, height: -1 },
      { type: 'fetch-txs', hashes: [7] },
      { type: 'txs', txs: [{ ...txs[0]!, body: { ...txs[0]!.body, amount: 1 } }] },
      { type: 'txs', txs: [txs[0]], more: true },
    ];
    for (const message of bad) expect(wire(message)).toEqual([]);
  });
});
