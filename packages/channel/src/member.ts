// The L2 channel member core (DESIGN §4), sans-I/O: `stepMember(ctx, state,
// event)` mutates the member's own state and returns effects. The shell
// persists the state before carrying out any effect, so a signature never
// leaves the process before the decision to sign is durable.
//
// An honest member
//   1. signs version v+1 only if it extends the certificate of v it holds,
//      every payment is signed by its payer, no balance goes negative and the
//      total is unchanged;
//   2. never signs two different states with the same version;
//   3. never signs after it has wedged — except a final state that repeats the
//      balances of its latest certificate at a version above every version it
//      has ever signed (a cooperative close that skips the challenge window).
import { assert, fromHex, isHex } from '@wedge/common';
import { verifyObject } from '@wedge/crypto';
import {
  channelStateHash,
  channelStateTag,
  canonicalChannelState,
  isChannelStateCertified,
  openingState,
  signChannelState,
  type ChannelState,
} from '@wedge/ledger';
import { balancesAfter, commandsHash, paymentValidity } from './payments.ts';
import type {
  Certificate,
  ChannelErrorCode,
  L1ChannelView,
  MemberContext,
  MemberEffect,
  MemberEvent,
  MemberMessage,
  Payment,
  Proposal,
  WedgeReason,
} from './types.ts';

/** L1 blocks to wait before resubmitting a transaction that did not take effect. */
const L1_RESUBMIT_BLOCKS = 3;

export type MemberState = {
  /** The latest certificate this member holds (version 0: the opening state). */
  latest: Certificate;
  /** The highest version this member ever signed, and what it signed there. */
  signedVersion: number;
  signedHash: string | null;
  signedSignature: string | null;
  /** The payments of the proposal signed at `signedVersion` (checked then); a certificate of that state applies exactly these. */
  signedPayments: readonly Payment[];
  /** Whether the state signed at `signedVersion` is final (rule 3). */
  signedFinal: boolean;
  /**
   * Per member, a signature on the state signed at `signedVersion` known to
   * be valid (ours, and those checked before signing): its certificate need
   * not verify them again.
   */
  signedWith: readonly (string | null)[];
  wedged: WedgeReason | null;
  closed: boolean;
  closeRequested: boolean;
  /** Ids of payments in certified states. */
  applied: Set<string>;
  /** Payments waiting to be certified (at the sequencer: to be proposed). */
  pending: Map<string, Payment>;
  /** Sequencer (head): the proposal being signed, with the signatures gathered. */
  inFlight: { proposal: Proposal; hash: string; signatures: (string | null)[] } | null;
  /**
   * A proposal that arrived before the certificate it extends (the network
   * reordered them, or in a chain the tail's certificate is slower than the
   * head's next proposal); looked at again when that certificate arrives.
   */
  aheadProposal: { from: number; proposal: Proposal; signatures: readonly (string | null)[] } | null;
  l1: L1ChannelView | null;
  /** L1 height at which each action was last submitted, to resubmit only after a while. */
  submittedAt: { terminate: number; challenge: number; settle: number; close: number };
  timerToken: number;
  timerArmed: boolean;
};

export type MemberStepResult = { state: MemberState; effects: MemberEffect[] };

export function createMemberState(ctx: MemberContext): MemberState {
  const { config } = ctx;
  assert(config.members.length >= 2 && config.members.length <= 16, 'a channel has 2..16 members');
  assert(config.self >= 0 && config.self < config.members.length, 'self is a member index');
  assert(config.deposits.length === config.members.length, 'one deposit per member');
  return {
    latest: { state: openingState(config.chainId, config.channelId, [...config.deposits]), signatures: [] },
    signedVersion: 0,
    signedHash: null,
    signedSignature: null,
    signedPayments: [],
    signedFinal: false,
    signedWith: [],
    wedged: null,
    closed: false,
    closeRequested: false,
    applied: new Set(),
    pending: new Map(),
    inFlight: null,
    aheadProposal: null,
    l1: null,
    submittedAt: { terminate: -Infinity, challenge: -Infinity, settle: -Infinity, close: -Infinity },
    timerToken: 0,
    timerArmed: false,
  };
}

export function stepMember(ctx: MemberContext, state: MemberState, event: MemberEvent): MemberStepResult {
  const member = new Member(ctx, state);
  member.handle(event);
  return { state, effects: member.effects };
}

class Member {
  readonly effects: MemberEffect[] = [];
  private readonly n: number;
  private readonly self: number;

  constructor(
    private readonly ctx: MemberContext,
    private readonly s: MemberState,
  ) {
    this.n = ctx.config.members.length;
    this.self = ctx.config.self;
  }

  handle(event: MemberEvent): void {
    switch (event.type) {
      case 'start':
        this.s.timerArmed = false;
        this.armTimer();
        // Resend what may have been lost with the crash.
        if (this.s.inFlight !== null && this.isLeader) this.sendProposal();
        return;
      case 'payment':
        return this.onPayment(event.payment, true);
      case 'message':
        return this.onMessage(event.from, event.message);
      case 'timeout':
        if (event.token !== this.s.timerToken || !this.s.timerArmed) return;
        this.s.timerArmed = false;
        if (this.hasWork()) this.wedge('progress-timeout');
        return;
      case 'wedge':
        return this.wedge(event.reason);
      case 'close':
        return this.requestClose();
      case 'l1':
        return this.onL1(event.channel);
    }
  }

  private get isLeader(): boolean {
    return this.self === 0;
  }

  private hasWork(): boolean {
    // A final certificate ends the channel's work. A close request is work at
    // every member: it waits for the final state, and if the sequencer never
    // proposes one the member must time out and wedge.
    if (this.s.closed || this.s.latest.state.final) return false;
    return this.s.pending.size > 0 || this.s.inFlight !== null || this.s.closeRequested;
  }

  private armTimer(): void {
    if (this.s.timerArmed || !this.hasWork() || this.s.wedged !== null) return;
    this.s.timerArmed = true;
    this.s.timerToken += 1;
    this.effects.push({ type: 'set-timer', afterMs: this.ctx.config.progressTimeoutMs, token: this.s.timerToken });
  }

  private stopTimer(): void {
    if (this.s.timerArmed) {
      this.s.timerArmed = false;
      this.effects.push({ type: 'clear-timer' });
    }
  }

  private reject(paymentId: string, code: ChannelErrorCode): void {
    this.effects.push({ type: 'payment-rejected', paymentId, code });
  }

  private send(to: number, message: MemberMessage): void {
    if (to !== this.self) this.effects.push({ type: 'send', to, message });
  }

  private sendAll(message: MemberMessage): void {
    for (let to = 0; to < this.n; to++) this.send(to, message);
  }

  // ---------------------------------------------------------------- payments

  /** `forwardedBy`: the member that handed the payment to us, the sequencer (null when submitted here). */
  private onPayment(payment: Payment, local: boolean, forwardedBy: number | null = null): void {
    // A forwarded payment that will never commit is reported back, so the
    // forwarding member does not wait for it until its progress timeout.
    const refuse = (code: ChannelErrorCode): void => {
      this.reject(payment.paymentId, code);
      if (forwardedBy !== null) this.send(forwardedBy, { type: 'rejected', paymentId: payment.paymentId, code });
    };
    if (this.s.closed) return refuse('CHANNEL_CLOSED');
    if (this.s.wedged !== null || this.s.closeRequested) return refuse('WEDGED');
    const code = paymentValidity(this.ctx.scheme, this.ctx.config, payment);
    if (code !== null) return refuse(code);
    // A duplicated forward of a payment already here or committed is not news to anyone.
    if (this.s.applied.has(payment.paymentId) || this.s.pending.has(payment.paymentId)) return this.reject(payment.paymentId, 'DUPLICATE_PAYMENT');
    if (this.s.pending.size >= this.ctx.config.maxPendingPayments) return refuse('MEMPOOL_FULL');
    if (!this.isLeader && this.overdraws(payment)) return this.reject(payment.paymentId, 'INSUFFICIENT_FUNDS');
    this.s.pending.set(payment.paymentId, payment);
    if (!this.isLeader && local) this.send(0, { type: 'forward', payment });
    // Propose first: a payment dropped at proposal time must not leave a timer
    // running, which would cut short the timeout of the next piece of work.
    this.propose();
    this.armTimer();
  }

  /**
   * Only the sequencer decides, at proposal time, whether a payment fits, and
   * it drops one that does not without telling anyone; a member that forwarded
   * it would wait for it until its progress timeout and wedge the channel. So
   * another member refuses at once a payment its payer cannot cover from the
   * latest certified balance less the payer's payments already waiting here.
   */
  private overdraws(payment: Payment): boolean {
    let available = this.s.latest.state.balances[payment.from]!;
    for (const waiting of this.s.pending.values()) if (waiting.from === payment.from) available -= waiting.amount;
    return payment.amount > available;
  }

  private onMessage(from: number, message: MemberMessage): void {
    if (!Number.isInteger(from) || from < 0 || from >= this.n || from === this.self) return;
    switch (message.type) {
      case 'forward':
        if (this.isLeader) this.onPayment(message.payment, false, from);
        return;
      case 'rejected':
        if (from === 0 && this.s.pending.delete(message.paymentId)) {
          this.reject(message.paymentId, message.code);
          if (!this.hasWork()) this.stopTimer();
        }
        return;
      case 'propose':
        return this.onPropose(from, message.proposal, message.signatures);
      case 'vote':
        return this.onVote(message);
      case 'certificate':
        return this.onCertificate(message.certificate);
      case 'close-request':
        if (this.isLeader) this.requestClose();
        return;
    }
  }

  // --------------------------------------------------------------- proposing

  /** The sequencer (head) proposes the next state when nothing is in flight. */
  private propose(): void {
    // Nothing extends a final state: the channel is done.
    if (!this.isLeader || this.s.inFlight !== null || this.s.closed || this.s.latest.state.final) return;
    // Payments first; then, on a close request, the final state — also when
    // building the batch just dropped the last pending payments as unpayable.
    let proposal = this.s.wedged === null && this.s.pending.size > 0 ? this.nextProposal() : null;
    if (proposal === null && this.s.closeRequested && this.s.pending.size === 0) proposal = this.finalProposal();
    if (proposal === null) return;
    const signature = this.sign(proposal, []);
    if (signature === null) return;
    const signatures: (string | null)[] = Array.from({ length: this.n }, () => null);
    signatures[this.self] = signature;
    this.s.inFlight = { proposal, hash: channelStateHash(proposal.state), signatures };
    this.armTimer();
    this.sendProposal();
  }

  private nextProposal(): Proposal | null {
    const latest = this.s.latest.state;
    const batch: Payment[] = [];
    let balances = [...latest.balances];
    for (const payment of this.s.pending.values()) {
      if (batch.length >= this.ctx.config.maxBatchPayments) break;
      const result = balancesAfter(balances, [payment], this.s.applied);
      if ('code' in result) {
        // The payer cannot cover it (or it is a duplicate): it will never commit.
        // Whichever member forwarded it is waiting for it: tell them all.
        this.s.pending.delete(payment.paymentId);
        this.reject(payment.paymentId, result.code);
        this.sendAll({ type: 'rejected', paymentId: payment.paymentId, code: result.code });
        continue;
      }
      balances = result.balances;
      batch.push(payment);
    }
    if (batch.length === 0) return null;
    return {
      state: {
        chainId: latest.chainId,
        channelId: latest.channelId,
        version: latest.version + 1,
        balances,
        commandsHash: commandsHash(latest.chainId, batch),
        prevHash: channelStateHash(latest),
        final: false,
      },
      payments: batch,
    };
  }

  /** Rule 3's state: the latest certified balances, final, above every version ever signed. */
  private finalProposal(): Proposal {
    const latest = this.s.latest.state;
    return {
      state: {
        chainId: latest.chainId,
        channelId: latest.channelId,
        version: Math.max(latest.version, this.s.signedVersion) + 1,
        balances: [...latest.balances],
        commandsHash: commandsHash(latest.chainId, []),
        prevHash: channelStateHash(latest),
        final: true,
      },
      payments: [],
    };
  }

  private sendProposal(): void {
    const inFlight = this.s.inFlight;
    assert(inFlight !== null, 'sendProposal needs a proposal in flight');
    const message: MemberMessage = { type: 'propose', proposal: inFlight.proposal, signatures: inFlight.signatures };
    if (this.ctx.config.topology === 'star') this.sendAll(message);
    else this.send(1, message);
  }

  /**
   * Signs the proposal's state if the honest-member rules allow it: never two
   * different states at one version; after wedging, only rule 3's final
   * state. `verified`: the others' signatures on it checked before signing.
   * Returns the signature, or null when refused.
   */
  private sign(proposal: Proposal, verified: readonly (string | null)[]): string | null {
    const { state } = proposal;
    const hash = channelStateHash(state);
    if (state.version <= this.s.signedVersion) {
      // Already decided for this version: the same state gets the same signature again.
      return state.version === this.s.signedVersion && hash === this.s.signedHash ? this.s.signedSignature : null;
    }
    if (this.s.wedged !== null && !this.isAllowedFinal(state)) return null;
    const signature = signChannelState(this.ctx.scheme, state, this.ctx.secretKey);
    this.s.signedVersion = state.version;
    this.s.signedHash = hash;
    this.s.signedSignature = signature;
    this.s.signedPayments = proposal.payments;
    this.s.signedFinal = state.final;
    this.s.signedWith = Array.from({ length: this.n }, (_, index) => (index === this.self ? signature : (verified[index] ?? null)));
    return signature;
  }

  private isAllowedFinal(state: ChannelState): boolean {
    const latest = this.s.latest.state;
    return (
      state.final &&
      state.version > this.s.signedVersion &&
      state.balances.length === latest.balances.length &&
      state.balances.every((balance, index) => balance === latest.balances[index])
    );
  }

  // ----------------------------------------------------------------- signing

  private onPropose(from: number, proposal: Proposal, signatures: readonly (string | null)[]): void {
    const star = this.ctx.config.topology === 'star';
    if (star ? from !== 0 : from !== this.self - 1) return;
    if (!Array.isArray(signatures) || signatures.length !== this.n) return;
    const state = proposal.state;
    const verdict = this.proposalValidity(proposal);
    if (verdict === 'conflict') {
      // The proposer asked us to sign a second state for a version we signed: Byzantine.
      return this.wedge('progress-timeout');
    }
    if (verdict === 'invalid' && this.extendsSignedUncertified(state)) {
      // It overtook the certificate of the state we signed last: keep it (one slot) for then.
      this.s.aheadProposal = { from, proposal, signatures };
      return;
    }
    if (verdict !== 'ok') return;
    // Everyone before us must already have signed (the head in a star; the chain so far).
    const signedBefore = star ? [0] : Array.from({ length: this.self }, (_, index) => index);
    for (const index of signedBefore) if (!this.isValidSignature(state, index, signatures[index])) return;
    const verified = signatures.map((signature, index) => (signedBefore.includes(index) ? signature : null));
    const signature = this.sign(proposal, verified);
    if (signature === null) return;
    if (star) {
      this.send(0, { type: 'vote', version: state.version, stateHash: channelStateHash(state), member: this.self, signature });
      this.armTimer();
      return;
    }
    const gathered = [...signatures];
    gathered[this.self] = signature;
    if (this.self === this.n - 1) {
      // The tail completes the certificate; it travels back to everyone.
      const certificate: Certificate = { state, signatures: gathered as string[] };
      this.sendAll({ type: 'certificate', certificate });
      this.accept(certificate, proposal.payments);
    } else {
      this.send(this.self + 1, { type: 'propose', proposal, signatures: gathered });
      this.armTimer();
    }
  }

  /** True when `state` builds on the state this member signed last, whose certificate it does not hold yet. */
  private extendsSignedUncertified(state: ChannelState): boolean {
    return this.s.signedVersion > this.s.latest.state.version && state.version > this.s.signedVersion && state.prevHash === this.s.signedHash;
  }

  /** 'ok' when rule 1 (or rule 3 for a final state) allows signing; 'conflict' for a second state at a signed version. */
  private proposalValidity(proposal: Proposal): 'ok' | 'invalid' | 'conflict' {
    const { state, payments } = proposal;
    const latest = this.s.latest.state;
    if (state.chainId !== latest.chainId || state.channelId !== latest.channelId || !Array.isArray(payments)) return 'invalid';
    // After a final certificate the channel is done: nothing more is signed.
    if (latest.final) return 'invalid';
    if (state.version <= this.s.signedVersion && state.version > latest.version) {
      return channelStateHash(state) === this.s.signedHash ? 'ok' : 'conflict';
    }
    if (state.prevHash !== channelStateHash(latest) || state.balances.length !== this.n) return 'invalid';
    if (state.final) {
      return payments.length === 0 && this.isAllowedFinal(state) ? 'ok' : 'invalid';
    }
    if (this.s.wedged !== null || state.version !== latest.version + 1) return 'invalid';
    if (payments.length === 0 || payments.length > this.ctx.config.maxBatchPayments) return 'invalid';
    if (state.commandsHash !== commandsHash(state.chainId, payments)) return 'invalid';
    for (const payment of payments) if (!this.isPendingHere(payment) && paymentValidity(this.ctx.scheme, this.ctx.config, payment) !== null) return 'invalid';
    const result = balancesAfter(latest.balances, payments, this.s.applied);
    if ('code' in result) return 'invalid';
    return result.balances.every((balance, index) => balance === state.balances[index]) ? 'ok' : 'invalid';
  }

  /**
   * True when exactly this signed payment waits here: it passed every
   * stateless check (its payer's signature included) when it arrived, so a
   * proposal carrying it need not verify it again.
   */
  private isPendingHere(payment: Payment): boolean {
    const known = this.s.pending.get(payment.paymentId);
    return (
      known !== undefined &&
      known.signature === payment.signature &&
      known.from === payment.from &&
      known.to === payment.to &&
      known.amount === payment.amount
    );
  }

  private isValidSignature(state: ChannelState, member: number, signature: string | null | undefined): boolean {
    if (typeof signature !== 'string' || !isHex(signature, 64)) return false;
    const publicKey = fromHex(this.ctx.config.members[member]!.publicKey);
    return verifyObject(this.ctx.scheme, publicKey, channelStateTag(state.chainId), canonicalChannelState(state), fromHex(signature));
  }

  private onVote(vote: Extract<MemberMessage, { type: 'vote' }>): void {
    const inFlight = this.s.inFlight;
    if (!this.isLeader || inFlight === null || vote.version !== inFlight.proposal.state.version || vote.stateHash !== inFlight.hash) return;
    if (!Number.isInteger(vote.member) || vote.member <= 0 || vote.member >= this.n || inFlight.signatures[vote.member] !== null) return;
    if (!this.isValidSignature(inFlight.proposal.state, vote.member, vote.signature)) return;
    inFlight.signatures[vote.member] = vote.signature;
    if (inFlight.signatures.some((signature) => signature === null)) return;
    const certificate: Certificate = { state: inFlight.proposal.state, signatures: inFlight.signatures as string[] };
    this.sendAll({ type: 'certificate', certificate });
    this.accept(certificate, inFlight.proposal.payments);
  }

  // ------------------------------------------------------------ certificates

  private onCertificate(certificate: Certificate): void {
    const { state, signatures } = certificate;
    if (state.version <= this.s.latest.state.version || state.version > this.s.signedVersion) return;
    if (state.chainId !== this.ctx.config.chainId || state.channelId !== this.ctx.config.channelId) return;
    // Every certificate carries our own signature, so it is a state we checked
    // before signing, and its payments are those of the proposal we signed:
    // they are marked applied, so they must never come from the sender (a
    // lying list could make us sign a replay later, or report payments that
    // never happened).
    let payments: readonly Payment[];
    let verified: readonly (string | null)[] = [];
    if (state.version === this.s.signedVersion) {
      if (channelStateHash(state) !== this.s.signedHash) return;
      payments = this.s.signedPayments;
      verified = this.s.signedWith;
    } else {
      // We signed this state, then something above it without holding its
      // certificate: that can only be rule 3's final state, after which no
      // non-final state is ever signed again. So which payment ids this state
      // applied no longer matters, and its balances are still ours to keep.
      if (!this.s.signedFinal) return;
      payments = [];
    }
    if (!isChannelStateCertified(this.ctx.scheme, state, this.ctx.config.members, signatures, verified)) return;
    this.accept(certificate, payments);
  }

  private accept(certificate: Certificate, payments: readonly Payment[]): void {
    this.s.latest = certificate;
    const ids = payments.map((payment) => payment.paymentId);
    for (const id of ids) {
      this.s.applied.add(id);
      this.s.pending.delete(id);
    }
    if (this.s.inFlight !== null && this.s.inFlight.proposal.state.version <= certificate.state.version) this.s.inFlight = null;
    this.effects.push({ type: 'certified', certificate, paymentIds: ids });
    if (certificate.state.final) {
      this.s.closeRequested = true;
      for (const id of this.s.pending.keys()) this.reject(id, 'CHANNEL_CLOSED');
      this.s.pending.clear();
      this.submit('close', certificate);
    }
    // Progress: the clock restarts for whatever work is left once the next
    // proposal is built (building it may drop the last pending payments).
    this.stopTimer();
    this.propose();
    this.armTimer();
    const ahead = this.s.aheadProposal;
    this.s.aheadProposal = null;
    if (ahead !== null && ahead.proposal.state.version > certificate.state.version) this.onPropose(ahead.from, ahead.proposal, ahead.signatures);
  }

  // ------------------------------------------------------------------ ending

  private requestClose(): void {
    if (this.s.closed) return;
    this.s.closeRequested = true;
    if (this.isLeader) this.propose();
    else this.send(0, { type: 'close-request' });
    this.armTimer();
  }

  /** Safe termination: durable, irreversible; the member then terminates on L1 unless L1 is already frozen. */
  private wedge(reason: WedgeReason): void {
    if (this.s.wedged !== null || this.s.closed) return;
    this.s.wedged = reason;
    this.effects.push({ type: 'wedged', reason });
    for (const id of this.s.pending.keys()) this.reject(id, 'WEDGED');
    this.s.pending.clear();
    if (this.s.inFlight !== null && !this.s.inFlight.proposal.state.final) this.s.inFlight = null;
    this.stopTimer();
    if (this.s.l1 === null || this.s.l1.status === 'open') this.submitTerminate();
  }

  /** Ends the channel on L1 from the latest certificate: terminate, or close at once with a final one. */
  private submitTerminate(): void {
    const latest = this.s.latest;
    // A final certificate closes without a challenge window; terminating with it
    // would record it on L1 and make the close stale, delaying the payout.
    if (latest.state.final) return this.submit('close', latest);
    this.submit('terminate', latest.state.version === 0 ? null : latest);
  }

  private submit(action: 'terminate' | 'challenge' | 'settle' | 'close', certificate: Certificate | null): void {
    this.s.submittedAt[action] = this.s.l1?.height ?? 0;
    this.effects.push({ type: 'submit-l1', action, certificate });
  }

  private due(action: 'terminate' | 'challenge' | 'settle' | 'close', height: number): boolean {
    return height >= this.s.submittedAt[action] + L1_RESUBMIT_BLOCKS;
  }

  /** Watches the channel on L1: wedge when frozen, challenge stale records, settle after the deadline. */
  private onL1(view: L1ChannelView): void {
    this.s.l1 = view;
    if (view.status === 'closed') {
      this.s.closed = true;
      this.s.pending.clear();
      this.s.inFlight = null;
      this.s.aheadProposal = null;
      this.stopTimer();
      return;
    }
    const latest = this.s.latest;
    if (view.status === 'open') {
      if (this.s.wedged !== null && !latest.state.final && this.due('terminate', view.height)) this.submitTerminate();
      if (latest.state.final && this.due('close', view.height)) this.submit('close', latest);
      return;
    }
    // Frozen: whoever terminated, no new state may be completed now.
    if (this.s.wedged === null) this.wedge('l1-frozen');
    // Close with a final certificate L1 has not recorded. If L1 already records
    // it (someone terminated with it), a close would be stale: settle instead.
    if (latest.state.final && view.recordedVersion < latest.state.version) {
      if (this.due('close', view.height)) this.submit('close', latest);
      return;
    }
    const deadline = view.deadline ?? Infinity;
    if (view.recordedVersion < latest.state.version && view.height < deadline && this.due('challenge', view.height)) {
      this.submit('challenge', latest);
    }
    if (view.height >= deadline && this.due('settle', view.height)) this.submit('settle', null);
  }
}

