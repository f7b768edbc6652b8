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
import { channelStateHash, isChannelStateCertified, signChannelState, type ChannelState, type TxBody, type TxCode } from '@wedge/ledger';
import type { L1World } from './l1-world.ts';
import type { Prng } from './prng.ts';
import type { Violation } from './l1-checkers.ts';

/**
 * The member faults of a channel. 'user-wedge' (a member other than the
 * sequencer is wedged by its user while the others go on paying) is not among
 * a seed's random faults; the mutation tests ask for it.
 */
export type MemberFault = 'none' | 'crash' | 'silent' | 'equivocate' | 'stale-terminate' | 'user-wedge';

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
};

const DEPOSIT = 10_000n;
// Disputes assume synchrony (DESIGN: L2 needs it for disputes): the window must
// outlast L1's latency during the fault phase, view changes included. With 30
// blocks (4.5 s of idle blocks) 2 seeds in 1,000 saw an honest challenge land
// after the deadline; 100 blocks leave ample room.
const CHALLENGE_BLOCKS = 100;
const PROGRESS_TIMEOUT_MS = 1_500;
const FAULT_AT_MS = 2_500;

/** Broken rules for the mutation tests (packages/sim/test/l2-mutations.test.ts); absent: the honest ones. */
export type L2Options = {
  /** The rules of every member that is not the channel's Byzantine one. */
  readonly memberRules?: MemberRules;
  readonly watchtowerRules?: WatchtowerRules;
};

export type L2Stats = {
  staleRejected: number;
  watchtowerChallenges: number;
  wedges: number;
  certificates: number;
  payments: number;
  /** Messages the member cores dropped, by reason (their `dropped` effects). */
  droppedMessages: Partial<Record<DropReason, number>>;
};

export class L2Layer {
  readonly channels: SimChannel[] = [];
  readonly violations: Violation[] = [];
  readonly stats: L2Stats = { staleRejected: 0, watchtowerChallenges: 0, wedges: 0, certificates: 0, payments: 0, droppedMessages: {} };
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
    const byzantineIndex = fault === 'equivocate' ? 0 : fault === 'silent' || fault === 'stale-terminate' ? this.rng.int(0, accounts.length - 1) : -1;
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
    const channel: SimChannel = { id, topology, members, fault, deposits, opened: false, closeRequested: false };
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
        this.world.schedule(FAULT_AT_MS, () => this.staleTerminate(channel, byzantine!));
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

  /** The honest members go offline; the Byzantine member terminates with an old certificate, then tries an old challenge. */
  private staleTerminate(channel: SimChannel, cheater: SimMember): void {
    const honest = channel.members.filter((member) => !member.byzantine);
    for (const member of honest) this.crash(channel, member, CHALLENGE_BLOCKS * 150 * 3);
    cheater.up = false; // it stops playing the protocol and only cheats on L1
    const stale = cheater.history.length >= 2 ? cheater.history[Math.floor(cheater.history.length / 2) - 1]! : null;
    this.submit(channel, cheater, 'terminate', stale);
    const older = cheater.history.length >= 3 ? cheater.history[0]! : null;
    if (older !== null) this.world.schedule(2_000, () => this.submit(channel, cheater, 'challenge', older));
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
    if (channel.fault !== 'equivocate' || message.type !== 'vote') return;
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

  private submit(channel: SimChannel, member: SimMember | null, action: L1Action, certificate: Certificate | null): void {
    const account = member === null ? this.towerAccount : member.account;
    const address = this.world.workload.keys[account]!.address;
    const chainId = this.world.workload.genesis.chainId;
    const build = (nonce: number): TxBody => channelActionTx({ chainId, from: address, nonce }, channel.id, action, certificate);
    this.world.workload.enqueue(
      account,
      {
        build,
        onDone: (code: TxCode) => {
          if (code === 'STALE_STATE') this.stats.staleRejected += 1;
          if (member === null && action === 'challenge' && code === 'OK') this.stats.watchtowerChallenges += 1;
        },
      },
      true,
    );
  }

  private l1View(channel: SimChannel): L1ChannelView | null {
    const ledger = this.world.honestLedger();
    const record = ledger.channels.get(channel.id);
    if (record === undefined) return null;
    return { status: record.status, recordedVersion: record.recorded.version, deadline: record.deadline, height: ledger.height };
  }

  private isClosedOnL1(channel: SimChannel): boolean {
    return this.l1View(channel)?.status === 'closed';
  }

  // ------------------------------------------------------------------- ticks

  private tick(nowMs: number): void {
    for (const channel of this.channels) {
      if (!channel.opened) continue;
      const view = this.l1View(channel);
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
      if (nowMs % 100 === 0) this.randomPayment(channel);
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
    const total = state.balances.reduce((sum, balance) => sum + balance, 0n);
    const deposit = channel.deposits.reduce((sum, amount) => sum + amount, 0n);
    if (total !== deposit) this.report('L2-conservation', `channel ${channel.id.slice(0, 12)} v${state.version}: balances sum to ${total}, deposit ${deposit}`);
    if (!state.final) {
      for (const member of channel.members) {
        const wedged = this.wedgedAt.get(`${channel.id}:${member.index}`);
        if (wedged !== undefined && state.version > wedged) {
          this.report('safe-termination', `channel ${channel.id.slice(0, 12)}: v${state.version} certified after member ${member.index} wedged at v${wedged}`);
        }
      }
    }
  }

  /** Settlement: each honest member is paid at least its balance in the latest certificate it (or the watchtower) holds. */
  private finish(): void {
    const ledger = this.world.honestLedger();
    for (const channel of this.channels) {
      if (!channel.opened) continue;
      const record = ledger.channels.get(channel.id);
      if (record === undefined || record.status !== 'closed' || record.settledBalances === null) {
        this.report('liveness', `channel ${channel.id.slice(0, 12)} (${channel.fault}) not settled on L1 by the end (status ${record?.status})`);
        continue;
      }
      const towerBest = this.tower.channels.get(channel.id)?.best ?? null;
      for (const member of channel.members) {
        if (member.byzantine) continue;
        // A final state repeats the balances of the certificate before it, so it counts too.
        const held = [member.state.latest, towerBest].filter((certificate): certificate is Certificate => certificate !== null);
        const newest = held.reduce((best, certificate) => (certificate.state.version > best.state.version ? certificate : best), held[0]!);
        // L1 settling at a version at or above the newest one held is fine: every
        // certificate carries this member's signature, so it agreed to it.
        if (record.recorded.version >= newest.state.version) continue;
        const owed = newest.state.balances[member.index]!;
        const paid = record.settledBalances[member.index]!;
        if (paid < owed) {
          this.report('settlement', `channel ${channel.id.slice(0, 12)} (${channel.fault}): member ${member.index} paid ${paid}, holds v${newest.state.version} owing ${owed}`);
        }
      }
    }
  }
}
