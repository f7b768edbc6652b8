// Finality by proof, never by one replica's word. A transaction is final when
// (1) a block whose commit certificate verifies against the genesis replica
// set holds it at the claimed index — that proves inclusion and order — and
// (2) `confirmations` distinct replicas (f+1 by default, so at least one
// honest) report the same outcome code for it. The code needs (2) because the
// certificate covers the block's transactions, not the results of executing
// them. A replica whose answers contradict a proof is excluded for the rest of
// the wait; the others are polled in turn with backoff until the timeout.
import type { CommittedBlockView, TxStatusResponse } from '@wedge/api';
import type { CommitCertificate } from '@wedge/consensus';
import type { TxCode } from '@wedge/ledger';
import { ApiError, shouldFailOver } from './errors.ts';
import { checkCommittedBlock, type BlockProof, type ProofContext } from './proof.ts';
import type { ProvenBlocks } from './proven-blocks.ts';

export const DEFAULT_FINALITY_TIMEOUT_MS = 30_000;
const MIN_POLL_MS = 20;
const MAX_POLL_MS = 500;
const HASH_PATTERN = /^[0-9a-f]{64}$/;

export type FinalTx = { hash: string; height: number; index: number; code: TxCode; certificate: CommitCertificate };

export type WaitForFinalityOptions = { /** Default 30000. */ timeoutMs?: number };

export type FinalityDeps = {
  readonly urls: readonly string[];
  /** Replicas to try, in this call's order. */
  nextOrder(): string[];
  readonly requestTimeoutMs: number;
  readonly confirmations: number;
  readonly context: ProofContext;
  readonly provenBlocks: ProvenBlocks;
  fetchStatus(url: string, hash: string, timeoutMs: number): Promise<TxStatusResponse>;
  fetchBlock(url: string, height: number, timeoutMs: number): Promise<CommittedBlockView>;
  now(): number;
  sleep(ms: number): Promise<void>;
};

/** A replica's answer that contradicts a proof: the replica is lying (or broken). */
class Contradiction extends Error {}

type Claim = { height: number; index: number; code: TxCode };
type Outcome = { kind: 'retry' } | { kind: 'claim'; claim: Claim };

/** Transient answers: the replica has not seen the transaction or block yet, or failed in a way another might not. */
function isTransient(error: unknown): boolean {
  return error instanceof ApiError && (error.code === 'UNKNOWN_TX' || error.code === 'UNKNOWN_BLOCK' || shouldFailOver(error));
}

/**
 * Any other refusal of a well-formed question (the hash was checked before
 * the wait began) is that replica's misbehaviour: it must not end the wait,
 * or one Byzantine replica could stop every client from seeing finality.
 */
function refusal(error: unknown): Contradiction {
  if (error instanceof ApiError) return new Contradiction(`refused with ${error.code}: ${error.message}`);
  throw error; // not an answer from a replica: a bug, so let it surface
}

class FinalityWait {
  private readonly liars = new Map<string, string>();
  private readonly claims = new Map<string, TxCode>();
  private proven: { claim: Claim; certificate: CommitCertificate } | null = null;

  constructor(
    private readonly deps: FinalityDeps,
    private readonly hash: string,
    private readonly deadline: number,
  ) {}

  async run(): Promise<FinalTx> {
    const order = this.deps.nextOrder();
    let delayMs = MIN_POLL_MS;
    for (let turn = 0; ; turn++) {
      const remaining = this.deadline - this.deps.now();
      if (remaining <= 0) throw this.notFinal();
      // Stop as soon as the remaining replicas cannot confirm an outcome often enough.
      if (this.liars.size > this.deps.urls.length - this.deps.confirmations) throw this.unverifiable();
      const open = order.filter((url) => !this.liars.has(url) && !this.claims.has(url));
      if (open.length === 0) throw this.unverifiable();
      const url = open[turn % open.length]!;
      let outcome: Outcome;
      try {
        outcome = await this.poll(url, Math.min(this.deps.requestTimeoutMs, remaining));
      } catch (error) {
        if (!(error instanceof Contradiction)) throw error;
        this.liars.set(url, error.message);
        continue;
      }
      if (outcome.kind === 'claim') {
        this.claims.set(url, outcome.claim.code);
        const final = this.finalIfConfirmed(outcome.claim.code);
        if (final !== null) return final;
        continue;
      }
      await this.deps.sleep(Math.min(delayMs, Math.max(0, this.deadline - this.deps.now())));
      delayMs = Math.min(delayMs * 2, MAX_POLL_MS);
    }
  }

  private async poll(url: string, timeoutMs: number): Promise<Outcome> {
    let status: TxStatusResponse;
    try {
      status = await this.deps.fetchStatus(url, this.hash, timeoutMs);
    } catch (error) {
      if (isTransient(error)) return { kind: 'retry' };
      throw refusal(error);
    }
    if (status.hash !== this.hash) throw new Contradiction(`answered about transaction ${status.hash}`);
    if (status.status === 'pending') return { kind: 'retry' };
    const claim: Claim = { height: status.height, index: status.index, code: status.code };
    if (this.proven === null) {
      const proof = await this.proveBlock(url, claim, timeoutMs);
      if (proof === null) return { kind: 'retry' };
      this.checkInclusion(proof, claim);
      this.proven = { claim, certificate: proof.view.certificate };
    } else if (claim.height !== this.proven.claim.height || claim.index !== this.proven.claim.index) {
      const { height, index } = this.proven.claim;
      throw new Contradiction(`claims height ${claim.height} index ${claim.index}; the transaction is proven at height ${height} index ${index}`);
    }
    return { kind: 'claim', claim };
  }

  private checkInclusion(proof: BlockProof, claim: Claim): void {
    if (proof.txHashes[claim.index] !== this.hash) {
      throw new Contradiction(`the certified block ${claim.height} does not hold the transaction at index ${claim.index}`);
    }
  }

  /** The proof of the claimed block, from the cache or from `url`; null when `url` cannot serve it yet. */
  private async proveBlock(url: string, claim: Claim, timeoutMs: number): Promise<BlockProof | null> {
    const cached = this.deps.provenBlocks.get(claim.height);
    if (cached !== undefined) return cached;
    let view: CommittedBlockView;
    try {
      view = await this.deps.fetchBlock(url, claim.height, timeoutMs);
    } catch (error) {
      if (isTransient(error)) return null;
      throw refusal(error);
    }
    if (view.block.height !== claim.height) throw new Contradiction(`answered with block ${view.block.height} for height ${claim.height}`);
    const proof = checkCommittedBlock(this.deps.context, view);
    if (typeof proof === 'string') throw new Contradiction(proof);
    this.checkInclusion(proof, claim);
    const result = view.results[claim.index];
    if (result === undefined || result.hash !== this.hash || result.code !== claim.code) {
      throw new Contradiction('its block results contradict its transaction status');
    }
    this.deps.provenBlocks.add(proof);
    return proof;
  }

  private finalIfConfirmed(code: TxCode): FinalTx | null {
    let agreeing = 0;
    for (const claimed of this.claims.values()) if (claimed === code) agreeing++;
    if (agreeing < this.deps.confirmations || this.proven === null) return null;
    const { height, index } = this.proven.claim;
    return { hash: this.hash, height, index, code, certificate: this.proven.certificate };
  }

  private details(): Record<string, unknown> {
    return { hash: this.hash, lies: Object.fromEntries(this.liars), claims: Object.fromEntries(this.claims) };
  }

  private notFinal(): ApiError {
    const lies = this.liars.size === 0 ? '' : ` (${this.liars.size} replica(s) gave unverifiable answers)`;
    return new ApiError('NOT_FINAL', `transaction ${this.hash} was not proven final in time${lies}`, null, { details: this.details() });
  }

  private unverifiable(): ApiError {
    const reasons = [...this.liars].map(([url, why]) => `${url}: ${why}`).join('; ');
    const message = `transaction ${this.hash}: too few replicas left to confirm its outcome ${this.deps.confirmations} times`;
    return new ApiError('UNVERIFIABLE_PROOF', reasons === '' ? message : `${message} (${reasons})`, null, { details: this.details() });
  }
}

export async function waitForFinality(deps: FinalityDeps, hash: string, options: WaitForFinalityOptions = {}): Promise<FinalTx> {
  if (!HASH_PATTERN.test(hash)) throw new ApiError('INVALID_BODY', 'a transaction hash is 64 lowercase hex characters');
  const timeoutMs = options.timeoutMs ?? DEFAULT_FINALITY_TIMEOUT_MS;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 0) throw new ApiError('INVALID_OPTIONS', 'timeoutMs must be a non-negative integer');
  return new FinalityWait(deps, hash, deps.now() + timeoutMs).run();
}
