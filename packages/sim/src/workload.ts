// The simulated clients of L1: accounts that send transfers (some invalid on
// purpose) and walk channels through their whole L1 lifecycle — open, then a
// cooperative close, or a stale termination overridden by a challenge, a
// stale challenge that must be rejected, and settlement after the deadline.
import { toHex } from '@wedge/common';
import { hashTaggedHex, keyPairFromSeed, type KeyPair, type SignatureScheme } from '@wedge/crypto';
import {
  ZERO_HASH,
  openingState,
  signChannelState,
  signTx,
  txHash,
  type ChannelState,
  type LedgerGenesis,
  type SignedTx,
  type TxBody,
  type TxCode,
} from '@wedge/ledger';
import type { Prng } from './prng.ts';

export type WorkloadOptions = {
  readonly accounts: number;
  readonly channels: number;
  /** Mean time between two actions of one account. */
  readonly actionIntervalMs: number;
  /** Probability that a transfer is deliberately invalid (forged signature or overdraft). */
  readonly invalidProbability: number;
  readonly challengeBlocks: number;
  readonly retryMs: number;
  /** How each channel ends, by index; random where not given. */
  readonly channelPaths?: readonly ('cooperative' | 'dispute')[];
};

const INITIAL_BALANCE = 1_000_000n;
const CHANNEL_DEPOSIT = 10_000n;

export type Action = {
  build: (nonce: number) => TxBody;
  expect?: readonly TxCode[];
  onDone?: (code: TxCode, height: number) => void;
  notBeforeHeight?: number;
  /** Who signs, when not just the account itself (channel.open: every member). */
  signers?: readonly KeyPair[];
};

type Outstanding = {
  tx: SignedTx;
  hash: string;
  action: Action;
  submittedAtMs: number;
  lastSentMs: number;
};

type Member = { keys: KeyPair; index: number };

export type ChannelPlan = {
  readonly id: string;
  readonly members: readonly Member[];
  readonly states: ChannelState[];
  readonly signatures: string[][];
  readonly path: 'cooperative' | 'dispute';
  /** What the channel must pay each member at the end. */
  expectedPayout: bigint[] | null;
  settled: boolean;
};

export type WorkloadStats = {
  submitted: number;
  executed: number;
  forgedRejected: number;
  staleRejected: number;
  unexpected: string[];
  latenciesMs: number[];
};

export type Submit = (tx: SignedTx, attempt: number) => void;

export class L1Workload {
  readonly keys: KeyPair[];
  readonly genesis: LedgerGenesis;
  readonly channels: ChannelPlan[] = [];
  readonly stats: WorkloadStats = { submitted: 0, executed: 0, forgedRejected: 0, staleRejected: 0, unexpected: [], latenciesMs: [] };
  private readonly nonces: number[];
  private readonly queues: Action[][];
  private readonly outstanding: (Outstanding | null)[];
  private readonly byHash = new Map<string, { account: number; outstanding: Outstanding }>();
  private readonly forged = new Set<string>();
  private stopped = false;
  private height = 0;
  /** Result of every executed transaction: an identical resubmission gets the same answer at once, as the HTTP API gives it. */
  private readonly executedCodes = new Map<string, TxCode>();

  constructor(
    private readonly scheme: SignatureScheme,
    private readonly chainId: string,
    private readonly options: WorkloadOptions,
    private readonly rng: Prng,
    seedLabel: string,
  ) {
    this.keys = Array.from({ length: options.accounts }, (_, index) => keyPairFromSeed(scheme, `${seedLabel}/account/${index}`));
    this.genesis = { chainId, accounts: this.keys.map((key) => ({ address: key.address, balance: INITIAL_BALANCE })) };
    this.nonces = this.keys.map(() => 0);
    this.queues = this.keys.map(() => []);
    this.outstanding = this.keys.map(() => null);
    for (let index = 0; index < options.channels; index++) this.planChannel(index, seedLabel);
  }

  get supply(): bigint {
    return INITIAL_BALANCE * BigInt(this.keys.length);
  }

  /** Stop creating new work; outstanding transactions keep being retried. */
  stop(): void {
    this.stopped = true;
  }

  pendingCount(): number {
    return this.outstanding.filter((entry) => entry !== null).length + (this.stopped ? 0 : this.queues.reduce((sum, queue) => sum + queue.length, 0));
  }

  outstandingDescriptions(): string[] {
    return this.outstanding.flatMap((entry, account) =>
      entry === null ? [] : [`account ${account} ${entry.tx.body.type} nonce ${entry.tx.body.nonce} ${entry.hash.slice(0, 12)}`],
    );
  }

  /** Called every tick: new actions, and resubmission of what has waited too long. */
  tick(nowMs: number, submit: Submit): void {
    for (let account = 0; account < this.keys.length; account++) {
      const current = this.outstanding[account];
      if (current !== null && current !== undefined) {
        if (nowMs - current.lastSentMs >= this.options.retryMs) {
          current.lastSentMs = nowMs;
          submit(current.tx, 1);
        }
        continue;
      }
      if (this.stopped && this.queues[account]!.length === 0) continue;
      if (!this.rng.chance(0.5)) continue;
      const queued = this.queues[account]!;
      const next = queued[0];
      if (next !== undefined) {
        if ((next.notBeforeHeight ?? 0) > this.height) continue;
        queued.shift();
        this.send(account, next, nowMs, submit);
      } else if (!this.stopped) {
        this.send(account, this.randomTransfer(account), nowMs, submit);
      }
    }
  }

  /** Called once per block executed on the canonical chain (first honest commit). */
  onExecuted(height: number, txs: readonly SignedTx[], results: readonly { hash: string; code: TxCode }[], nowMs: number): void {
    this.height = height;
    results.forEach((result) => {
      if (!this.executedCodes.has(result.hash)) this.executedCodes.set(result.hash, result.code);
      if (this.forged.has(result.hash)) this.stats.unexpected.push(`forged tx ${result.hash.slice(0, 12)} was executed (${result.code})`);
      const entry = this.byHash.get(result.hash);
      if (entry === undefined) return;
      this.byHash.delete(result.hash);
      const { account, outstanding } = entry;
      if (this.outstanding[account] === outstanding) this.outstanding[account] = null;
      this.stats.executed += 1;
      this.stats.latenciesMs.push(nowMs - outstanding.submittedAtMs);
      if (result.code === 'OK') this.nonces[account] = outstanding.tx.body.nonce + 1;
      if (result.code === 'STALE_STATE') this.stats.staleRejected += 1;
      const { expect, onDone } = outstanding.action;
      if (expect !== undefined && !expect.includes(result.code)) {
        this.stats.unexpected.push(`${outstanding.tx.body.type} expected ${expect.join('|')}, got ${result.code}`);
      }
      onDone?.(result.code, height);
    });
    void txs;
  }

  private send(account: number, action: Action, nowMs: number, submit: Submit): void {
    const body = action.build(this.nonces[account]!);
    const tx = this.signFor(account, body, action.signers);
    const hash = txHash(tx);
    const known = this.executedCodes.get(hash);
    if (known !== undefined) {
      // Already executed (a replay of the very same bytes): answered at once, nothing is sent.
      action.onDone?.(known, this.height);
      return;
    }
    const outstanding: Outstanding = { tx, hash, action, submittedAtMs: nowMs, lastSentMs: nowMs };
    this.outstanding[account] = outstanding;
    this.byHash.set(hash, { account, outstanding });
    this.stats.submitted += 1;
    submit(tx, 0);
  }

  /** Queues an action on an account (first in line with `urgent`): other layers act on L1 through it. */
  enqueue(account: number, action: Action, urgent = false): void {
    if (urgent) this.queues[account]!.unshift(action);
    else this.queues[account]!.push(action);
  }

  private signFor(account: number, body: TxBody, signers?: readonly KeyPair[]): SignedTx {
    if (signers !== undefined) return signTx(this.scheme, body, signers);
    if (body.type === 'channel.open') {
      const plan = this.channels.find((channel) => channel.id === body.channelId)!;
      return signTx(this.scheme, body, plan.members.map((member) => member.keys));
    }
    return signTx(this.scheme, body, [this.keys[account]!]);
  }

  private randomTransfer(account: number): Action {
    const from = this.keys[account]!;
    const to = this.keys[(account + 1 + this.rng.int(0, this.keys.length - 2)) % this.keys.length]!;
    const roll = this.rng.next();
    if (roll < this.options.invalidProbability / 2) {
      return { build: (nonce) => ({ type: 'transfer', chainId: this.chainId, from: from.address, nonce, to: to.address, amount: INITIAL_BALANCE * 100n + BigInt(this.rng.int(0, 1_000_000_000)) }), expect: ['INSUFFICIENT_FUNDS'] };
    }
    if (roll < this.options.invalidProbability) this.forgedTransfer(account, to.address);
    const amount = BigInt(this.rng.int(1, 500));
    return { build: (nonce) => ({ type: 'transfer', chainId: this.chainId, from: from.address, nonce, to: to.address, amount }) };
  }

  /** A transfer "from" this account signed with another key: must never execute. */
  private forgedTransfer(account: number, to: string): void {
    const victim = this.keys[account]!;
    const thief = this.keys[(account + 1) % this.keys.length]!;
    const body: TxBody = { type: 'transfer', chainId: this.chainId, from: victim.address, nonce: this.nonces[account]!, to, amount: 1n };
    const honest = signTx(this.scheme, body, [thief]);
    const forged: SignedTx = { body, signatures: [{ publicKey: toHex(victim.publicKey), signature: honest.signatures[0]!.signature }] };
    this.forged.add(txHash(forged));
    this.pendingForgeries.push(forged);
  }

  private pendingForgeries: SignedTx[] = [];

  /** Forged transactions made since the last call, for the world to inject. */
  takeForgeries(): SignedTx[] {
    const forged = this.pendingForgeries;
    this.pendingForgeries = [];
    return forged;
  }

  /** Plans a two-member channel between consecutive accounts and queues its lifecycle. */
  private planChannel(index: number, seedLabel: string): void {
    const a = (2 * index) % this.keys.length;
    const b = (2 * index + 1) % this.keys.length;
    const members: Member[] = [
      { keys: this.keys[a]!, index: a },
      { keys: this.keys[b]!, index: b },
    ];
    const id = hashTaggedHex(`wedge/${this.chainId}/sim-channel`, { seedLabel, index });
    const deposits = [CHANNEL_DEPOSIT, CHANNEL_DEPOSIT];
    const total = CHANNEL_DEPOSIT * 2n;
    const states: ChannelState[] = [openingState(this.chainId, id, deposits)];
    for (let version = 1; version <= 6; version++) {
      const first = BigInt(this.rng.int(0, Number(total)));
      states.push({
        chainId: this.chainId,
        channelId: id,
        version,
        balances: [first, total - first],
        deposited: [...deposits],
        withdrawn: [0n, 0n],
        commandsHash: hashTaggedHex(`wedge/${this.chainId}/sim-commands`, { id, version }),
        prevHash: ZERO_HASH,
        final: false,
      });
    }
    const randomPath = this.rng.chance(0.5) ? 'cooperative' : 'dispute';
    const path = this.options.channelPaths?.[index] ?? randomPath;
    const plan: ChannelPlan = { id, members, states, signatures: [], path, expectedPayout: null, settled: false };
    this.channels.push(plan);
    const sign = (state: ChannelState) => members.map((member) => signChannelState(this.scheme, state, member.keys.secretKey));
    plan.signatures.push(...states.map(sign));
    const chainId = this.chainId;
    const opener = members[0]!;
    const other = members[1]!;
    this.queues[opener.index]!.push({
      expect: ['OK'],
      build: (nonce) => ({
        type: 'channel.open',
        chainId,
        from: opener.keys.address,
        nonce,
        channelId: id,
        members: members.map((member, i) => ({ publicKey: toHex(member.keys.publicKey), deposit: deposits[i]! })),
        challengeBlocks: this.options.challengeBlocks,
        topology: 'star',
      }),
      onDone: (code) => {
        if (code === 'OK') this.queueEnding(plan, opener, other);
      },
    });
  }

  private queueEnding(plan: ChannelPlan, opener: Member, other: Member): void {
    const chainId = this.chainId;
    const latest = plan.states[6]!;
    if (plan.path === 'cooperative') {
      const finalState: ChannelState = { ...latest, version: 7, final: true };
      const signatures = plan.members.map((member) => signChannelState(this.scheme, finalState, member.keys.secretKey));
      plan.expectedPayout = finalState.balances;
      this.queues[other.index]!.push({
        expect: ['OK'],
        build: (nonce) => ({ type: 'channel.close', chainId, from: other.keys.address, nonce, channelId: plan.id, state: finalState, stateSignatures: signatures }),
        onDone: (code) => {
          if (code === 'OK') plan.settled = true;
        },
      });
      return;
    }
    // Dispute: the opener terminates with a stale state; the other member
    // challenges with the latest; a stale challenge is rejected; then settle.
    const stale = plan.states[2]!;
    plan.expectedPayout = stale.balances;
    this.queues[opener.index]!.unshift({
      expect: ['OK'],
      build: (nonce) => ({ type: 'channel.terminate', chainId, from: opener.keys.address, nonce, channelId: plan.id, state: stale, stateSignatures: plan.signatures[2]! }),
      onDone: (code, height) => {
        if (code !== 'OK') return;
        const deadline = height + this.options.challengeBlocks;
        // The honest member answers first thing; in a congested run it may still be late.
        this.queues[other.index]!.unshift({
          expect: ['OK', 'CHALLENGE_WINDOW_CLOSED'],
          build: (nonce) => ({ type: 'channel.challenge', chainId, from: other.keys.address, nonce, channelId: plan.id, state: latest, stateSignatures: plan.signatures[6]! }),
          onDone: (challengeCode) => {
            if (challengeCode !== 'OK') return;
            plan.expectedPayout = latest.balances;
            this.queues[opener.index]!.unshift({
              // Rejected as stale; or as late, or closed, if the deadline passed first.
              expect: ['STALE_STATE', 'CHALLENGE_WINDOW_CLOSED', 'CHANNEL_CLOSED'],
              build: (nonce) => ({ type: 'channel.challenge', chainId, from: opener.keys.address, nonce, channelId: plan.id, state: plan.states[3]!, stateSignatures: plan.signatures[3]! }),
            });
          },
        });
        this.queueSettle(plan, other, deadline);
      },
    });
  }

  private queueSettle(plan: ChannelPlan, settler: Member, deadline: number): void {
    this.queues[settler.index]!.push({
      notBeforeHeight: deadline,
      build: (nonce) => ({ type: 'channel.settle', chainId: this.chainId, from: settler.keys.address, nonce, channelId: plan.id }),
      onDone: (code) => {
        if (code === 'OK') plan.settled = true;
        else if (code === 'DEADLINE_NOT_REACHED') this.queueSettle(plan, settler, deadline);
        else this.stats.unexpected.push(`settle returned ${code}`);
      },
    });
  }
}
