// Invariant checkers for L1 (DESIGN §5), fed by what honest replicas do.
//   L1-agreement   no two honest replicas commit different blocks at one height
//   L1-validity    every successful tx is validly signed, in nonce order, once
//   L1-convergence honest replicas have equal state roots at every checkpoint
//   conservation   balances + locked deposits = genesis supply, always
//   no-stale-pending no honest replica holds as pending a transaction committed at or below its height
// (participation — every honest replica normal in a quorum's view after GST — is judged by the world, which sees every replica.)
import type { CommitCertificate, Block, ReplicaState } from '@wedge/consensus';
import type { SignatureScheme } from '@wedge/crypto';
import { checkTxStatic, totalFunds, type LedgerState, type SignedTx, type TxResult } from '@wedge/ledger';

export type Violation = { invariant: string; detail: string };

export class L1Checker {
  readonly violations: Violation[] = [];
  /** The canonical chain: height -> digest and block, from the first honest commit. */
  readonly chain = new Map<number, { digest: string; block: Block<SignedTx>; results: TxResult[] }>();
  private readonly roots = new Map<number, { root: string; replica: number }>();
  private readonly nonces = new Map<string, number>();
  private readonly succeeded = new Set<string>();
  /**
   * Height at which each transaction of the canonical chain committed. A
   * rejected transaction changes nothing, its nonce included, so it may come
   * back and execute later: holding one as pending is not stale.
   */
  private readonly executedAt = new Map<string, number>();
  private readonly stalePendingReported = new Set<number>();
  private readonly reported = new Set<string>();

  constructor(
    private readonly scheme: SignatureScheme,
    private readonly chainId: string,
    private readonly supply: bigint,
  ) {}

  private report(invariant: string, detail: string): void {
    const key = `${invariant}:${detail}`;
    if (this.reported.has(key) || this.violations.length >= 20) return;
    this.reported.add(key);
    this.violations.push({ invariant, detail });
  }

  /** Returns true when this commit extends the canonical chain (first time the height is seen). */
  onCommitted(
    replica: number,
    block: Block<SignedTx>,
    certificate: CommitCertificate,
    results: TxResult[],
    app: LedgerState,
  ): boolean {
    const total = totalFunds(app);
    if (total !== this.supply) this.report('conservation', `replica ${replica} at height ${block.height}: total ${total} != supply ${this.supply}`);
    const known = this.chain.get(block.height);
    if (known !== undefined) {
      if (known.digest !== certificate.digest) {
        this.report('L1-agreement', `height ${block.height}: replica ${replica} committed ${certificate.digest.slice(0, 12)}, another honest replica ${known.digest.slice(0, 12)}`);
      }
      return false;
    }
    this.chain.set(block.height, { digest: certificate.digest, block, results });
    for (const result of results) if (result.code === 'OK') this.executedAt.set(result.hash, block.height);
    this.checkValidity(block, results);
    return true;
  }

  private checkValidity(block: Block<SignedTx>, results: TxResult[]): void {
    if (results.length !== block.txs.length) this.report('L1-validity', `height ${block.height}: ${results.length} results for ${block.txs.length} txs`);
    block.txs.forEach((tx, index) => {
      const result = results[index];
      if (result === undefined || result.code !== 'OK') return;
      if (this.succeeded.has(result.hash)) this.report('L1-validity', `tx ${result.hash.slice(0, 12)} succeeded twice`);
      this.succeeded.add(result.hash);
      const code = checkTxStatic(this.scheme, this.chainId, tx);
      if (code !== null) this.report('L1-validity', `tx ${result.hash.slice(0, 12)} succeeded but is invalid (${code})`);
      const expected = this.nonces.get(tx.body.from) ?? 0;
      if (tx.body.nonce !== expected) this.report('L1-validity', `tx ${result.hash.slice(0, 12)} nonce ${tx.body.nonce}, expected ${expected}`);
      this.nonces.set(tx.body.from, tx.body.nonce + 1);
    });
  }

  /** Called by each honest replica when it has executed a checkpoint height. */
  onCheckpointRoot(replica: number, height: number, root: string): void {
    const known = this.roots.get(height);
    if (known === undefined) this.roots.set(height, { root, replica });
    else if (known.root !== root) {
      this.report('L1-convergence', `height ${height}: replica ${replica} root ${root.slice(0, 12)} != replica ${known.replica} root ${known.root.slice(0, 12)}`);
    }
  }

  /**
   * No transaction that committed at or below a replica's height is still
   * pending there: it would answer "pending" for a final transaction, and
   * watch it, suspecting a primary over work that is done.
   */
  checkPending(replica: number, state: ReplicaState<SignedTx, unknown>): void {
    for (const [hash] of state.pending) {
      const height = this.executedAt.get(hash);
      if (height !== undefined && height <= state.executed && !this.stalePendingReported.has(replica)) {
        this.stalePendingReported.add(replica);
        this.report('no-stale-pending', `replica ${replica} at height ${state.executed} holds tx ${hash.slice(0, 12)} as pending; it executed at height ${height}`);
        return;
      }
    }
  }

  /** The agreement checker for replicas that skipped heights via state transfer. */
  onStateInstalled(replica: number, height: number, root: string): void {
    this.onCheckpointRoot(replica, height, root);
  }

  reportViolation(invariant: string, detail: string): void {
    this.report(invariant, detail);
  }
}
