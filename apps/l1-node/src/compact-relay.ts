// Compact messages: a block travels between replicas as its transactions'
// hashes, not the transactions. Every replica already holds almost every one
// of them — a client's request is broadcast to all replicas when it arrives —
// so sending each again inside the proposal made every backup receive, parse,
// validate and intern every transaction twice. A backup rebuilds the block
// from what it holds and asks the sender for the few it lacks (a request can
// still be on its way from another replica), holding the message until they
// come. This is relay only, below the consensus core: the core sees the same
// full message as before and checks it as before (digest, signature, every
// unknown transaction's signatures). A hash is resolved only to a transaction
// this replica hashed itself, so a lying sender can withhold transactions
// (which stalls its own message until a view change) but cannot change one.
//
// Three messages go compact: the primary's proposal, and the view change and
// new view, which carry the blocks of prepared certificates. A view change
// holds up to a watermark's worth of blocks and a new view 2f+1 view changes
// with mostly the same blocks, plus the blocks it proposes again: sent whole,
// a new view under load was hundreds of megabytes — more than a peer takes,
// so the view change could never complete. Compact, each distinct block goes
// once per message (a table, referred to by index), as hashes: a view change
// or new view of 128 full blocks of 1,000 transactions is under 9 MB. The
// transactions of such a block have left the mempool once executed, so a
// replica resolves a view's hashes against the blocks it holds too (its
// proposals, prepared certificates, recent blocks and the view changes it
// received), and the sender keeps the transactions of what it sent compact
// to answer fetches.
//
// Pure: the replica shell feeds it messages and sends what it returns.
import { deleteOldest } from '@wedge/common';
import type { Block, Message, NewView, PrePrepare, PrePrepareMessage, Prepare, ViewChange } from '@wedge/consensus';
import { MAX_BLOCK_TXS, type SignedTx } from '@wedge/ledger';

export type CompactPrePrepare = {
  readonly type: 'compact-pre-prepare';
  readonly prePrepare: PrePrepare;
  readonly height: number;
  readonly hashes: readonly string[];
};
/** A block as its height and its transactions' hashes. */
export type CompactBlock = { readonly height: number; readonly hashes: readonly string[] };
/** A view change whose blocks are in `blocks`, each prepared certificate naming its block by index. */
export type CompactViewChange = Omit<ViewChange<SignedTx>, 'type' | 'prepared'> & {
  readonly type: 'compact-view-change';
  readonly blocks: readonly CompactBlock[];
  readonly prepared: readonly { readonly prePrepare: PrePrepare; readonly prepares: readonly Prepare[]; readonly block: number }[];
};
/** A view change inside a compact new view: its blocks are the new view's table. */
export type NestedViewChange = Omit<CompactViewChange, 'type' | 'blocks'>;
/** A new view whose blocks (of its view changes and its pre-prepares) are in one table. */
export type CompactNewView = Omit<NewView<SignedTx>, 'type' | 'viewChanges' | 'prePrepares'> & {
  readonly type: 'compact-new-view';
  readonly blocks: readonly CompactBlock[];
  readonly viewChanges: readonly NestedViewChange[];
  readonly prePrepares: readonly { readonly prePrepare: PrePrepare; readonly block: number }[];
};
/** A backup asking a message's sender for the transactions it lacks. */
export type FetchTxs = { readonly type: 'fetch-txs'; readonly hashes: readonly string[] };
/** The answer: those of the asked-for transactions the sender holds. */
export type TxsReply = { readonly type: 'txs'; readonly txs: readonly SignedTx[] };
export type CompactMessage = CompactPrePrepare | CompactViewChange | CompactNewView;
export type RelayMessage = CompactMessage | FetchTxs | TxsReply;

/** Messages waiting for transactions; the oldest is dropped beyond this (the core recovers a missed message). */
const MAX_PARKED = 64;
/** Own compact messages whose transactions are kept to answer fetches after they left the mempool. */
const MAX_SENT = 32;

type Parked = {
  readonly from: number;
  /** Every hash the message names, in the order `build` takes the transactions. */
  readonly hashes: readonly string[];
  readonly txs: (SignedTx | undefined)[];
  missing: number;
  readonly build: (txs: readonly SignedTx[]) => Message<SignedTx>;
};

export type Expansion =
  | { readonly kind: 'ready'; readonly message: Message<SignedTx> }
  /** The hashes to fetch from the sender, in pieces a fetch-txs message takes. */
  | { readonly kind: 'fetch'; readonly requests: readonly FetchTxs[] };

export type RelayStats = { compacted: number; expanded: number; parked: number; fetchedTxs: number; dropped: number };

export class CompactRelay {
  readonly stats: RelayStats = { compacted: 0, expanded: 0, parked: 0, fetchedTxs: 0, dropped: 0 };
  private readonly sent = new Map<object, Map<string, SignedTx>>();
  private readonly compacted = new WeakMap<Message<SignedTx>, CompactMessage>();
  private parked: Parked[] = [];

  /**
   * @param txHash the replica's (memoized) transaction id
   * @param held a transaction this replica holds (its mempool), by id
   * @param blocksHeld the blocks this replica holds besides (proposals, prepared certificates, recent blocks, view changes received)
   */
  constructor(
    private readonly txHash: (tx: SignedTx) => string,
    private readonly held: (hash: string) => SignedTx | undefined,
    private readonly blocksHeld: () => Iterable<Block<SignedTx>> = () => [],
  ) {}

  /** True for the messages that go compact. */
  static compacts(message: Message<SignedTx>): message is PrePrepareMessage<SignedTx> | ViewChange<SignedTx> | NewView<SignedTx> {
    return message.type === 'pre-prepare-block' || message.type === 'view-change' || message.type === 'new-view';
  }

  /** The compact form of an own message (one object per message, however many peers it goes to). */
  compact(message: PrePrepareMessage<SignedTx> | ViewChange<SignedTx> | NewView<SignedTx>): CompactMessage {
    const known = this.compacted.get(message);
    if (known !== undefined) return known;
    const byHash = new Map<string, SignedTx>();
    const table = new BlockTable((block) =>
      block.txs.map((tx) => {
        const hash = this.txHash(tx);
        byHash.set(hash, tx);
        return hash;
      }),
    );
    let compact: CompactMessage;
    if (message.type === 'pre-prepare-block') {
      compact = { type: 'compact-pre-prepare', prePrepare: message.prePrepare, height: message.block.height, hashes: table.hashesOf(message.block) };
    } else if (message.type === 'view-change') {
      const nested = nestViewChange(message, table);
      compact = { ...nested, type: 'compact-view-change', blocks: table.blocks };
    } else {
      const viewChanges = message.viewChanges.map((viewChange) => nestViewChange(viewChange, table));
      const prePrepares = message.prePrepares.map(({ prePrepare, block }) => ({ prePrepare, block: table.indexOf(prePrepare.digest, block) }));
      compact = { type: 'compact-new-view', view: message.view, blocks: table.blocks, viewChanges, prePrepares, replica: message.replica, signature: message.signature };
    }
    this.sent.set(message, byHash);
    if (this.sent.size > MAX_SENT) deleteOldest(this.sent);
    this.compacted.set(message, compact);
    this.stats.compacted += 1;
    return compact;
  }

  /** A peer's compact message: the full message, or the hashes to fetch from it (the message waits for them). */
  expand(from: number, message: CompactMessage): Expansion {
    let hashes: readonly string[];
    let build: Parked['build'];
    if (message.type === 'compact-pre-prepare') {
      hashes = message.hashes;
      build = (txs) => ({ type: 'pre-prepare-block', prePrepare: message.prePrepare, block: { height: message.height, txs } });
    } else {
      hashes = message.blocks.flatMap((block) => block.hashes);
      build = (txs) => fullMessage(message, blocksFrom(message.blocks, txs));
    }
    const txs: (SignedTx | undefined)[] = new Array(hashes.length);
    let index: Map<string, SignedTx> | null = null;
    const missing: string[] = [];
    for (let position = 0; position < hashes.length; position++) {
      const hash = hashes[position]!;
      let tx = this.held(hash);
      // A proposal's transactions are pending; a view's may be executed, and are looked up in the blocks held.
      if (tx === undefined && message.type !== 'compact-pre-prepare') tx = (index ??= this.blockIndex()).get(hash);
      txs[position] = tx;
      if (tx === undefined) missing.push(hash);
    }
    if (missing.length === 0) {
      this.stats.expanded += 1;
      return { kind: 'ready', message: build(txs as SignedTx[]) };
    }
    this.parked.push({ from, hashes, txs, missing: missing.length, build });
    this.stats.parked += 1;
    if (this.parked.length > MAX_PARKED) {
      this.parked.shift();
      this.stats.dropped += 1;
    }
    const distinct = [...new Set(missing)];
    const requests: FetchTxs[] = [];
    for (let start = 0; start < distinct.length; start += MAX_BLOCK_TXS) requests.push({ type: 'fetch-txs', hashes: distinct.slice(start, start + MAX_BLOCK_TXS) });
    return { kind: 'fetch', requests };
  }

  /** Answers a peer's fetch with the asked-for transactions held here (mempool, own compact messages, blocks held). */
  serve(hashes: readonly string[]): SignedTx[] {
    const found: SignedTx[] = [];
    let index: Map<string, SignedTx> | null = null;
    for (const hash of new Set(hashes)) {
      let tx = this.held(hash);
      if (tx === undefined) {
        for (const byHash of this.sent.values()) {
          tx = byHash.get(hash);
          if (tx !== undefined) break;
        }
      }
      if (tx === undefined) tx = (index ??= this.blockIndex()).get(hash);
      if (tx !== undefined) found.push(tx);
    }
    return found;
  }

  /**
   * Fetched transactions from `from`: fills the messages of that sender that
   * wait for them, by the hashes computed here, and returns those now
   * complete. Transactions nobody waits for are ignored.
   */
  received(from: number, txs: readonly SignedTx[]): { from: number; message: Message<SignedTx> }[] {
    const byHash = new Map<string, SignedTx>();
    for (const tx of txs) byHash.set(this.txHash(tx), tx);
    const ready: { from: number; message: Message<SignedTx> }[] = [];
    const waiting: Parked[] = [];
    for (const entry of this.parked) {
      if (entry.from === from) {
        entry.hashes.forEach((hash, position) => {
          if (entry.txs[position] !== undefined) return;
          const tx = byHash.get(hash);
          if (tx === undefined) return;
          entry.txs[position] = tx;
          entry.missing -= 1;
          this.stats.fetchedTxs += 1;
        });
      }
      if (entry.missing === 0) {
        this.stats.expanded += 1;
        ready.push({ from: entry.from, message: entry.build(entry.txs as SignedTx[]) });
      } else {
        waiting.push(entry);
      }
    }
    this.parked = waiting;
    return ready;
  }

  /** Messages waiting for transactions (for tests and status). */
  get waiting(): number {
    return this.parked.length;
  }

  /** The transactions of the blocks this replica holds, by hash (built when a view's message needs it). */
  private blockIndex(): Map<string, SignedTx> {
    const index = new Map<string, SignedTx>();
    for (const block of this.blocksHeld()) for (const tx of block.txs) index.set(this.txHash(tx), tx);
    return index;
  }
}

/** The distinct blocks of one compact message, by digest, in the order first met. */
class BlockTable {
  readonly blocks: CompactBlock[] = [];
  private readonly byDigest = new Map<string, number>();

  constructor(private readonly hash: (block: Block<SignedTx>) => string[]) {}

  hashesOf(block: Block<SignedTx>): string[] {
    return this.hash(block);
  }

  /** The index of the block with this digest, adding it when new (a digest names one block). */
  indexOf(digest: string, block: Block<SignedTx>): number {
    let index = this.byDigest.get(digest);
    if (index === undefined) {
      index = this.blocks.length;
      this.blocks.push({ height: block.height, hashes: this.hash(block) });
      this.byDigest.set(digest, index);
    }
    return index;
  }
}

function nestViewChange(viewChange: ViewChange<SignedTx>, table: BlockTable): NestedViewChange {
  const { view, stableSeq, stableRoot, checkpointProof, replica, signature } = viewChange;
  const prepared = viewChange.prepared.map(({ prePrepare, prepares, block }) => ({ prePrepare, prepares, block: table.indexOf(prePrepare.digest, block) }));
  return { view, stableSeq, stableRoot, checkpointProof, prepared, replica, signature };
}

/** The blocks of a table, from the transactions of all its hashes in order. */
function blocksFrom(table: readonly CompactBlock[], txs: readonly SignedTx[]): Block<SignedTx>[] {
  const blocks: Block<SignedTx>[] = [];
  let position = 0;
  for (const { height, hashes } of table) {
    blocks.push({ height, txs: txs.slice(position, position + hashes.length) });
    position += hashes.length;
  }
  return blocks;
}

/** A block index of a compact message that names no block of its table is malformed: the message is dropped by the parser (peer-schema.ts). */
function blockAt(blocks: readonly Block<SignedTx>[], index: number): Block<SignedTx> {
  const block = blocks[index];
  if (block === undefined) throw new RangeError(`block ${index} of a table of ${blocks.length}`);
  return block;
}

function fullViewChange(nested: NestedViewChange, blocks: readonly Block<SignedTx>[]): ViewChange<SignedTx> {
  const { view, stableSeq, stableRoot, checkpointProof, replica, signature } = nested;
  const prepared = nested.prepared.map(({ prePrepare, prepares, block }) => ({ prePrepare, block: blockAt(blocks, block), prepares }));
  return { type: 'view-change', view, stableSeq, stableRoot, checkpointProof, prepared, replica, signature };
}

function fullMessage(message: CompactViewChange | CompactNewView, blocks: readonly Block<SignedTx>[]): ViewChange<SignedTx> | NewView<SignedTx> {
  if (message.type === 'compact-view-change') return fullViewChange(message, blocks);
  const viewChanges = message.viewChanges.map((nested) => fullViewChange(nested, blocks));
  const prePrepares = message.prePrepares.map(({ prePrepare, block }) => ({ prePrepare, block: blockAt(blocks, block) }));
  return { type: 'new-view', view: message.view, viewChanges, prePrepares, replica: message.replica, signature: message.signature };
}
