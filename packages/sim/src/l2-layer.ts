// Layer 2 in the simulator, on top of a running L1World: channels opened on
// the simulated L1, each run by member cores (the real @wedge/channel code)
// over a simulated member network, a watchtower, payments, and member faults —
// crash and restart from persisted state (through the core's restore), a
// silent member, a Byzantine sequencer that proposes conflicting states, a
// Byzantine member that terminates with a stale state while the honest
// members are offline, and (only when asked for) a member whose user wedges
// it while the others go on. The checkers: L2-safety, L2-conservation,
// safe-termination and settlement.
import { toHex } from '@wedge/common';
import {
  commandsHash,
  createMemberState,
  createWatchtowerState,
  durableMemberState,
  restoreMemberState,
  channelActionTx,
  SeqCounter,
  signPayment,
  stepMember,
  stepWatchtower,
  type Certificate,
  type DropReason,
  type L1Action,
  type L1ChannelView,
  type MemberContext,
  type MemberEffect,
  type MemberEvent,
  type MemberMessage,
  type MemberRules,
  type MemberState,
  type Payment,
  type Proposal,
  type WatchtowerRules,
  type WatchtowerState,
} from '@wedge/channel';
import { hashTaggedHex, type KeyPair } from '@wedge/crypto';
import { channelStateHash, isChannelStateCertified, signChannelState, type ChannelRecord, type ChannelState, type LedgerRules, type TxBody, type TxCode } from '@wedge/ledger';
import type { L1World } from './l1-world.ts';
import type { Prng } from './prng.ts';
import type { Violation } from './l1-checkers.ts';

/**
 * The member faults of a channel. 'user-wedge' (a member other than the
 * sequencer is wedged by its user while the others go on paying) is not among
 * a seed's random faults; the mutation tests ask for it. 'fake-deposit': a
 * Byzantine sequencer proposes states crediting itself a deposit it never
 * made on L1 (honest members hold them until L1 shows it, which it never does).
 * 'double-withdraw': a Byzantine sequencer, once a member's withdrawal is
 * certified, proposes that same withdrawal again (the member refuses: its
 * user asked once).
 */
export type MemberFault = 'none' | 'crash' | 'silent' | 'equivocate' | 'stale-terminate' | 'user-wedge' | 'fake-deposit' | 'double-withdraw';

type SimMember = {
  readonly index: number;
  readonly account: number;
  readonly keys: KeyPair;
  readonly ctx: MemberContext;
  state: MemberState;
  up: boolean;
  incarnation: number;
  readonly byzantine: boolean;
  /** Certificates this member ever saw (a Byzantine member keeps old ones to cheat with). */
  readonly history: Certificate[];
  /** The seqs of the payments this member's user signed. */
  readonly seqs: SeqCounter;
};

type SimChannel = {
  readonly id: string;
  readonly topology: 'star' | 'chain';
  readonly members: SimMember[];
  readonly fault: MemberFault;
  readonly deposits: bigint[];
  opened: boolean;
  closeRequested: boolean;
  /** Per member: the cumulative deposit L1 committed (opening plus every OK channel.deposit), counted by the simulator itself. */
  readonly depositedOnL1: bigint[];
  /** Per member: the highest cumulative withdrawal an OK channel.withdraw covered (what L1 must have paid, at most once). */
  readonly withdrawalsPaid: bigint[];
  /** Per member: the highest cumulative withdrawal in any certificate. */
  readonly withdrawalsCertified: bigint[];
  /** Per member: what its user asked to withdraw and was not refused. */
  readonly withdrawalsAsked: bigint[];
  /** The last withdrawal certified (a 'double-withdraw' sequencer proposes it again). */
  lastWithdrawal: { readonly member: number; readonly amount: bigint } | null;
  /** The version floor as the simulator counts it: the highest version of an OK channel.withdraw. */
  floor: number;
};

const DEPOSIT = 10_000n;
// Disputes assume synchrony (DESIGN: L2 needs it for disputes): the window must
// outlast L1's latency during the fault phase, view changes included. With 30
// blocks (4.5 s of idle blocks) 2 seeds in 1,000 saw an honest challenge land
// after the deadline; 100 blocks leave ample room.
const CHALLENGE_BLOCKS = 100;
const PROGRESS_TIMEOUT_MS = 1_500;
const FAULT_AT_MS = 2_500;
/** How often members and the watchtower read L1 (a member process polls, too): a multiple of the world's 50 ms tick. */
const L1_POLL_MS = 300;
/** How many half seconds a stale terminator waits for a withdrawal to be paid, to try to undo it. */
const STALE_TERMINATE_WAITS = 10;
/** How many times it terminates again when a withdrawal made its state stale meanwhile. */
const STALE_TERMINATE_RETRIES = 3;
/** What a 'fake-deposit' sequencer credits itself. */
const FAKE_DEPOSIT = 5_000n;
/** Per 100 ms of the fault phase, the chance of a top-up, and of a withdrawal request, in each channel. */
const DEPOSIT_CHANCE = 0.05;
const WITHDRAW_CHANCE = 0.1;

/** Broken rules for the mutation tests (packages/sim/test/l2-mutations.test.ts); absent: the honest ones. */
export type L2Options = {
  /** The rules of every member that is not the channel's Byzantine one. */
  readonly memberRules?: MemberRules;
  readonly watchtowerRules?: WatchtowerRules;
  /** The ledger's splice rules on every replica (run-both.ts hands them to the L1 world). */
  readonly ledgerRules?: LedgerRules;
};

export type L2Stats = {
  staleRejected: number;
  watchtowerChallenges: number;
  wedges: number;
  certificates: number;
  payments: number;
  /** channel.deposit and channel.withdraw transactions L1 committed OK. */
  deposits: number;
  withdrawals: number;
  /** State submissions L1 refused STALE_STATE below the version floor. */
  floorRejections: number;
  /** Messages the member cores dropped, by reason (their `dropped` effects). */
  droppedMessages: Partial<Record<DropReason, number>>;
};

export class L2Layer {
  readonly channels: SimChannel[] = [];
  readonly violations: Violation[] = [];
  readonly stats: L2Stats = { staleRejected: 0, watchtowerChallenges: 0, wedges: 0, certificates: 0, payments: 0, deposits: 0, withdrawals: 0, floorRejections: 0, droppedMessages: {} };
  private readonly tower: WatchtowerState = createWatchtowerState();
  private readonly towerAccount: number;
  private readonly certified = new Map<string, string>();
  /** The conflicting proposal an equivocating sequencer sends for each channel and version. */
  private readonly conflictingByVersion = new Map<string, MemberMessage>();
  /** The equivocating sequencers' conflicting states by hash, with the signatures gathered on each. */
  private readonly conflicting = new Map<string, { readonly state: ChannelState; readonly signatures: (string | null)[] }>();
  /** Per channel and honest member: the version it had signed when it wedged. */
  private readonly wedgedAt = new Map<string, number>();
  private paymentCounter = 0;

  constructor(
    private readonly world: L1World,
    private readonly rng: Prng,
    faults: readonly MemberFault[],
    private readonly options: L2Options = {},
  ) {
    const accounts = world.workload.keys.length;
    this.towerAccount = accounts - 1;
    const groups = [
      [0, 1],
      [2, 3, 4],
    ];
    faults.forEach((fault, index) => {
      const group = groups[index % groups.length]!;
      this.planChannel(index, group, fault);
    });
    world.tickHooks.push((nowMs) => this.tick(nowMs));
    world.busyChecks.push(() => this.channels.some((channel) => channel.opened && !this.isClosedOnL1(channel)));
    world.finishHooks.push(() => this.finish());
  }

  // ------------------------------------------------------------------ set up

  private planChannel(index: number, accounts: number[], fault: MemberFault): void {
    const { workload } = this.world;
    const chainId = workload.genesis.chainId;
    const id = hashTaggedHex(`wedge/${chainId}/sim-l2-channel`, { seed: this.world.options.seed, index });
    const topology = this.rng.chance(0.5) ? 'star' : 'chain';
    const deposits = accounts.map(() => DEPOSIT);
    const byzantineIndex = fault === 'equivocate' || fault === 'fake-deposit' || fault === 'double-withdraw' ? 0 : fault === 'silent' || fault === 'stale-terminate' ? this.rng.int(0, accounts.length - 1) : -1;
    const members = accounts.map((account, memberIndex): SimMember => {
      const keys = workload.keys[account]!;
      const ctx: MemberContext = {
        config: {
          chainId,
          channelId: id,
          members: accounts.map((a) => ({ publicKey: toHex(workload.keys[a]!.publicKey) })),
          self: memberIndex,
          topology,
          deposits,
          maxBatchPayments: 16,
          maxPendingPayments: 1_000,
          progressTimeoutMs: PROGRESS_TIMEOUT_MS,
        },
        scheme: this.world.scheme,
        secretKey: keys.secretKey,
        // Broken rules (mutation tests) go to the members the checkers protect; a Byzantine one runs the honest core and cheats around it.
        ...(memberIndex !== byzantineIndex && this.options.memberRules !== undefined ? { rules: this.options.memberRules } : {}),
      };
      return { index: memberIndex, account, keys, ctx, state: createMemberState(ctx), up: true, incarnation: 0, byzantine: memberIndex === byzantineIndex, history: [], seqs: new SeqCounter() };
    });
    const zeros = members.map(() => 0n);
    const channel: SimChannel = {
      id,
      topology,
      members,
      fault,
      deposits,
      opened: false,
      closeRequested: false,
      depositedOnL1: [...deposits],
      withdrawalsPaid: [...zeros],
      withdrawalsCertified: [...zeros],
      withdrawalsAsked: [...zeros],
      lastWithdrawal: null,
      floor: 0,
    };
    this.channels.push(channel);
    const opener = members[0]!;
    workload.enqueue(opener.account, {
      signers: members.map((member) => member.keys),
      expect: ['OK'],
      build: (nonce) => ({
        type: 'channel.open',
        chainId,
        from: opener.keys.address,
        nonce,
        channelId: id,
        members: members.map((member) => ({ publicKey: toHex(member.keys.publicKey), deposit: DEPOSIT })),
        challengeBlocks: CHALLENGE_BLOCKS,
        topology,
      }),
      onDone: (code) => {
        if (code !== 'OK') return;
        channel.opened = true;
        stepWatchtower(this.world.scheme, this.tower, { type: 'watch', channelId: id, chainId, members: members[0]!.ctx.config.members });
        for (const member of members) this.step(channel, member, { type: 'start' });
        this.scheduleFault(channel);
      },
    }, true);
  }

  private scheduleFault(channel: SimChannel): void {
    const byzantine = channel.members.find((member) => member.byzantine);
    switch (channel.fault) {
      case 'crash': {
        const victim = this.rng.pick(channel.members);
        this.world.schedule(FAULT_AT_MS, () => this.crash(channel, victim, this.rng.int(500, 3_000)));
        return;
      }
      case 'silent':
        this.world.schedule(FAULT_AT_MS, () => {
          byzantine!.up = false; // silent for good: it never answers again
        });
        return;
      case 'stale-terminate':
        this.world.schedule(FAULT_AT_MS, () => this.prepareStaleTerminate(channel, byzantine!));
        return;
      case 'user-wedge': {
        const member = channel.members[this.rng.int(1, channel.members.length - 1)]!;
        this.world.schedule(FAULT_AT_MS, () => this.step(channel, member, { type: 'wedge', reason: 'user' }));
        return;
      }
      default:
        return;
    }
  }

  // ------------------------------------------------------------------ faults

  /** Runs `fault` once a certificate follows the cheater's own withdrawal, checking every half second, or after `waits` checks anyway. */
  private afterAWithdrawal(channel: SimChannel, cheater: SimMember, fault: () => void, waits: number): void {
    if (waits === 0 || this.laterThanOwnWithdrawal(cheater) !== null) return fault();
    this.world.schedule(500, () => this.afterAWithdrawal(channel, cheater, fault, waits - 1));
  }

  private crash(channel: SimChannel, member: SimMember, downMs: number): void {
    if (!member.up) return;
    member.up = false;
    member.incarnation += 1;
    // Its "disk": a copy of the durable state persisted after its last step.
    const disk = structuredClone(durableMemberState(member.state));
    this.world.schedule(downMs, () => {
      // Restart through the core's restore, as the member process does (which pending payments survive, no timer).
      member.state = restoreMemberState(member.ctx, disk);
      member.up = true;
      this.step(channel, member, { type: 'start' });
    });
  }

  /**
   * Before its fault the cheater withdraws 1 unit itself (its own core asks
   * the channel); once that is certified and a payment later, the cheater
   * — whose core's L1 submissions the simulator drops — submits the
   * withdrawal with that later certificate, which raises the floor above the
   * withdrawal's own state.
   */
  private prepareStaleTerminate(channel: SimChannel, cheater: SimMember): void {
    const balance = cheater.state.latest.state.balances[cheater.index]!;
    if (balance >= 1n) this.withdraw(channel, cheater, 1n);
    this.afterAWithdrawal(channel, cheater, () => this.staleTerminate(channel, cheater), STALE_TERMINATE_WAITS);
  }

  /** The certificate after the first one carrying the cheater's own withdrawal, or null. */
  private laterThanOwnWithdrawal(cheater: SimMember): Certificate | null {
    const own = cheater.history.findIndex((certificate) => certificate.state.withdrawn[cheater.index]! > 0n);
    if (own < 0) return null;
    return cheater.history.slice(own + 1).find((certificate) => !certificate.state.final && certificate.state.version > cheater.history[own]!.state.version) ?? null;
  }

  /**
   * The honest members go offline; the Byzantine member raises the floor
   * with its own withdrawal (see prepareStaleTerminate), replays the floor
   * certificate (to be paid twice), tries to undo the withdrawal with the
   * oldest certificate L1 would take but for the floor, then terminates with
   * an old certificate L1 takes and tries an old challenge. Each attempt is
   * chosen against L1 as it is when the one before has been decided.
   */
  private staleTerminate(channel: SimChannel, cheater: SimMember): void {
    const honest = channel.members.filter((member) => !member.byzantine);
    for (const member of honest) this.crash(channel, member, CHALLENGE_BLOCKS * 150 * 3);
    cheater.up = false; // it stops playing the protocol and only cheats on L1
    // What L1 takes but for the floor: not accounting for less withdrawn than L1 paid, nor more deposited than it holds.
    const fits = (state: ChannelState, record: ChannelRecord): boolean =>
      state.withdrawn.every((amount, i) => amount >= record.withdrawn[i]!) && state.deposited.every((amount, i) => amount <= record.deposited[i]!);
    const raise = this.laterThanOwnWithdrawal(cheater);
    const attempts: ((record: ChannelRecord) => { action: L1Action; certificate: Certificate | null } | null)[] = [
      (record) => (raise !== null && raise.state.withdrawn[cheater.index]! > record.withdrawn[cheater.index]! ? { action: 'withdraw', certificate: raise } : null),
      // The certificate behind the floor is public on L1: anyone can replay it.
      (record) => (record.floorCertificate === null ? null : { action: 'withdraw', certificate: record.floorCertificate }),
      (record) => {
        const belowFloor = cheater.history.find((certificate) => certificate.state.version < record.floor && fits(certificate.state, record));
        return belowFloor === undefined ? null : { action: 'terminate', certificate: belowFloor };
      },
      // Then a stale state L1 does take (the watchtower must challenge it): the middle one of those it holds.
      (record) => {
        const takeable = this.heldOrOnL1(cheater, record).filter((certificate) => certificate.state.version >= record.floor && fits(certificate.state, record) && !certificate.state.final);
        const stale = takeable.length >= 2 ? takeable[Math.floor(takeable.length / 2) - 1]! : (takeable[0] ?? null);
        return stale !== null || record.floor === 0 ? { action: 'terminate', certificate: stale } : null;
      },
    ];
    const next = (index: number): void => {
      const record = this.record(channel);
      if (index >= attempts.length || record === undefined) return this.terminateUntilFrozen(channel, cheater, STALE_TERMINATE_RETRIES);
      const attempt = attempts[index]!(record);
      if (attempt === null) return next(index + 1);
      this.submit(channel, cheater, attempt.action, attempt.certificate, () => next(index + 1));
    };
    next(0);
    const older = cheater.history.length >= 3 ? cheater.history[0]! : null;
    if (older !== null) this.world.schedule(2_000, () => this.submit(channel, cheater, 'challenge', older));
  }

  /**
   * The certificates the cheater holds, and the floor's from L1 (it signed it
   * too, but may never have received it), oldest first.
   */
  private heldOrOnL1(cheater: SimMember, record: ChannelRecord): Certificate[] {
    const floor = record.floorCertificate;
    if (floor === null || cheater.history.some((certificate) => certificate.state.version === floor.state.version)) return cheater.history;
    return [...cheater.history, floor].sort((a, b) => a.state.version - b.state.version);
  }

  /**
   * A withdrawal paid while the cheater's termination waited may have made it
   * stale: it terminates again with the oldest certificate it holds that L1
   * still takes, until the channel is frozen.
   */
  private terminateUntilFrozen(channel: SimChannel, cheater: SimMember, retries: number): void {
    const record = this.record(channel);
    if (record === undefined || record.status !== 'open' || retries === 0) return;
    const takes = (state: ChannelState): boolean =>
      !state.final && state.version >= record.floor && state.withdrawn.every((amount, i) => amount >= record.withdrawn[i]!) && state.deposited.every((amount, i) => amount <= record.deposited[i]!);
    const oldest = this.heldOrOnL1(cheater, record).find((certificate) => takes(certificate.state));
    if (oldest === undefined) return;
    this.submit(channel, cheater, 'terminate', oldest, () => this.terminateUntilFrozen(channel, cheater, retries - 1));
  }

  // -------------------------------------------------------------- the members

  private step(channel: SimChannel, member: SimMember, event: MemberEvent): void {
    if (!member.up) return;
    const before = member.state.wedged;
    const { effects } = stepMember(member.ctx, member.state, event);
    if (!member.byzantine && before === null && member.state.wedged !== null) {
      this.stats.wedges += 1;
      this.wedgedAt.set(`${channel.id}:${member.index}`, member.state.signedVersion);
    }
    for (const effect of effects) this.perform(channel, member, effect);
  }

  private perform(channel: SimChannel, member: SimMember, effect: MemberEffect): void {
    switch (effect.type) {
      case 'send':
        for (const message of this.adversarial(channel, member, effect.message)) this.deliver(channel, member, effect.to, message);
        return;
      case 'set-timer': {
        const incarnation = member.incarnation;
        this.world.schedule(effect.afterMs, () => {
          if (member.incarnation === incarnation) this.step(channel, member, { type: 'timeout', token: effect.token });
        });
        return;
      }
      case 'certified':
        this.stats.certificates += 1;
        this.stats.payments += effect.paymentIds.length;
        member.history.push(effect.certificate);
        this.checkCertificate(channel, effect.certificate);
        // Honest members push every certificate to the watchtower (reliably).
        if (!member.byzantine) stepWatchtower(this.world.scheme, this.tower, { type: 'push', channelId: channel.id, certificate: effect.certificate });
        return;
      case 'submit-l1':
        if (!member.byzantine) this.submit(channel, member, effect.action, effect.certificate);
        return;
      case 'withdrawal-rejected':
        channel.withdrawalsAsked[member.index] = channel.withdrawalsAsked[member.index]! - effect.amount;
        return;
      case 'withdrawal-certified':
        channel.lastWithdrawal = { member: member.index, amount: effect.amount };
        return;
      case 'dropped':
        this.stats.droppedMessages[effect.reason] = (this.stats.droppedMessages[effect.reason] ?? 0) + 1;
        return;
      default:
        return;
    }
  }

  /**
   * A Byzantine sequencer (head) equivocates: every member it sends a
   * proposal to (in a chain, only the next one) also gets a second,
   * conflicting proposal for the same version, in random order — one
   * conflicting state per version. Honest rules must keep any two of them
   * from both being certified.
   */
  private adversarial(channel: SimChannel, member: SimMember, message: MemberMessage): MemberMessage[] {
    if (member.byzantine && channel.fault === 'fake-deposit' && message.type === 'propose' && !message.proposal.state.final) return [this.fakeDeposit(channel, member, message)];
    if (member.byzantine && channel.fault === 'double-withdraw' && message.type === 'propose' && !message.proposal.state.final) return [this.doubleWithdrawal(channel, member, message)];
    if (!member.byzantine || channel.fault !== 'equivocate' || message.type !== 'propose' || message.proposal.state.final) return [message];
    const key = `${channel.id}:${message.proposal.state.version}`;
    let conflicting = this.conflictingByVersion.get(key);
    if (conflicting === undefined) {
      const proposal = this.conflictingProposal(channel, member, message.proposal);
      if (proposal === null) return [message];
      const signatures = [...message.signatures];
      signatures[member.index] = signChannelState(member.ctx.scheme, proposal.state, member.keys.secretKey);
      conflicting = { type: 'propose', proposal, signatures };
      this.conflictingByVersion.set(key, conflicting);
      this.conflicting.set(channelStateHash(proposal.state), { state: proposal.state, signatures: [...signatures] });
    }
    return this.rng.chance(0.5) ? [conflicting, message] : [message, conflicting];
  }

  /**
   * The sequencer's proposal with a deposit of its own that L1 never saw:
   * consistent in itself (its balance and cumulative deposit both raised),
   * signed by the sequencer; votes on it are gathered like an equivocator's.
   */
  private fakeDeposit(channel: SimChannel, sequencer: SimMember, message: Extract<MemberMessage, { type: 'propose' }>): MemberMessage {
    const { state } = message.proposal;
    const deposited = [...state.deposited];
    const balances = [...state.balances];
    deposited[sequencer.index] = deposited[sequencer.index]! + FAKE_DEPOSIT;
    balances[sequencer.index] = balances[sequencer.index]! + FAKE_DEPOSIT;
    return this.forged(sequencer, message, { ...state, deposited, balances });
  }

  /** The sequencer's proposal withdrawing the last certified withdrawal once more (as it is, while none was certified or the balance is short). */
  private doubleWithdrawal(channel: SimChannel, sequencer: SimMember, message: Extract<MemberMessage, { type: 'propose' }>): MemberMessage {
    const again = channel.lastWithdrawal;
    const { state } = message.proposal;
    if (again === null || state.balances[again.member]! < again.amount) return message;
    const withdrawn = [...state.withdrawn];
    const balances = [...state.balances];
    withdrawn[again.member] = withdrawn[again.member]! + again.amount;
    balances[again.member] = balances[again.member]! - again.amount;
    return this.forged(sequencer, message, { ...state, withdrawn, balances });
  }

  /** `forged` in place of the proposal's state, signed by the sequencer alone; votes on it are gathered like an equivocator's. */
  private forged(sequencer: SimMember, message: Extract<MemberMessage, { type: 'propose' }>, fake: ChannelState): MemberMessage {
    const signatures = message.signatures.map(() => null as string | null);
    signatures[sequencer.index] = signChannelState(sequencer.ctx.scheme, fake, sequencer.keys.secretKey);
    this.conflicting.set(channelStateHash(fake), { state: fake, signatures: [...signatures] });
    return { type: 'propose', proposal: { state: fake, payments: message.proposal.payments }, signatures };
  }

  private isForger(channel: SimChannel): boolean {
    return channel.fault === 'equivocate' || channel.fault === 'fake-deposit' || channel.fault === 'double-withdraw';
  }

  /**
   * A different, internally valid state for the same version: without the
   * last payment of a batch, or — for a single payment, which is what a
   * proposal mostly holds here — with that payment swapped for one of the
   * sequencer's own (the only payer whose signature it can make).
   */
  private conflictingProposal(channel: SimChannel, sequencer: SimMember, proposal: Proposal): Proposal | null {
    const { chainId } = proposal.state;
    const balances = [...proposal.state.balances];
    const undo = (payment: Payment): void => {
      balances[payment.from] = balances[payment.from]! + payment.amount;
      balances[payment.to] = balances[payment.to]! - payment.amount;
    };
    let payments: Payment[];
    if (proposal.payments.length >= 2) {
      payments = proposal.payments.slice(0, -1);
      undo(proposal.payments.at(-1)!);
    } else {
      for (const payment of proposal.payments) undo(payment);
      const payee = (sequencer.index + 1) % channel.members.length;
      if (balances[sequencer.index]! < 1n) return null;
      const paymentId = hashTaggedHex(`wedge/${chainId}/sim-equivocation`, { channel: channel.id, version: proposal.state.version });
      // A seq no certified payment of the sequencer's took: the conflicting state is valid to every follower.
      const seq = sequencer.state.payerSeqs[sequencer.index]!.highest + 1;
      const own = signPayment(this.world.scheme, sequencer.ctx.config, { from: sequencer.index, to: payee, amount: 1n, seq, paymentId }, sequencer.keys.secretKey);
      payments = [own];
      balances[sequencer.index] = balances[sequencer.index]! - 1n;
      balances[payee] = balances[payee]! + 1n;
    }
    return { state: { ...proposal.state, balances, commandsHash: commandsHash(chainId, payments) }, payments };
  }

  /**
   * The equivocating sequencer also collects the votes on its conflicting
   * states (its honest core ignores them) and completes a certificate when
   * every member signed one: the checkers see every certificate anyone could
   * assemble. Honest members never let one complete next to the honest state.
   */
  private gatherConflictingVote(channel: SimChannel, sequencer: SimMember, message: MemberMessage): void {
    if (!this.isForger(channel) || message.type !== 'vote') return;
    const gathered = this.conflicting.get(message.stateHash);
    if (gathered === undefined || gathered.state.channelId !== channel.id || gathered.signatures[message.member] !== null) return;
    gathered.signatures[message.member] = message.signature;
    if (gathered.signatures.some((signature) => signature === null)) return;
    const certificate: Certificate = { state: gathered.state, signatures: gathered.signatures as string[] };
    sequencer.history.push(certificate);
    this.checkCertificate(channel, certificate);
  }

  private deliver(channel: SimChannel, from: SimMember, to: number, message: MemberMessage): void {
    const { network } = this.world.options;
    if (!this.world.afterGst && this.rng.chance(network.lossProbability)) return;
    const target = channel.members[to]!;
    this.world.schedule(this.rng.int(network.minDelayMs, network.maxDelayMs), () => {
      if (target.byzantine && target.up) this.gatherConflictingVote(channel, target, message);
      this.step(channel, target, { type: 'message', from: from.index, message });
    });
  }

  // --------------------------------------------------------------------- L1

  /** `then`: called once L1 has decided this transaction (the next attempt of a Byzantine member waits for it: urgent actions queue first in line). */
  private submit(channel: SimChannel, member: SimMember | null, action: L1Action, certificate: Certificate | null, then?: (code: TxCode) => void): void {
    const account = member === null ? this.towerAccount : member.account;
    const address = this.world.workload.keys[account]!.address;
    const chainId = this.world.workload.genesis.chainId;
    const build = (nonce: number): TxBody => channelActionTx({ chainId, from: address, nonce }, channel.id, action, certificate);
    this.world.workload.enqueue(
      account,
      {
        build,
        onDone: (code: TxCode) => {
          if (code === 'STALE_STATE') {
            this.stats.staleRejected += 1;
            if ((certificate?.state.version ?? 0) < (this.record(channel)?.floor ?? 0)) this.stats.floorRejections += 1;
          }
          if (member === null && action === 'challenge' && code === 'OK') this.stats.watchtowerChallenges += 1;
          if (action === 'withdraw' && code === 'OK') this.onWithdrawn(channel, certificate!);
          then?.(code);
        },
      },
      true,
    );
  }

  /** A member tops up: channel.deposit from its own account (it may fail: the account may lack the funds, or the channel be frozen). */
  private deposit(channel: SimChannel, member: SimMember, amount: bigint): void {
    const chainId = this.world.workload.genesis.chainId;
    this.world.workload.enqueue(member.account, {
      build: (nonce) => ({ type: 'channel.deposit', chainId, from: member.keys.address, nonce, channelId: channel.id, amount }),
      onDone: (code) => {
        if (code !== 'OK') return;
        this.stats.deposits += 1;
        channel.depositedOnL1[member.index] = channel.depositedOnL1[member.index]! + amount;
      },
    });
  }

  /** Withdraw-once: an OK channel.withdraw must pay something no earlier one paid. The floor moves to its version. */
  private onWithdrawn(channel: SimChannel, certificate: Certificate): void {
    this.stats.withdrawals += 1;
    const { state } = certificate;
    const raises = state.withdrawn.some((amount, index) => amount > channel.withdrawalsPaid[index]!);
    if (!raises) this.report('withdraw-once', `channel ${channel.id.slice(0, 12)}: channel.withdraw with v${state.version} paid again for withdrawals already paid (${channel.withdrawalsPaid.join(',')})`);
    state.withdrawn.forEach((amount, index) => {
      if (amount > channel.withdrawalsPaid[index]!) channel.withdrawalsPaid[index] = amount;
    });
    channel.floor = Math.max(channel.floor, state.version);
  }

  private record(channel: SimChannel): ChannelRecord | undefined {
    return this.world.honestLedger().channels.get(channel.id);
  }

  private l1View(channel: SimChannel): L1ChannelView | null {
    const ledger = this.world.honestLedger();
    const record = ledger.channels.get(channel.id);
    if (record === undefined) return null;
    return {
      status: record.status,
      recordedVersion: record.recorded.version,
      deadline: record.deadline,
      height: ledger.height,
      deposited: record.deposited,
      withdrawn: record.withdrawn,
      floor: record.floor,
      floorCertificate: record.floorCertificate,
    };
  }

  private isClosedOnL1(channel: SimChannel): boolean {
    return this.l1View(channel)?.status === 'closed';
  }

  // ------------------------------------------------------------------- ticks

  private tick(nowMs: number): void {
    for (const channel of this.channels) {
      if (!channel.opened) continue;
      // Members and the watchtower follow L1 by polling, as the processes do.
      const view = nowMs % L1_POLL_MS === 0 ? this.l1View(channel) : null;
      if (view !== null) {
        for (const member of channel.members) this.step(channel, member, { type: 'l1', channel: view });
        for (const effect of stepWatchtower(this.world.scheme, this.tower, { type: 'l1', channelId: channel.id, channel: view }, this.options.watchtowerRules)) {
          if (effect.type === 'submit-l1') this.submit(channel, null, effect.action, effect.certificate);
        }
      }
      if (this.world.afterGst) {
        // Wind down: ask for a cooperative close (a silent sequencer makes the others wedge and settle instead).
        if (!channel.closeRequested) {
          channel.closeRequested = true;
          for (const member of channel.members) if (!member.byzantine) this.step(channel, member, { type: 'close' });
        }
        continue;
      }
      if (nowMs % 100 === 0) {
        this.randomPayment(channel);
        this.randomSplice(channel);
      }
      this.checkFloor(channel);
    }
  }

  /** Now and then a member tops up from its L1 account, or asks to withdraw part of its balance. */
  private randomSplice(channel: SimChannel): void {
    if (this.rng.chance(DEPOSIT_CHANCE)) {
      const member = this.rng.pick(channel.members);
      if (member.up && !member.byzantine) this.deposit(channel, member, BigInt(this.rng.int(1, 3_000)));
    }
    if (this.rng.chance(WITHDRAW_CHANCE)) {
      const member = this.rng.pick(channel.members);
      const balance = member.state.latest.state.balances[member.index]!;
      if (member.up && !member.byzantine && balance >= 4n) this.withdraw(channel, member, BigInt(this.rng.int(1, Number(balance / 4n))));
    }
  }

  /** The member's user asks to withdraw; what it asks counts for withdraw-once unless refused (now, or later by a `withdrawal-rejected`). */
  private withdraw(channel: SimChannel, member: SimMember, amount: bigint): void {
    channel.withdrawalsAsked[member.index] = channel.withdrawalsAsked[member.index]! + amount;
    this.step(channel, member, { type: 'withdraw', amount });
  }

  /** Floor: no state below the version floor is ever recorded (DESIGN §7). */
  private checkFloor(channel: SimChannel): void {
    const record = this.record(channel);
    if (record === undefined || record.status === 'open') return;
    if (record.recorded.version < channel.floor) {
      this.report('floor', `channel ${channel.id.slice(0, 12)} (${channel.fault}): v${record.recorded.version} recorded below the floor v${channel.floor}`);
      channel.floor = record.recorded.version; // reported once
    }
  }

  private randomPayment(channel: SimChannel): void {
    const payer = this.rng.pick(channel.members);
    if (!payer.up || payer.byzantine) return;
    const others = channel.members.filter((member) => member !== payer);
    const payee = this.rng.pick(others);
    const paymentId = hashTaggedHex(`wedge/${payer.ctx.config.chainId}/sim-payment`, { channel: channel.id, n: this.paymentCounter++ });
    const payment = signPayment(
      this.world.scheme,
      payer.ctx.config,
      { from: payer.index, to: payee.index, amount: BigInt(this.rng.int(1, 400)), seq: payer.seqs.next(), paymentId },
      payer.keys.secretKey,
    );
    this.step(channel, payer, { type: 'payment', payment });
  }

  // ---------------------------------------------------------------- checkers

  private report(invariant: string, detail: string): void {
    if (this.violations.length < 20) this.violations.push({ invariant, detail });
  }

  private checkCertificate(channel: SimChannel, certificate: Certificate): void {
    const { state, signatures } = certificate;
    const members = channel.members.map((member) => ({ publicKey: toHex(member.keys.publicKey), address: member.keys.address }));
    if (!isChannelStateCertified(this.world.scheme, state, members, signatures)) {
      this.report('L2-safety', `channel ${channel.id.slice(0, 12)} v${state.version}: a "certificate" without every member's signature`);
      return;
    }
    const key = `${channel.id}:${state.version}`;
    const hash = channelStateHash(state);
    const known = this.certified.get(key);
    if (known !== undefined && known !== hash) this.report('L2-safety', `channel ${channel.id.slice(0, 12)}: two different certificates for version ${state.version}`);
    this.certified.set(key, hash);
    const sum = (amounts: readonly bigint[]): bigint => amounts.reduce((total, amount) => total + amount, 0n);
    const accounted = sum(state.deposited) - sum(state.withdrawn);
    if (sum(state.balances) !== accounted) this.report('L2-conservation', `channel ${channel.id.slice(0, 12)} v${state.version}: balances sum to ${sum(state.balances)}, the state accounts for ${accounted}`);
    // Deposit-safety: a certificate accounts only for deposits L1 has committed.
    state.deposited.forEach((amount, index) => {
      if (amount > channel.depositedOnL1[index]!) this.report('deposit-safety', `channel ${channel.id.slice(0, 12)} v${state.version}: accounts for ${amount} deposited by member ${index}, L1 committed ${channel.depositedOnL1[index]}`);
    });
    // Withdraw-once: a certificate withdraws for a member no more than its user asked for (each request once).
    state.withdrawn.forEach((amount, index) => {
      if (amount > channel.withdrawalsCertified[index]!) channel.withdrawalsCertified[index] = amount;
      if (amount > channel.withdrawalsAsked[index]! && !channel.members[index]!.byzantine) {
        this.report('withdraw-once', `channel ${channel.id.slice(0, 12)} v${state.version}: withdraws ${amount} for member ${index}, whose user asked for ${channel.withdrawalsAsked[index]}`);
      }
    });
    if (!state.final) {
      for (const member of channel.members) {
        const wedged = this.wedgedAt.get(`${channel.id}:${member.index}`);
        if (wedged !== undefined && state.version > wedged) {
          this.report('safe-termination', `channel ${channel.id.slice(0, 12)}: v${state.version} certified after member ${member.index} wedged at v${wedged}`);
        }
      }
    }
  }

  /**
   * At the end, L1's record agrees with what the simulator saw committed:
   * deposit-safety — every committed deposit is on the record, and the
   * channel paid out (withdrawals plus settlement) exactly what was put in;
   * withdraw-once — L1 paid no member more in withdrawals than the
   * highest cumulative withdrawal any certificate holds.
   */
  private checkPaidOut(channel: SimChannel, record: ChannelRecord): void {
    const name = `channel ${channel.id.slice(0, 12)} (${channel.fault})`;
    const sum = (amounts: readonly bigint[]): bigint => amounts.reduce((total, amount) => total + amount, 0n);
    record.deposited.forEach((amount, index) => {
      if (amount !== channel.depositedOnL1[index]) this.report('deposit-safety', `${name}: member ${index} deposited ${channel.depositedOnL1[index]}, L1 records ${amount}`);
    });
    const paidOut = sum(record.settledBalances ?? []) + sum(channel.withdrawalsPaid);
    if (paidOut !== sum(channel.depositedOnL1)) this.report('deposit-safety', `${name}: paid out ${paidOut} of ${sum(channel.depositedOnL1)} put in`);
    channel.withdrawalsPaid.forEach((amount, index) => {
      if (amount > channel.withdrawalsCertified[index]!) this.report('withdraw-once', `${name}: L1 paid member ${index} withdrawals of ${amount}, certificates hold ${channel.withdrawalsCertified[index]}`);
    });
  }

  /** Settlement: each honest member is paid at least its balance in the latest certificate it (or the watchtower) holds, with what that state leaves to L1. */
  private finish(): void {
    const ledger = this.world.honestLedger();
    for (const channel of this.channels) {
      if (!channel.opened) continue;
      const record = ledger.channels.get(channel.id);
      if (record === undefined || record.status !== 'closed' || record.settledBalances === null) {
        this.report('liveness', `channel ${channel.id.slice(0, 12)} (${channel.fault}) not settled on L1 by the end (status ${record?.status})`);
        continue;
      }
      this.checkPaidOut(channel, record);
      const towerBest = this.tower.channels.get(channel.id)?.best ?? null;
      for (const member of channel.members) {
        if (member.byzantine) continue;
        // A final state repeats the balances of the certificate before it, so it counts too.
        const held = [member.state.latest, towerBest].filter((certificate): certificate is Certificate => certificate !== null);
        const newest = held.reduce((best, certificate) => (certificate.state.version > best.state.version ? certificate : best), held[0]!);
        // L1 settling at a version at or above the newest one held is fine: every
        // certificate carries this member's signature, so it agreed to it.
        if (record.recorded.version >= newest.state.version) continue;
        // Its balance there, plus what that state leaves to L1: deposits it does not account for, withdrawals L1 has not paid.
        const i = member.index;
        const owed = newest.state.balances[i]! + (record.deposited[i]! - newest.state.deposited[i]!) + (newest.state.withdrawn[i]! - record.withdrawn[i]!);
        const paid = record.settledBalances[member.index]!;
        if (paid < owed) {
          this.report('settlement', `channel ${channel.id.slice(0, 12)} (${channel.fault}): member ${member.index} paid ${paid}, holds v${newest.state.version} owing ${owed}`);
        }
      }
    }
  }
}
