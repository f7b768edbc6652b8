// A replica that caught up by installing a peer's snapshot executed the
// blocks below it without holding them, so it could not answer for their
// transactions. This job fetches those blocks from the other replicas in the
// background, one at a time: a block is taken only with a commit certificate
// that verifies against the genesis replica set, and its result codes (which
// the certificate does not cover) only when f+1 replicas report the same
// ones — one of them is honest. Until a height is filled, the replica answers
// for it with HISTORY_INCOMPLETE, which sends a client to another replica.
import { serialize } from 'node:v8';
import type { CommittedBlockView, GenesisFile } from '@wedge/api';
import { createClient, type WedgeClient } from '@wedge/client';
import { blockDigest, faultsTolerated, type ConsensusApp, type ConsensusConfig } from '@wedge/consensus';
import type { LedgerState, SignedTx, TxResult } from '@wedge/ledger';
import type { HeightRange, ReplicaStore } from '@wedge/store';
import type { ReplicaNode } from './replica-node.ts';

/** Heights looked up per pass over the missing ranges; one that cannot be filled yet is asked again on a later pass. */
const HEIGHTS_PER_PASS = 64;
/** Pause between blocks, so that catching up history never starves the replica's own work. */
const PAUSE_BETWEEN_BLOCKS_MS = 5;
/** When no peer could give a height, try again after this long. */
const RETRY_MS = 2_000;
/** Per request to a peer. */
const REQUEST_TIMEOUT_MS = 5_000;

export type HistoryBackfillOptions = {
  readonly genesis: GenesisFile;
  readonly config: ConsensusConfig;
  readonly self: number;
  readonly store: ReplicaStore;
  readonly app: ConsensusApp<SignedTx, LedgerState>;
  /** The replica's executed height. */
  executedHeight(): number;
};

/** What the replica's answers need to know of the history it holds. */
export interface HistoryView {
  isMissing(height: number): boolean;
  /** True when the replica holds every block it executed. */
  readonly complete: boolean;
  readonly missingRanges: readonly HeightRange[];
  readonly backfilled: number;
}

export class HistoryBackfill implements HistoryView {
  /** What is missing, as of the last look at the store (the replica's answers read it). */
  private missing: HeightRange[] = [];
  private readonly peers: { id: number; client: WedgeClient }[];
  private readonly f: number;
  private running = false;
  private stopped = false;
  private wake: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  readonly stats = { filled: 0, failedPasses: 0 };

  /** The job for a replica process: woken whenever the replica installs a snapshot (start() runs it for what earlier runs left). */
  static forReplica(node: ReplicaNode, genesis: GenesisFile): HistoryBackfill {
    const history = new HistoryBackfill({
      genesis,
      config: node.ctx.config,
      self: node.ctx.id,
      store: node.storage,
      app: node.ctx.app,
      executedHeight: () => node.replicaState.executed,
    });
    node.onStateInstalled(() => history.start());
    return history;
  }

  constructor(private readonly options: HistoryBackfillOptions) {
    this.f = faultsTolerated(options.config);
    this.peers = options.genesis.replicas
      .filter((replica) => replica.id !== options.self)
      .map((replica) => ({
        id: replica.id,
        client: createClient({ genesis: options.genesis, urls: [replica.url], timeoutMs: REQUEST_TIMEOUT_MS, resultConfirmations: 1 }),
      }));
    this.refresh();
  }

  /** Heights not filled yet, as ranges. */
  get missingRanges(): readonly HeightRange[] {
    return this.missing;
  }

  isMissing(height: number): boolean {
    return this.missing.some((range) => height >= range.first && height <= range.last);
  }

  /** Blocks fetched back since the process started. */
  get backfilled(): number {
    return this.stats.filled;
  }

  get complete(): boolean {
    return this.missing.length === 0;
  }

  /** Starts the job, or wakes it after the replica skipped blocks (installed a snapshot). */
  start(): void {
    this.refresh();
    if (this.stopped || this.missing.length === 0) return;
    if (this.wake !== null) {
      const wake = this.wake;
      this.wake = null;
      wake();
      return;
    }
    if (this.running) return;
    this.running = true;
    void this.run().finally(() => {
      this.running = false;
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.wake?.();
  }

  private refresh(): void {
    this.missing = this.options.store.missingRanges(this.options.executedHeight());
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      this.refresh();
      if (this.missing.length === 0) return;
      let filledAll = true;
      for (const height of firstHeights(this.missing, HEIGHTS_PER_PASS)) {
        if (this.stopped) return;
        if (await this.fill(height)) {
          this.stats.filled += 1;
          this.missing = withoutHeight(this.missing, height);
        } else {
          filledAll = false; // asked again on a later pass
        }
        await this.pause(PAUSE_BETWEEN_BLOCKS_MS);
      }
      if (!filledAll) {
        this.stats.failedPasses += 1;
        await this.pause(RETRY_MS);
      }
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(() => {
        this.timer = null;
        this.wake = null;
        resolve();
      }, ms);
    });
  }

  /** Fetches, proves and stores one block; false when no peer could give it yet. */
  private async fill(height: number): Promise<boolean> {
    const start = height % this.peers.length;
    const order = [...this.peers.slice(start), ...this.peers.slice(0, start)];
    let view: CommittedBlockView | null = null;
    for (const peer of order) {
      try {
        view = await peer.client.getBlock(height); // the certificate is verified by the client
        break;
      } catch {
        // that peer skipped it too, is down, or sent what does not verify: ask the next
      }
    }
    if (view === null) return false;
    const results = await this.agreedResults(order, height, view.certificate.digest);
    if (results === null || this.stopped) return false;
    const { block, certificate } = view;
    this.options.store.backfill([
      {
        height,
        digest: blockDigest(this.options.config.chainId, block, this.options.app),
        block: serialize(block),
        certificate: serialize(certificate),
        results,
      },
    ]);
    return true;
  }

  /**
   * The block's results as f+1 peers report them (the ids are proven by the
   * certificate; the codes are each peer's execution, so f+1 agreeing
   * include an honest one), or null when no f+1 agree.
   */
  private async agreedResults(peers: readonly { client: WedgeClient }[], height: number, digest: string): Promise<TxResult[] | null> {
    const votes = new Map<string, { results: TxResult[]; count: number }>();
    for (const peer of peers) {
      let results: TxResult[];
      try {
        const view = await peer.client.getBlockResults(height);
        if (view.certificate.digest !== digest) continue;
        results = view.results;
      } catch {
        continue;
      }
      const key = results.map((result) => result.code).join(',');
      const vote = votes.get(key) ?? { results, count: 0 };
      vote.count += 1;
      votes.set(key, vote);
      if (vote.count >= this.f + 1) return vote.results;
    }
    return null;
  }
}

/** `ranges` without `height`. */
export function withoutHeight(ranges: readonly HeightRange[], height: number): HeightRange[] {
  return ranges.flatMap((range) => {
    if (height < range.first || height > range.last) return [range];
    return [
      { first: range.first, last: height - 1 },
      { first: height + 1, last: range.last },
    ].filter((part) => part.first <= part.last);
  });
}

/** Up to `limit` heights from the start of `ranges`, in order. */
function firstHeights(ranges: readonly HeightRange[], limit: number): number[] {
  const heights: number[] = [];
  for (const { first, last } of ranges) {
    for (let height = first; height <= last && heights.length < limit; height++) heights.push(height);
    if (heights.length >= limit) break;
  }
  return heights;
}
