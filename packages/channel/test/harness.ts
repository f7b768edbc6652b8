// Test harness for the channel member core: several member cores wired
// together by a tiny deterministic message router (a queue, with optional
// seeded reordering, drops and duplicates), timers the test fires by hand, and
// crash/restart from the durable state, as the processes and the simulator
// restart (durableMemberState, then restoreMemberState). It checks, on
// every step, what must hold whatever the schedule:
//   - every `certified` certificate has exactly one valid signature per member,
//     in member order, and balances that sum to what it accounts for
//     (deposits less withdrawals);
//   - L2-safety: no two different certified states share a version;
//   - rule 2 for honest members: no member ever releases signatures on two
//     different states of one version (read off the messages it sends).
// A violation throws an error that names the router's seed.
import { toHex, utf8 } from '@wedge/common';
import { createStandInScheme, keyPairFromSeed, sha256, type KeyPair, type SignatureScheme } from '@wedge/crypto';
import { channelStateHash, isChannelStateCertified, signChannelState, type ChannelState, type ChannelTopology } from '@wedge/ledger';
import {
  SeqCounter,
  commandsHash,
  createMemberState,
  durableMemberState,
  restoreMemberState,
  signPayment,
  stepMember,
  type Certificate,
  type MemberContext,
  type MemberEffect,
  type MemberEvent,
  type MemberMessage,
  type MemberState,
  type Payment,
  type Proposal,
} from '../src/index.ts';

export const CHAIN_ID = 'wedge-test';
export const CHANNEL_ID = hexOf('channel/test');
export const DEPOSIT = 1_000n;

/** 64 hex from a label: channel ids, payment ids. */
export function hexOf(label: string): string {
  return toHex(sha256(utf8(label)));
}

/** mulberry32: a tiny seeded PRNG, so every schedule is a pure function of its seed. */
export class Prng {
  private state: number;
  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Uniform integer in [0, bound). */
  int(bound: number): number {
    return Math.floor(this.next() * bound);
  }
  chance(probability: number): boolean {
    return this.next() < probability;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

export type NetworkFaults = {
  /** Deliver a random queued message instead of the oldest. */
  reorder: boolean;
  dropProbability: number;
  duplicateProbability: number;
};

export type ClusterOptions = {
  n: number;
  topology: ChannelTopology;
  scheme?: SignatureScheme;
  deposits?: readonly bigint[];
  maxBatchPayments?: number;
  maxPendingPayments?: number;
  progressTimeoutMs?: number;
  seed?: number;
  faults?: Partial<NetworkFaults>;
  /** Members whose signatures the rule-2 checker does not police (test-driven Byzantine actors). */
  byzantine?: readonly number[];
};

export type Envelope = { from: number; to: number; message: MemberMessage };

const schemes = new Map<string, SignatureScheme>();

/** One stand-in scheme per process, so its key registry is shared by all clusters. */
export function standIn(): SignatureScheme {
  let scheme = schemes.get('stand-in');
  if (scheme === undefined) {
    scheme = createStandInScheme();
    schemes.set('stand-in', scheme);
  }
  return scheme;
}

export function makeKeys(scheme: SignatureScheme, n: number): KeyPair[] {
  return Array.from({ length: n }, (_, index) => keyPairFromSeed(scheme, `channel-member-${index}`));
}

export function makeContext(scheme: SignatureScheme, keys: readonly KeyPair[], self: number, options: ClusterOptions): MemberContext {
  const n = keys.length;
  return {
    config: {
      chainId: CHAIN_ID,
      channelId: CHANNEL_ID,
      members: keys.map((key) => ({ publicKey: toHex(key.publicKey) })),
      self,
      topology: options.topology,
      deposits: [...(options.deposits ?? Array.from({ length: n }, () => DEPOSIT))],
      maxBatchPayments: options.maxBatchPayments ?? 64,
      maxPendingPayments: options.maxPendingPayments ?? 1_000,
      progressTimeoutMs: options.progressTimeoutMs ?? 1_000,
    },
    scheme,
    secretKey: keys[self]!.secretKey,
  };
}

export class SeededFailure extends Error {}

export class Cluster {
  readonly scheme: SignatureScheme;
  readonly keys: KeyPair[];
  readonly ctxs: MemberContext[];
  states: MemberState[];
  readonly up: boolean[];
  readonly queue: Envelope[] = [];
  /** The live timer token of each member (the shell keeps one timer per member). */
  readonly timers: (number | null)[];
  /** Every effect each member produced, in order. */
  readonly log: MemberEffect[][];
  /** Certificates seen in `certified` effects, by version. */
  readonly certificates = new Map<number, Certificate>();
  /** Per member: version -> hash of the state it released a signature on. */
  readonly released: Map<number, string>[];
  readonly rng: Prng;
  readonly faults: NetworkFaults;
  readonly total: bigint;
  private readonly byzantine: ReadonlySet<number>;
  private paymentCounter = 0;
  private readonly seqs = new Map<number, SeqCounter>();
  /** Test-driven (Byzantine) members: messages to them go to this callback instead of a core. */
  scripted: ((envelope: Envelope) => void) | null = null;

  constructor(readonly options: ClusterOptions) {
    this.scheme = options.scheme ?? standIn();
    this.keys = makeKeys(this.scheme, options.n);
    this.ctxs = this.keys.map((_, self) => makeContext(this.scheme, this.keys, self, options));
    this.states = this.ctxs.map((ctx) => createMemberState(ctx));
    this.up = this.ctxs.map(() => true);
    this.timers = this.ctxs.map(() => null);
    this.log = this.ctxs.map(() => []);
    this.released = this.ctxs.map(() => new Map());
    this.rng = new Prng(options.seed ?? 1);
    this.faults = { reorder: false, dropProbability: 0, duplicateProbability: 0, ...options.faults };
    this.total = this.ctxs[0]!.config.deposits.reduce((sum, deposit) => sum + deposit, 0n);
    this.byzantine = new Set(options.byzantine ?? []);
  }

  get n(): number {
    return this.ctxs.length;
  }

  fail(message: string): never {
    throw new SeededFailure(`[seed ${this.rng.seed}] ${message}`);
  }

  /** Runs one event through a member's core and carries out its effects. */
  step(member: number, event: MemberEvent): MemberEffect[] {
    if (!this.up[member]) return [];
    const { state, effects } = stepMember(this.ctxs[member]!, this.states[member]!, event);
    this.states[member] = state;
    for (const effect of effects) this.perform(member, effect);
    return effects;
  }

  private perform(member: number, effect: MemberEffect): void {
    this.log[member]!.push(effect);
    switch (effect.type) {
      case 'send':
        this.checkReleased(member, effect.message);
        // Cloned, as a wire would: no message shares objects with a member's state.
        this.queue.push({ from: member, to: effect.to, message: structuredClone(effect.message) });
        return;
      case 'set-timer':
        this.timers[member] = effect.token;
        return;
      case 'clear-timer':
        this.timers[member] = null;
        return;
      case 'certified':
        this.checkCertificate(effect.certificate);
        return;
      default:
        return;
    }
  }

  /** Rule 2, read off the wire: one signed state per version and member. */
  private checkReleased(member: number, message: MemberMessage): void {
    if (this.byzantine.has(member)) return;
    let state: ChannelState | null = null;
    if (message.type === 'vote') {
      this.noteReleased(member, message.version, message.stateHash);
      return;
    }
    if (message.type === 'propose' && message.signatures[member] != null) state = message.proposal.state;
    if (message.type === 'certificate') state = message.certificate.state;
    if (state !== null) this.noteReleased(member, state.version, channelStateHash(state));
  }

  noteReleased(member: number, version: number, hash: string): void {
    const known = this.released[member]!.get(version);
    if (known !== undefined && known !== hash) this.fail(`rule 2: member ${member} signed two different states at version ${version}`);
    this.released[member]!.set(version, hash);
  }

  checkCertificate(certificate: Certificate): void {
    const { state, signatures } = certificate;
    if (signatures.length !== this.n) this.fail(`certificate v${state.version} has ${signatures.length} signatures for ${this.n} members`);
    const members = this.keys.map((key) => ({ publicKey: toHex(key.publicKey), address: key.address }));
    if (!isChannelStateCertified(this.scheme, state, members, signatures)) this.fail(`certificate v${state.version} is not signed by every member in order`);
    // The balances split what the state accounts for: the deposits it took in less the withdrawals (DESIGN §7).
    const sum = (amounts: readonly bigint[]): bigint => amounts.reduce((total, amount) => total + amount, 0n);
    const accounted = sum(state.deposited) - sum(state.withdrawn);
    if (sum(state.balances) !== accounted || state.balances.some((balance) => balance < 0n)) this.fail(`certificate v${state.version} balances ${state.balances.join(',')} do not split ${accounted}`);
    const known = this.certificates.get(state.version);
    if (known !== undefined && channelStateHash(known.state) !== channelStateHash(state)) this.fail(`L2-safety: two different certificates for version ${state.version}`);
    if (known === undefined) this.certificates.set(state.version, certificate);
  }

  /** Sends a message as a test-driven member would (through the same router). */
  inject(from: number, to: number, message: MemberMessage): void {
    this.queue.push({ from, to, message: structuredClone(message) });
  }

  /** Delivers one queued message (the oldest, or a random one with reordering). False when the queue is empty. */
  deliverNext(): boolean {
    if (this.queue.length === 0) return false;
    const index = this.faults.reorder ? this.rng.int(this.queue.length) : 0;
    const [envelope] = this.queue.splice(index, 1);
    if (this.rng.chance(this.faults.dropProbability)) return true;
    if (this.rng.chance(this.faults.duplicateProbability)) this.queue.push(structuredClone(envelope!));
    if (this.scripted !== null && this.byzantine.has(envelope!.to)) {
      this.scripted(envelope!);
      return true;
    }
    this.step(envelope!.to, { type: 'message', from: envelope!.from, message: envelope!.message });
    return true;
  }

  /** Delivers until the network is quiet; a run that never ends (a livelock) fails. */
  run(maxDeliveries = 20_000): void {
    for (let count = 0; count < maxDeliveries; count++) if (!this.deliverNext()) return;
    this.fail(`the network is still busy after ${maxDeliveries} deliveries (livelock?)`);
  }

  /** Fires a member's live progress timer, if it has one. */
  fireTimer(member: number): MemberEffect[] {
    const token = this.timers[member];
    if (token === null || token === undefined) return [];
    this.timers[member] = null;
    return this.step(member, { type: 'timeout', token });
  }

  /**
   * Crash and restart: the member comes back from a copy of its durable state
   * (what a shell persists), through the core's restore; its timer, inbox and
   * the payments submitted at it are lost.
   */
  crash(member: number, options: { dropInbox?: boolean } = {}): MemberEffect[] {
    const disk = structuredClone(durableMemberState(this.states[member]!));
    this.states[member] = restoreMemberState(this.ctxs[member]!, disk);
    this.timers[member] = null;
    if (options.dropInbox === true) {
      for (let index = this.queue.length - 1; index >= 0; index--) if (this.queue[index]!.to === member) this.queue.splice(index, 1);
    }
    return this.step(member, { type: 'start' });
  }

  startAll(): void {
    for (let member = 0; member < this.n; member++) this.step(member, { type: 'start' });
  }

  /** A payment signed by its payer's key, at the payer's next seq unless told. */
  payment(from: number, to: number, amount: bigint, paymentId = hexOf(`payment/${this.rng.seed}/${this.paymentCounter++}`), seq = this.seqOf(from).next()): Payment {
    return signPayment(this.scheme, this.ctxs[0]!.config, { from, to, amount, seq, paymentId }, this.keys[from]!.secretKey);
  }

  private seqOf(from: number): SeqCounter {
    let counter = this.seqs.get(from);
    if (counter === undefined) {
      counter = new SeqCounter();
      this.seqs.set(from, counter);
    }
    return counter;
  }

  /** The payer's user submits a payment at its own member. */
  pay(from: number, to: number, amount: bigint): Payment {
    const payment = this.payment(from, to, amount);
    this.step(from, { type: 'payment', payment });
    return payment;
  }

  effectsOf<T extends MemberEffect['type']>(member: number, type: T): Extract<MemberEffect, { type: T }>[] {
    return this.log[member]!.filter((effect): effect is Extract<MemberEffect, { type: T }> => effect.type === type);
  }

  /** Ids of every payment some member reported as certified. */
  committedIds(): Set<string> {
    const ids = new Set<string>();
    for (const effects of this.log) for (const effect of effects) if (effect.type === 'certified') for (const id of effect.paymentIds) ids.add(id);
    return ids;
  }

  highestCertified(): Certificate | null {
    let best: Certificate | null = null;
    for (const certificate of this.certificates.values()) if (best === null || certificate.state.version > best.state.version) best = certificate;
    return best;
  }
}

/** A proposal extending `latest` by `payments`, computed the honest way (balances may go negative: no checks). */
export function craftProposal(latest: ChannelState, payments: readonly Payment[], overrides: Partial<ChannelState> = {}): Proposal {
  const balances = [...latest.balances];
  for (const payment of payments) {
    balances[payment.from] = balances[payment.from]! - payment.amount;
    balances[payment.to] = balances[payment.to]! + payment.amount;
  }
  const state: ChannelState = {
    chainId: latest.chainId,
    channelId: latest.channelId,
    version: latest.version + 1,
    balances,
    deposited: [...latest.deposited],
    withdrawn: [...latest.withdrawn],
    commandsHash: commandsHash(latest.chainId, payments),
    prevHash: channelStateHash(latest),
    final: false,
    ...overrides,
  };
  return { state, payments: [...payments] };
}

/** Rule 3's close state over `latest`: same balances, final, at `version`. */
export function craftFinal(latest: ChannelState, version: number): Proposal {
  return craftProposal(latest, [], { version, final: true });
}

/** Signatures of `signers` on `state`, null for everyone else (what a proposer sends). */
export function signaturesBy(cluster: Cluster, state: ChannelState, signers: readonly number[]): (string | null)[] {
  return cluster.keys.map((key, index) => (signers.includes(index) ? signChannelState(cluster.scheme, state, key.secretKey) : null));
}
