// Compact proposals: the primary's pre-prepare travels as its transactions'
// hashes, not the transactions. Every replica already holds almost every one
// of them — a client's request is broadcast to all replicas when it arrives —
// so sending each again inside the proposal made every backup receive, parse,
// validate and intern every transaction twice. A backup rebuilds the block
// from its own mempool and asks the sender for the few it lacks (a request
// can still be on its way from another replica), holding the proposal until
// they come. This is relay only, below the consensus core: the core sees the
// same full pre-prepare as before and checks it as before (digest, signature,
// every unknown transaction's signatures). A hash is resolved only to a
// transaction this replica hashed itself, so a lying sender can withhold
// transactions (which stalls its own proposal until a view change) but cannot
// change one.
//
// Pure: the replica shell feeds it messages and sends what it returns.
import { deleteOldest } from '@wedge/common';
import type { Block, PrePrepare, PrePrepareMessage } from '@wedge/consensus';
import type { SignedTx } from '@wedge/ledger';

export type CompactPrePrepare = {
  readonly type: 'compact-pre-prepare';
  readonly prePrepare: PrePrepare;
  readonly height: number;
  readonly hashes: readonly string[];
};
/** A backup asking a proposal's sender for the transactions it lacks. */
export type FetchTxs = { readonly type: 'fetch-txs'; readonly hashes: readonly string[] };
/** The answer: those of the asked-for transactions the sender holds. */
export type TxsReply = { readonly type: 'txs'; readonly txs: readonly SignedTx[] };
export type RelayMessage = CompactPrePrepare | FetchTxs | TxsReply;

/** Proposals waiting for transactions; the oldest is dropped beyond this (the core recovers a missed proposal). */
const MAX_PARKED = 64;
/** Own proposals whose transactions are kept to answer fetches after they left the mempool. */
const MAX_SENT = 32;

type Parked = {
  readonly from: number;
  readonly message: CompactPrePrepare;
  readonly txs: (SignedTx | undefined)[];
  missing: number;
};

export type Expansion =
  | { readonly kind: 'ready'; readonly message: PrePrepareMessage<SignedTx> }
  | { readonly kind: 'fetch'; readonly hashes: string[] };

export type RelayStats = { compacted: number; expanded: number; parked: number; fetchedTxs: number; dropped: number };

export class CompactRelay {
  readonly stats: RelayStats = { compacted: 0, expanded: 0, parked: 0, fetchedTxs: 0, dropped: 0 };
  private readonly sent = new Map<string, Map<string, SignedTx>>();
  private readonly compacted = new WeakMap<PrePrepareMessage<SignedTx>, CompactPrePrepare>();
  private parked: Parked[] = [];

  /**
   * @param txHash the replica's (memoized) transaction id
   * @param held a transaction this replica holds (its mempool), by id
   */
  constructor(
    private readonly txHash: (tx: SignedTx) => string,
    private readonly held: (hash: string) => SignedTx | undefined,
  ) {}

  /** The compact form of an own proposal (one object per proposal, however many peers it goes to). */
  compact(message: PrePrepareMessage<SignedTx>): CompactPrePrepare {
    const known = this.compacted.get(message);
    if (known !== undefined) return known;
    const byHash = new Map<string, SignedTx>();
    const hashes = message.block.txs.map((tx) => {
      const hash = this.txHash(tx);
      byHash.set(hash, tx);
      return hash;
    });
    this.sent.set(message.prePrepare.digest, byHash);
    if (this.sent.size > MAX_SENT) deleteOldest(this.sent);
    const compact: CompactPrePrepare = { type: 'compact-pre-prepare', prePrepare: message.prePrepare, height: message.block.height, hashes };
    this.compacted.set(message, compact);
    this.stats.compacted += 1;
    return compact;
  }

  /** A peer's compact proposal: the full pre-prepare, or the hashes to fetch from it (the proposal waits for them). */
  expand(from: number, message: CompactPrePrepare): Expansion {
    const txs: (SignedTx | undefined)[] = new Array(message.hashes.length);
    const missing: string[] = [];
    for (let index = 0; index < message.hashes.length; index++) {
      const hash = message.hashes[index]!;
      const tx = this.held(hash);
      txs[index] = tx;
      if (tx === undefined) missing.push(hash);
    }
    if (missing.length === 0) return { kind: 'ready', message: this.full(message, txs as SignedTx[]) };
    this.parked.push({ from, message, txs, missing: missing.length });
    this.stats.parked += 1;
    if (this.parked.length > MAX_PARKED) {
      this.parked.shift();
      this.stats.dropped += 1;
    }
    return { kind: 'fetch', hashes: [...new Set(missing)] };
  }

  /** Answers a peer's fetch with the asked-for transactions held here (mempool, then own recent proposals). */
  serve(hashes: readonly string[]): SignedTx[] {
    const found: SignedTx[] = [];
    for (const hash of new Set(hashes)) {
      let tx = this.held(hash);
      if (tx === undefined) {
        for (const block of this.sent.values()) {
          tx = block.get(hash);
          if (tx !== undefined) break;
        }
      }
      if (tx !== undefined) found.push(tx);
    }
    return found;
  }

  /**
   * Fetched transactions from `from`: fills the proposals that sender's
   * proposals wait for, by the hashes computed here, and returns those now
   * complete. Transactions nobody waits for are ignored.
   */
  received(from: number, txs: readonly SignedTx[]): { from: number; message: PrePrepareMessage<SignedTx> }[] {
    const byHash = new Map<string, SignedTx>();
    for (const tx of txs) byHash.set(this.txHash(tx), tx);
    const ready: { from: number; message: PrePrepareMessage<SignedTx> }[] = [];
    const waiting: Parked[] = [];
    for (const entry of this.parked) {
      if (entry.from === from) {
        entry.message.hashes.forEach((hash, index) => {
          if (entry.txs[index] !== undefined) return;
          const tx = byHash.get(hash);
          if (tx === undefined) return;
          entry.txs[index] = tx;
          entry.missing -= 1;
          this.stats.fetchedTxs += 1;
        });
      }
      if (entry.missing === 0) ready.push({ from: entry.from, message: this.full(entry.message, entry.txs as SignedTx[]) });
      else waiting.push(entry);
    }
    this.parked = waiting;
    return ready;
  }

  /** Proposals waiting for transactions (for tests and status). */
  get waiting(): number {
    return this.parked.length;
  }

  private full(message: CompactPrePrepare, txs: SignedTx[]): PrePrepareMessage<SignedTx> {
    this.stats.expanded += 1;
    const block: Block<SignedTx> = { height: message.height, txs };
    return { type: 'pre-prepare-block', prePrepare: message.prePrepare, block };
  }
}
