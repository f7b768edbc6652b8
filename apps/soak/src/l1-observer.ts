// Live checks of L1 while the soak runs. Every replica's status is polled:
// two replicas reporting the same height must report the same state root
// (and the same root for the same stable checkpoint), and each rise of the
// quorum's view is a view change, spurious when no replica fault was active.
// Every replica's chain is followed block by block: the commit certificate's
// digest at each height must be the same on every replica, and the ids of
// the transactions in each block are kept, so that every transaction a
// client saw final can be found committed (final-checks.ts).
import { setTimeout as sleep } from 'node:timers/promises';
import { BlockResultsResponse, TxStatusResponse, apiPaths, type StatusResponse } from '@wedge/api';
import { Cluster } from './cluster.ts';
import type { Violations } from './violations.ts';

const STATUS_POLL_MS = 500;
const FOLLOW_WAIT_MS = 2_000;
const REQUEST_TIMEOUT_MS = 4_000;

export type ViewChange = { readonly atMs: number; readonly from: number; readonly to: number; readonly faultActive: boolean };

export class L1Observer {
  /** The first state root seen at each height, and who reported it. */
  private readonly roots = new Map<number, { root: string; replica: number }>();
  private readonly checkpointRoots = new Map<number, { root: string; replica: number }>();
  /** Block digest at each height, as the first replica that served the block reported it. */
  readonly digests = new Map<number, { digest: string; replica: number }>();
  /** Transaction id -> height, from the blocks followed. */
  readonly committed = new Map<string, number>();
  /** Heights each replica served, counted; and heights it answered HISTORY_INCOMPLETE for, to ask again. */
  readonly followedUpTo: number[];
  readonly incomplete: Set<number>[];
  readonly viewChanges: ViewChange[] = [];
  latest: (StatusResponse | null)[] = [];
  /** The highest height any replica executed, and when it rose last (ms since the start). */
  topHeight = 0;
  topHeightAtMs = 0;
  private quorumView: number | null = null;
  private stopping = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly cluster: Cluster,
    private readonly violations: Violations,
    private readonly clock: () => number,
    /** True while a replica fault is injected or not yet recovered from. */
    private readonly replicaFaultActive: () => boolean,
  ) {
    this.followedUpTo = cluster.urls.map(() => 0);
    this.incomplete = cluster.urls.map(() => new Set<number>());
  }

  start(): void {
    this.stopping = false;
    this.loops = [this.pollStatuses(), ...this.cluster.urls.map((_, id) => this.follow(id))];
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.loops);
  }

  /** Polls until every replica's chain has been followed up to `height`, within `timeoutMs`; false if not. */
  async followedAll(height: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.followedUpTo.every((upTo) => upTo >= height)) return true;
      await sleep(100);
    }
    return false;
  }

  /** Asks each replica again for the blocks it had skipped (caught up by snapshot); true when none is left. */
  async recheckIncomplete(): Promise<boolean> {
    for (const [id, heights] of this.incomplete.entries()) {
      for (const height of [...heights]) {
        const outcome = await this.fetchBlock(id, height, 0);
        if (outcome === 'served') heights.delete(height);
      }
    }
    return this.incomplete.every((heights) => heights.size === 0);
  }

  /** A transaction's status at one replica, or null when it does not answer. */
  async txStatus(id: number, hash: string): Promise<TxStatusResponse | { status: 'history-incomplete' } | { status: 'not-found' } | null> {
    try {
      const answer = await fetch(`${this.cluster.urls[id]}${apiPaths.tx(hash)}`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      const body = (await answer.json()) as { error?: { code?: string } };
      if (answer.status === 200) return TxStatusResponse.parse(body);
      if (body.error?.code === 'HISTORY_INCOMPLETE') return { status: 'history-incomplete' };
      if (answer.status === 404) return { status: 'not-found' };
      return null;
    } catch {
      return null;
    }
  }

  private async pollStatuses(): Promise<void> {
    while (!this.stopping) {
      const statuses = await this.cluster.statuses();
      this.latest = statuses;
      statuses.forEach((status, id) => {
        if (status === null) return;
        this.compare(this.roots, status.height, status.stateRoot, id, 'state-root-mismatch', 'height');
        this.compare(this.checkpointRoots, status.stableCheckpoint.seq, status.stableCheckpoint.root, id, 'state-root-mismatch', 'stableCheckpoint');
        if (status.height > this.topHeight) {
          this.topHeight = status.height;
          this.topHeightAtMs = this.clock();
        }
      });
      const view = Cluster.quorumView(statuses);
      if (view !== null && this.quorumView !== null && view > this.quorumView) {
        this.viewChanges.push({ atMs: this.clock(), from: this.quorumView, to: view, faultActive: this.replicaFaultActive() });
      }
      if (view !== null && (this.quorumView === null || view > this.quorumView)) this.quorumView = view;
      await sleep(STATUS_POLL_MS);
    }
  }

  private compare(
    seen: Map<number, { root: string; replica: number }>,
    key: number,
    root: string,
    replica: number,
    name: 'state-root-mismatch',
    what: string,
  ): void {
    const first = seen.get(key);
    if (first === undefined) seen.set(key, { root, replica });
    else if (first.root !== root) this.violations.add(name, { [what]: key, replicas: [first.replica, replica], roots: [first.root, root] });
  }

  /** Follows replica `id`'s chain from height 1, one block at a time, waiting at the top. */
  private async follow(id: number): Promise<void> {
    while (!this.stopping) {
      const height = this.followedUpTo[id]! + 1;
      const outcome = await this.fetchBlock(id, height, FOLLOW_WAIT_MS);
      if (outcome === 'served' || outcome === 'history-incomplete') {
        if (outcome === 'history-incomplete') this.incomplete[id]!.add(height);
        this.followedUpTo[id] = height;
      } else {
        await sleep(outcome === 'unreachable' ? 250 : 20);
      }
    }
  }

  private async fetchBlock(id: number, height: number, waitMs: number): Promise<'served' | 'history-incomplete' | 'not-yet' | 'unreachable'> {
    let answer: Response;
    try {
      const path = apiPaths.blockResults(height, waitMs > 0 ? waitMs : undefined);
      answer = await fetch(`${this.cluster.urls[id]}${path}`, { signal: AbortSignal.timeout(waitMs + REQUEST_TIMEOUT_MS) });
    } catch {
      return 'unreachable';
    }
    let body: unknown;
    try {
      body = await answer.json();
    } catch {
      return 'unreachable';
    }
    if (answer.status !== 200) {
      const code = (body as { error?: { code?: string } }).error?.code;
      return code === 'HISTORY_INCOMPLETE' ? 'history-incomplete' : 'not-yet';
    }
    const results = BlockResultsResponse.parse(body);
    const first = this.digests.get(height);
    if (first === undefined) this.digests.set(height, { digest: results.certificate.digest, replica: id });
    else if (first.digest !== results.certificate.digest) {
      this.violations.add('block-digest-mismatch', { height, replicas: [first.replica, id], digests: [first.digest, results.certificate.digest] });
    }
    for (const result of results.results) if (!this.committed.has(result.hash)) this.committed.set(result.hash, height);
    return 'served';
  }
}
