// Proves the compact relay changes nothing the core sees: a proposal sent as
// hashes comes back, at a replica that holds its transactions, as exactly the
// pre-prepare the primary made; what a replica lacks it fetches from the
// sender, and only a transaction whose hash (computed here) was asked for
// fills a place — a sender that answers with other or altered transactions,
// or a third replica, cannot change the block. Waiting proposals are bounded,
// and the peer schema takes the relay's messages in their exact shape only.
import { describe, expect, it } from 'vitest';
import { keyPairFromSeed } from '@wedge/crypto';
import { fastSecp256k1 } from '@wedge/crypto/node';
import { signTx, txHash, type SignedTx } from '@wedge/ledger';
import type { PrePrepare, PrePrepareMessage } from '@wedge/consensus';
import { MAX_BLOCK_TXS } from '@wedge/ledger';
import { CompactRelay } from '../src/compact-relay.ts';
import { parsePeerMessages } from '../src/peer-schema.ts';
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
    if (expansion.kind !== 'ready') return;
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
    expect(expansion).toEqual({ kind: 'fetch', hashes: [txs[2]!, txs[3]!, txs[5]!].map(txHash) });
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
    expect(ready[0]!.message.block.txs.map(txHash)).toEqual([...txs, txs[2]!].map(txHash));
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
    expect(ready.map((entry) => entry.message.prePrepare.seq)).toEqual(Array.from({ length: 64 }, (_, index) => index + 7));
  });
});

describe('relay messages on the wire', () => {
  const primary = relayWith(txs).relay;
  const compact = primary.compact(proposal(3, txs));
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
