// A small PBFT group for the core's unit tests: four replicas (f = 1) over
// the real ledger application with the stand-in signature scheme, driven by
// hand through `step`. Messages a step sends are queued; `flush` delivers
// them in order until none is left (timers never fire by themselves: a test
// fires one with `fire`). `block` withholds chosen messages, so a test can
// stop the protocol at the point it wants to look at.
import { toHex } from '@wedge/common';
import { createStandInScheme, keyPairFromSeed, type KeyPair } from '@wedge/crypto';
import { createLedger, createLedgerApp, signTx, type LedgerState, type SignedTx } from '@wedge/ledger';
import {
  HONEST_RULES,
  createReplicaState,
  signMessage,
  step,
  type Complaint,
  type ConsensusConfig,
  type ConsensusEffect,
  type ConsensusEvent,
  type DroppedEffect,
  type Message,
  type ReplicaContext,
  type ReplicaState,
  type Signer,
  type TimerName,
} from '../src/index.ts';

export type Effect = ConsensusEffect<SignedTx>;
export type Msg = Message<SignedTx>;
export type Envelope = { readonly from: number; readonly to: number; readonly message: Msg };

export const CHAIN_ID = 'test';

export const TEST_CONFIG: Omit<ConsensusConfig, 'chainId' | 'replicas'> = {
  checkpointBlocks: 2,
  watermarkBlocks: 4,
  maxBlockTxs: 4,
  pipelineBlocks: 1,
  maxPendingTxs: 100,
  progressTimeoutMs: 800,
  viewChangeTimeoutMs: 1_000,
  heartbeatMs: 100,
  idleBlockMs: 150,
  fetchRetryMs: 400,
  maxFetchBlocks: 32,
};

export type Group = {
  readonly scheme: ReturnType<typeof createStandInScheme>;
  readonly config: ConsensusConfig;
  readonly ctxs: ReplicaContext<SignedTx, LedgerState>[];
  readonly states: ReplicaState<SignedTx, LedgerState>[];
  /** Each replica's signer, so a test can forge what a (Byzantine) replica would send. */
  readonly signers: Signer[];
  readonly accounts: KeyPair[];
  readonly genesis: { chainId: string; accounts: { address: string; balance: bigint }[] };
  /** Messages sent and not yet delivered, oldest first. */
  readonly queue: Envelope[];
  /** Every effect of every step, per replica, in order. */
  readonly log: Effect[][];
  /** Withholds a message when true (it is neither queued nor delivered). */
  block: (envelope: Envelope) => boolean;
};

export function createGroup(overrides: Partial<ConsensusConfig> = {}): Group {
  const scheme = createStandInScheme();
  const keys = Array.from({ length: 4 }, (_, id) => keyPairFromSeed(scheme, `consensus-test/replica/${id}`));
  const accounts = Array.from({ length: 3 }, (_, index) => keyPairFromSeed(scheme, `consensus-test/account/${index}`));
  const config: ConsensusConfig = {
    ...TEST_CONFIG,
    ...overrides,
    chainId: CHAIN_ID,
    replicas: keys.map((key, id) => ({ id, publicKey: toHex(key.publicKey) })),
  };
  const genesis = { chainId: CHAIN_ID, accounts: accounts.map((account) => ({ address: account.address, balance: 1_000_000n })) };
  const ctxs = keys.map((key, id) => ({
    config,
    id,
    scheme,
    secretKey: key.secretKey,
    app: createLedgerApp(scheme, CHAIN_ID),
    rules: HONEST_RULES,
  }));
  return {
    scheme,
    config,
    ctxs,
    states: ctxs.map((ctx) => createReplicaState(ctx, createLedger(genesis))),
    signers: ctxs.map((ctx) => ({ chainId: CHAIN_ID, scheme, secretKey: ctx.secretKey, app: ctx.app })),
    accounts,
    genesis,
    queue: [],
    log: ctxs.map(() => []),
    block: () => false,
  };
}

/** A signed transfer of `amount` from account `from` to account `to`. */
export function transfer(g: Group, from: number, nonce: number, amount = 1n, to = (from + 1) % g.accounts.length): SignedTx {
  const sender = g.accounts[from]!;
  return signTx(g.scheme, { type: 'transfer', chainId: CHAIN_ID, from: sender.address, nonce, to: g.accounts[to]!.address, amount }, [sender]);
}

/** Runs one step of replica `id`; queues what it sends; returns its effects. */
export function run(g: Group, id: number, event: ConsensusEvent<SignedTx>): Effect[] {
  const { effects } = step(g.ctxs[id]!, g.states[id]!, event);
  g.log[id]!.push(...effects);
  for (const envelope of outgoing(id, effects)) if (!g.block(envelope)) g.queue.push(envelope);
  return effects;
}

export function deliver(g: Group, to: number, from: number, message: Msg): Effect[] {
  return run(g, to, { type: 'message', from, message });
}

/** A client hands `tx` to replica `id`. */
export function request(g: Group, id: number, tx: SignedTx): Effect[] {
  return run(g, id, { type: 'request', tx });
}

/** Fires replica `id`'s running `timer` (its current token). */
export function fire(g: Group, id: number, timer: TimerName): Effect[] {
  return run(g, id, { type: 'timeout', timer, token: g.states[id]!.timers[timer] });
}

/** Delivers queued messages, oldest first, until none is left. */
export function flush(g: Group, limit = 10_000): void {
  for (let delivered = 0; g.queue.length > 0; delivered++) {
    if (delivered >= limit) throw new Error('flush: the group does not quiesce');
    const { from, to, message } = g.queue.shift()!;
    deliver(g, to, from, message);
  }
}

/** Every replica starts (as a process does on boot); what they send is dropped. */
export function startAll(g: Group): void {
  for (let id = 0; id < 4; id++) run(g, id, { type: 'start' });
  g.queue.length = 0;
}

export function outgoing(from: number, effects: readonly Effect[]): Envelope[] {
  const out: Envelope[] = [];
  for (const effect of effects) {
    if (effect.type === 'send') out.push({ from, to: effect.to, message: effect.message });
    else if (effect.type === 'broadcast') for (let to = 0; to < 4; to++) if (to !== from) out.push({ from, to, message: effect.message });
  }
  return out;
}

export function dropped(effects: readonly Effect[]): DroppedEffect[] {
  return effects.filter((effect): effect is DroppedEffect => effect.type === 'dropped');
}

/** The messages of `type` a step broadcast or sent. */
export function sentOfType<T extends Msg['type']>(effects: readonly Effect[], type: T): Extract<Msg, { type: T }>[] {
  const messages: Msg[] = [];
  for (const effect of effects) if ((effect.type === 'send' || effect.type === 'broadcast') && effect.message.type === type) messages.push(effect.message);
  return messages as Extract<Msg, { type: T }>[];
}

export function committedHeights(effects: readonly Effect[]): number[] {
  return effects.flatMap((effect) => (effect.type === 'committed' ? [effect.block.height] : []));
}

/** Signs `message` as replica `id` (any message kind a replica signs). */
export function signAs<M>(g: Group, id: number, message: Omit<M, 'signature'>): M {
  return signMessage<any>(g.signers[id]!, message as any) as M;
}

/** Commits one block with `tx` through the whole group: the client hands it to the primary of the current view. */
export function commitThroughGroup(g: Group, tx: SignedTx, primary = 0): void {
  request(g, primary, tx);
  flush(g);
}

/** A signed complaint of replica `replica` about `view`. */
export function complaintOf(g: Group, replica: number, view: number): Complaint {
  return signAs<Complaint>(g, replica, { type: 'complaint', view, replica });
}

/**
 * Moves `replicas` to a view change for view 1: each of them receives the
 * complaints of two others about view 0 (f+1 = 2). What they send is queued.
 */
export function complainAboutViewZero(g: Group, replicas: readonly number[] = [0, 1, 2, 3]): void {
  for (const to of replicas) {
    for (const from of replicas.filter((other) => other !== to).slice(0, 2)) deliver(g, to, from, complaintOf(g, from, 0));
  }
}
