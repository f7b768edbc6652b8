// A Byzantine channel member as a real process, for tests over real members:
//   tsx test/support/byzantine-member-main.ts --genesis FILE --channel ID --key FILE --peers URL,URL,... --data DIR --port P [--seed N]
// It takes the arguments of apps/l2-node/src/main.ts (and ignores the tuning
// flags it has no use for), holds one member's key — the sequencer's, member
// 0 of a star — reads its channel from L1 as a member does, and speaks the
// real member peer protocol: the honest member core (@wedge/channel) in
// memory, the members' authenticated links (peer-transport.ts, peer-auth.ts)
// and wire format (wire.ts). What it does with them is set by the test at
// POST /byzantine/mode:
//   honest      the core's effects, as an honest sequencer (the baseline);
//   hostile     as honest, and beside every proposal bogus ones for the same
//               version that an honest member must refuse (byzantine-proposals.ts),
//               false certificates, false refusals of forwarded payments
//               that it then proposes to their member, replays of old messages, and the envelope
//               and request attacks of member-envelope-attacks.ts;
//   equivocate  each proposal to one follower, a conflicting one (signed too)
//               to the others, then each the other's: the followers must wedge;
//   withhold    it collects the votes and keeps the certificate, then falls
//               silent: the followers must wedge and terminate.
// and by POST /byzantine/action {"action": ...}:
//   pay               one payment of its own (so that seqs of its own are taken);
//   terminate-stale   channel.terminate on L1 with an old certificate, then a
//                     challenge with an older one (which L1 must refuse);
//   challenge-withheld  channel.challenge with the certificate it withheld;
//   propose-after-wedge  the withheld certificate and a next proposal, to members
//                     that wedged (they must sign nothing).
// It records every vote (a member's signature) it receives, and
// GET /byzantine/report says what it sent, how the honest members answered,
// and what they signed: a vote for a bogus state, two votes of one member for
// one version, or two complete certificates for one version would each be a
// violation. On SIGTERM it prints the report as one {"event":"byzantine",...} line.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { GenesisFile } from '@wedge/api';
import {
  channelActionBody,
  commandsHash,
  createMemberState,
  signPayment,
  stepMember,
  type Certificate,
  type L1Action,
  type MemberContext,
  type MemberEffect,
  type MemberEvent,
  type MemberMessage,
  type MemberState,
  type Payment,
  type Proposal,
} from '@wedge/channel';
import { createClient, type WedgeClient } from '@wedge/client';
import { fromHex, toHex } from '@wedge/common';
import { keyPairFromSecret, verifyObject, type KeyPair } from '@wedge/crypto';
import { fastSecp256k1 } from '@wedge/crypto/node';
import { canonicalChannelState, channelStateHash, channelStateTag, signChannelState, type ChannelState } from '@wedge/ledger';
import type { PeerLinks } from '@wedge/shell';
import { Prng } from '@wedge/sim';
import { readKeyFile } from '../../apps/l1-node/src/key-file.ts';
import { L1Reader } from '../../apps/l2-node/src/l1-reader.ts';
import { createLogger } from '../../apps/l2-node/src/logger.ts';
import { deriveChannelPeerKeys, isValidMac, type ChannelPeerKeys } from '../../apps/l2-node/src/peer-auth.ts';
import { PEER_PATH, createMemberLinks, type OutboundMessage } from '../../apps/l2-node/src/peer-transport.ts';
import { WireMemberMessage, memberMessageFromWire, memberMessageToWire } from '../../apps/l2-node/src/wire.ts';
import { BOGUS_KINDS, bogusProposal, conflictingProposal, withRefusedPayment, type BogusKind } from './byzantine-proposals.ts';
import { EnvelopeAttacker } from './member-envelope-attacks.ts';

const MODES = ['honest', 'hostile', 'equivocate', 'withhold'] as const;
type Mode = (typeof MODES)[number];
const ACTIONS = ['pay', 'terminate-stale', 'challenge-withheld', 'propose-after-wedge'] as const;
type Action = (typeof ACTIONS)[number];

/** Envelope and request attacks per second in hostile mode. */
const ATTACKS_PER_SECOND = 40;
/** Bogus proposals sent ahead of each real one in hostile mode. */
const BOGUS_PER_PROPOSAL = 2;
/** Old wire messages kept for replay. */
const REMEMBERED = 500;
/** Certified payments kept for replay. */
const REMEMBERED_PAYMENTS = 500;
/** How long an equivocating sequencer lets each follower sign its own version before showing it the other. */
const EQUIVOCATION_CROSS_MS = 300;
/** In hostile mode, the share of forwarded payments it tells the forwarding member are refused, and proposes anyway. */
const FALSE_REJECTION_PROBABILITY = 0.005;
const MAX_BODY_BYTES = 1024 * 1024;

type Args = { genesis: string; channel: string; key: string; peers: string[]; port: number; seed: number };

function parseArgs(argv: readonly string[]): Args {
  const values = new Map<string, string>();
  for (let index = 0; index < argv.length; index += 2) values.set(argv[index]!, argv[index + 1] ?? '');
  const required = (flag: string): string => {
    const value = values.get(flag);
    if (value === undefined || value === '') throw new Error(`byzantine member: ${flag} is required`);
    return value;
  };
  return {
    genesis: required('--genesis'),
    channel: required('--channel'),
    key: required('--key'),
    peers: required('--peers').split(','),
    port: Number(required('--port')),
    seed: Number(values.get('--seed') ?? '1'),
  };
}

/** What the honest members signed, as the votes they sent show. */
class VoteBook {
  /** version -> state hash -> members that signed it. */
  private readonly byVersion = new Map<number, Map<string, Set<number>>>();
  readonly counts = { votes: 0, badVotes: 0, votesOnBogus: 0, doubleVotes: 0, conflictingCertificates: 0 };
  readonly highestVoted = new Map<number, number>();

  record(state: ChannelState | undefined, vote: Extract<MemberMessage, { type: 'vote' }>, publicKey: string, bogus: boolean, followers: number): void {
    if (state === undefined || !verifyObject(fastSecp256k1, fromHex(publicKey), channelStateTag(state.chainId), canonicalChannelState(state), fromHex(vote.signature))) {
      this.counts.badVotes += 1;
      return;
    }
    this.counts.votes += 1;
    if (bogus) this.counts.votesOnBogus += 1;
    this.highestVoted.set(vote.member, Math.max(this.highestVoted.get(vote.member) ?? 0, vote.version));
    let hashes = this.byVersion.get(vote.version);
    if (hashes === undefined) this.byVersion.set(vote.version, (hashes = new Map()));
    for (const [hash, members] of hashes) if (hash !== vote.stateHash && members.has(vote.member)) this.counts.doubleVotes += 1;
    let members = hashes.get(vote.stateHash);
    if (members === undefined) hashes.set(vote.stateHash, (members = new Set()));
    if (members.has(vote.member)) return;
    members.add(vote.member);
    // Every follower signed it (and this member signed all it sent): a complete certificate. Two at one version break L2-safety.
    const complete = [...hashes.values()].filter((signers) => signers.size === followers).length;
    if (members.size === followers && complete >= 2) this.counts.conflictingCertificates += 1;
  }
}

class ByzantineMember {
  private mode: Mode = 'honest';
  private state: MemberState;
  private readonly transport: PeerLinks<OutboundMessage>;
  private readonly keys: ChannelPeerKeys;
  private readonly rng: Prng;
  private readonly l1: WedgeClient;
  private nextId = 0;
  /** Every state this member sent, by hash (to verify the votes on it), and which of them were bogus. */
  private readonly sentStates = new Map<string, ChannelState>();
  /** The real proposals it sent, by state hash (for the payments a certificate applied). */
  private readonly proposed = new Map<string, Proposal>();
  private readonly bogusHashes = new Map<string, BogusKind | 'refused-payment'>();
  /** Forwarded payments it told their member will never commit, by id, with that member. */
  private readonly falselyRefused = new Map<string, { readonly to: number; readonly payment: Payment }>();
  private readonly votes = new VoteBook();
  private readonly history: Certificate[] = [];
  private readonly certifiedPayments: Payment[] = [];
  private readonly replayable: unknown[] = [];
  /** Seqs of its own payments: the highest taken, and one a certificate applied. */
  private ownSeq = 0;
  private usedOwnSeq: number | null = null;
  /** Equivocation: the conflicting proposal made for each version. */
  private readonly conflicting = new Map<number, Proposal>();
  private withheld: Certificate | null = null;
  private readonly attacker: EnvelopeAttacker;
  readonly sent: Record<string, number> = { proposals: 0, certificates: 0, bogus: 0, conflicting: 0, falseCertificates: 0, falseRejections: 0, withheld: 0, silenced: 0 };
  readonly bogusSent: Record<string, number> = {};
  readonly l1Results: { action: L1Action; version: number; code: string }[] = [];

  constructor(
    private readonly ctx: MemberContext,
    private readonly account: KeyPair,
    private readonly urls: readonly string[],
    genesis: GenesisFile,
    seed: number,
  ) {
    const { config } = ctx;
    this.state = createMemberState(ctx);
    this.rng = new Prng(seed);
    this.l1 = createClient({ genesis });
    const members = config.members.map((member) => member.publicKey);
    this.keys = deriveChannelPeerKeys(config.chainId, config.channelId, config.self, ctx.secretKey, members);
    this.transport = createMemberLinks({
      channelId: config.channelId,
      self: config.self,
      urls,
      keys: this.keys,
      delivered: () => {},
      log: createLogger({ role: 'byzantine-member', member: config.self }, [toHex(ctx.secretKey)]),
    });
    this.attacker = new EnvelopeAttacker({
      chainId: config.chainId,
      channelId: config.channelId,
      self: config.self,
      secretKey: ctx.secretKey,
      scheme: ctx.scheme,
      keys: this.keys,
      targets: this.followers.map((member) => ({ member, url: urls[member]! })),
      rng: this.rng.fork(),
      replayable: () => this.replayable,
      certifiedPayments: () => this.certifiedPayments,
    });
  }

  private get followers(): number[] {
    return this.ctx.config.members.map((_, index) => index).filter((index) => index !== this.ctx.config.self);
  }

  start(): void {
    this.step({ type: 'start' });
  }

  stop(): void {
    this.attacker.stop();
    this.transport.close();
  }

  setMode(mode: Mode): void {
    this.mode = mode;
    if (mode === 'hostile') this.attacker.start(ATTACKS_PER_SECOND);
    else this.attacker.stop();
  }

  report(): Record<string, unknown> {
    return {
      mode: this.mode,
      version: this.state.latest.state.version,
      history: this.history.map((certificate) => certificate.state.version),
      sent: this.sent,
      bogus: this.bogusSent,
      votes: this.votes.counts,
      highestVoted: Object.fromEntries(this.votes.highestVoted),
      envelopes: this.attacker.sent,
      answers: this.attacker.answers,
      l1: this.l1Results,
      withheld: this.withheld?.state.version ?? null,
    };
  }

  // ---------------------------------------------------------------- inbound

  /** One authenticated peer envelope's messages, stepped in order (the votes recorded first). */
  receive(from: number, messages: readonly unknown[]): void {
    for (const raw of messages) {
      const parsed = WireMemberMessage.safeParse(raw);
      if (!parsed.success) continue;
      const message = memberMessageFromWire(parsed.data);
      if (message.type === 'vote' && message.member === from) {
        const publicKey = this.ctx.config.members[from]!.publicKey;
        this.votes.record(this.sentStates.get(message.stateHash), message, publicKey, this.bogusHashes.has(message.stateHash), this.followers.length);
      }
      if (message.type === 'forward' && this.mode === 'hostile' && this.falselyRefused.size < 8 && this.rng.chance(FALSE_REJECTION_PROBABILITY)) {
        this.rejectFalsely(from, message.payment);
        continue;
      }
      this.step({ type: 'message', from, message });
    }
  }

  // ------------------------------------------------------------------- core

  private step(event: MemberEvent): void {
    for (const effect of stepMember(this.ctx, this.state, event).effects) this.perform(effect);
  }

  private perform(effect: MemberEffect): void {
    if (effect.type === 'send') return this.outgoing(effect.to, effect.message);
    if (effect.type === 'certified') {
      this.history.push(effect.certificate);
      // Its payments are those of the proposal this member made for that state (signedPayments may be the next one's already).
      const hash = channelStateHash(effect.certificate.state);
      for (const payment of this.proposed.get(hash)?.payments ?? []) {
        this.certifiedPayments.push(payment);
        if (payment.from === this.ctx.config.self) this.usedOwnSeq = payment.seq;
      }
      this.proposed.delete(hash);
      this.certifiedPayments.splice(0, Math.max(0, this.certifiedPayments.length - REMEMBERED_PAYMENTS));
    }
    // Timers, rejections, L1 submissions: a Byzantine member keeps no promises (and so never wedges).
  }

  private outgoing(to: number, message: MemberMessage): void {
    if (this.mode === 'withhold' && this.withhold(message)) return;
    const proposing = message.type === 'propose' && !message.proposal.state.final;
    if (proposing && this.mode === 'equivocate') return this.equivocate(to, message);
    if (proposing && this.mode === 'hostile') this.sendBogus(to, message.proposal);
    if (message.type === 'certificate' && this.mode === 'hostile') this.sendFalseCertificate(to, message.certificate);
    this.send(to, message);
  }

  private send(to: number, message: MemberMessage): void {
    if (message.type === 'propose') {
      const hash = channelStateHash(message.proposal.state);
      this.sentStates.set(hash, message.proposal.state);
      if (!this.bogusHashes.has(hash) && !this.proposed.has(hash)) this.proposed.set(hash, message.proposal);
      this.sent.proposals! += 1;
    }
    if (message.type === 'certificate') this.sent.certificates! += 1;
    const wire = memberMessageToWire(message);
    this.remember(message, wire);
    this.transport.send(to, { id: ++this.nextId, text: JSON.stringify(wire) });
  }

  /**
   * Keeps what is safe to replay at any time: certificates, and proposals two
   * versions or more below the latest certificate (an honest member that
   * signed a version holds the certificate below it, so to every member these
   * are old). A proposal at the version a member signed last would be a
   * second state for that version — the equivocation the member wedges on,
   * which the hostile mode leaves to the equivocate mode.
   */
  private remember(message: MemberMessage, wire: unknown): void {
    if (message.type === 'certificate') this.replayable.push(wire);
    this.replayable.splice(0, Math.max(0, this.replayable.length - REMEMBERED));
    const latest = this.state.latest.state.version;
    for (const old of this.recentProposals.splice(0)) {
      if (old.version <= latest - 2) this.replayable.push(old.wire);
      else this.recentProposals.push(old);
    }
    if (message.type === 'propose') this.recentProposals.push({ version: message.proposal.state.version, wire });
  }

  private readonly recentProposals: { version: number; wire: unknown }[] = [];

  private signed(proposal: Proposal): MemberMessage {
    const signatures: (string | null)[] = this.ctx.config.members.map(() => null);
    signatures[this.ctx.config.self] = signChannelState(this.ctx.scheme, proposal.state, this.ctx.secretKey);
    return { type: 'propose', proposal, signatures };
  }

  // ---------------------------------------------------------------- attacks

  private sendBogus(to: number, real: Proposal): void {
    const context = {
      chainId: this.ctx.config.chainId,
      channelId: this.ctx.config.channelId,
      self: this.ctx.config.self,
      secretKey: this.ctx.secretKey,
      scheme: this.ctx.scheme,
      latest: this.state.latest.state,
      certifiedPayment: this.certifiedPayments.length === 0 ? null : this.rng.pick(this.certifiedPayments),
      usedOwnSeq: this.usedOwnSeq,
      freshOwnSeq: this.ownSeq + 1_000,
    };
    // The same kinds to every follower for one version; every kind within a few versions.
    for (let index = 0; index < BOGUS_PER_PROPOSAL; index++) {
      const kind = BOGUS_KINDS[(real.state.version * BOGUS_PER_PROPOSAL + index) % BOGUS_KINDS.length]!;
      const bogus = bogusProposal(context, kind, real);
      if (bogus !== null) this.sendBogusProposal(to, kind, bogus);
    }
    this.sendRefusedPayment(to, real);
  }

  private sendBogusProposal(to: number, kind: BogusKind | 'refused-payment', bogus: Proposal): void {
    this.bogusHashes.set(channelStateHash(bogus.state), kind);
    this.bogusSent[kind] = (this.bogusSent[kind] ?? 0) + 1;
    this.sent.bogus! += 1;
    // Not through send(): a bogus proposal is never replayed (at the version a member signed, it would prove equivocation).
    this.sentStates.set(channelStateHash(bogus.state), bogus.state);
    this.transport.send(to, { id: ++this.nextId, text: JSON.stringify(memberMessageToWire(this.signed(bogus))) });
  }

  /**
   * Tells the member that forwarded a payment it will never commit (its
   * client hears it failed), keeps it from its own core, and offers it to
   * that member with the next real proposal (sendBogus): the member must
   * never sign a state that applies it.
   */
  private rejectFalsely(to: number, payment: Payment): void {
    this.sent.falseRejections! += 1;
    this.falselyRefused.set(payment.paymentId, { to, payment });
    this.transport.send(to, { id: ++this.nextId, text: JSON.stringify(memberMessageToWire({ type: 'rejected', paymentId: payment.paymentId, code: 'INSUFFICIENT_FUNDS' })) });
  }

  /** The real proposal with a payment falsely refused to `to`, to that member only (to the others it would be a valid state). */
  private sendRefusedPayment(to: number, real: Proposal): void {
    for (const [paymentId, refused] of this.falselyRefused) {
      if (refused.to !== to) continue;
      const bogus = withRefusedPayment(this.ctx.config, real, refused.payment);
      this.falselyRefused.delete(paymentId);
      if (bogus === null) continue;
      this.sendBogusProposal(to, 'refused-payment', bogus);
      return;
    }
  }

  /** A "certificate" for a state the members never signed: the sequencer's signature and garbage for the others. */
  private sendFalseCertificate(to: number, real: Certificate): void {
    const state: ChannelState = { ...real.state, version: real.state.version + 1, prevHash: channelStateHash(real.state) };
    const signatures = this.ctx.config.members.map((_, index) =>
      index === this.ctx.config.self ? signChannelState(this.ctx.scheme, state, this.ctx.secretKey) : toHex(Uint8Array.from({ length: 64 }, () => this.rng.int(0, 255))),
    );
    this.sent.falseCertificates! += 1;
    this.transport.send(to, { id: ++this.nextId, text: JSON.stringify(memberMessageToWire({ type: 'certificate', certificate: { state, signatures } })) });
  }

  /** One follower gets the real proposal, the others a conflicting one; a moment later each gets the other too. */
  private equivocate(to: number, message: Extract<MemberMessage, { type: 'propose' }>): void {
    const real = message.proposal;
    const version = real.state.version;
    let other = this.conflicting.get(version);
    if (other === undefined) {
      this.ownSeq += 1;
      const made = conflictingProposal(
        { chainId: this.ctx.config.chainId, channelId: this.ctx.config.channelId, self: this.ctx.config.self, secretKey: this.ctx.secretKey, scheme: this.ctx.scheme, latest: this.state.latest.state, freshOwnSeq: this.ownSeq + 1_000 },
        real,
      );
      if (made === null) return this.send(to, message);
      other = made;
      this.conflicting.set(version, other);
      this.sent.conflicting! += 1;
    }
    const first = to === this.followers[0] ? message : this.signed(other);
    const second = first === message ? this.signed(other) : message;
    this.send(to, first);
    setTimeout(() => this.send(to, second), EQUIVOCATION_CROSS_MS);
  }

  /** True when the message is kept back: every certificate (the first is kept for L1), and everything after it. */
  private withhold(message: MemberMessage): boolean {
    if (message.type === 'certificate' && this.withheld === null) {
      this.withheld = message.certificate;
      this.sent.withheld! += 1;
      return true;
    }
    if (this.withheld === null) return false;
    this.sent.silenced! += 1;
    return true;
  }

  // ---------------------------------------------------------------- actions

  async act(action: Action): Promise<Record<string, unknown>> {
    switch (action) {
      case 'pay': {
        this.ownSeq += 1;
        const self = this.ctx.config.self;
        const payment = signPayment(
          this.ctx.scheme,
          this.ctx.config,
          { from: self, to: this.followers[0]!, amount: 1n, seq: this.ownSeq, paymentId: toHex(Uint8Array.from({ length: 32 }, () => this.rng.int(0, 255))) },
          this.ctx.secretKey,
        );
        this.step({ type: 'payment', payment });
        return { paymentId: payment.paymentId, from: payment.from, to: payment.to, amount: '1' };
      }
      case 'terminate-stale': {
        // The oldest half of what it holds: versions every honest member has moved past.
        const stale = this.history[Math.floor(this.history.length / 2) - 1] ?? null;
        const older = this.history[0] ?? null;
        const terminated = await this.submit('terminate', stale);
        const challenged = older === null || older === stale ? null : await this.submit('challenge', older);
        return { terminated, challenged };
      }
      case 'challenge-withheld':
        if (this.withheld === null) return { error: 'nothing withheld' };
        return { challenged: await this.submit('challenge', this.withheld) };
      case 'propose-after-wedge': {
        if (this.withheld === null) return { error: 'nothing withheld' };
        // A proposal valid in every way but one: the followers wedged.
        const certificate = this.withheld;
        const self = this.ctx.config.self;
        const payee = this.followers[0]!;
        this.ownSeq += 1;
        const payment = signPayment(this.ctx.scheme, this.ctx.config, { from: self, to: payee, amount: 1n, seq: this.ownSeq, paymentId: toHex(Uint8Array.from({ length: 32 }, () => this.rng.int(0, 255))) }, this.ctx.secretKey);
        const balances = [...certificate.state.balances];
        balances[self] = balances[self]! - 1n;
        balances[payee] = balances[payee]! + 1n;
        const next: ChannelState = { ...certificate.state, version: certificate.state.version + 1, balances, prevHash: channelStateHash(certificate.state), commandsHash: commandsHash(this.ctx.config.chainId, [payment]) };
        const proposal: Proposal = { state: next, payments: [payment] };
        for (const to of this.followers) {
          this.transport.send(to, { id: ++this.nextId, text: JSON.stringify(memberMessageToWire({ type: 'certificate', certificate })) });
          this.send(to, this.signed(proposal));
        }
        return { version: next.version };
      }
    }
  }

  private async submit(action: L1Action, certificate: Certificate | null): Promise<{ version: number; code: string }> {
    const nonce = (await this.l1.getAccount(this.account.address)).nonce;
    const body = { ...channelActionBody(this.ctx.config.channelId, action, certificate), from: this.account.address, nonce };
    let code: string;
    try {
      code = (await this.l1.sendTx(body, [this.account], { timeoutMs: 30_000 })).code;
    } catch (error) {
      code = (error as { code?: string }).code ?? String(error);
    }
    const result = { action, version: certificate?.state.version ?? 0, code };
    this.l1Results.push(result);
    return result;
  }
}

function readBody(request: IncomingMessage): Promise<string | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let length = 0;
    request.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => resolve(length > MAX_BODY_BYTES ? null : Buffer.concat(chunks).toString('utf8')));
    request.on('error', () => resolve(null));
  });
}

function answer(response: ServerResponse, status: number, body?: unknown): void {
  response.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
  response.end(body === undefined ? undefined : JSON.stringify(body));
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const genesis = GenesisFile.parse(JSON.parse(readFileSync(args.genesis, 'utf8')));
  const account = keyPairFromSecret(fastSecp256k1, readKeyFile(args.key).secretKey);
  const reader = new L1Reader(genesis);
  let verified = await reader.channel(args.channel);
  for (let tries = 0; verified === null && tries < 100; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    verified = await reader.channel(args.channel);
  }
  if (verified === null) throw new Error(`byzantine member: channel ${args.channel} not found on L1`);
  const { record } = verified;
  const self = record.members.findIndex((member) => member.publicKey === toHex(account.publicKey));
  if (self === -1) throw new Error('byzantine member: the key is not a member of the channel');
  const ctx: MemberContext = {
    config: {
      chainId: genesis.chainId,
      channelId: record.id,
      members: record.members.map((member) => ({ publicKey: member.publicKey })),
      self,
      topology: record.topology,
      deposits: [...record.deposits],
      maxBatchPayments: 500,
      maxPendingPayments: 10_000,
      progressTimeoutMs: 3_600_000,
    },
    scheme: fastSecp256k1,
    secretKey: account.secretKey,
  };
  const member = new ByzantineMember(ctx, account, args.peers, genesis, args.seed);
  const keys = deriveChannelPeerKeys(genesis.chainId, record.id, self, account.secretKey, ctx.config.members.map((entry) => entry.publicKey));

  const server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      if (body === null) return answer(response, 413);
      const path = request.url ?? '';
      if (request.method === 'POST' && path === PEER_PATH) {
        let envelope: { channelId?: unknown; from?: unknown; to?: unknown; messages?: unknown };
        try {
          envelope = JSON.parse(body) as typeof envelope;
        } catch {
          return answer(response, 400);
        }
        const from = typeof envelope.from === 'number' ? envelope.from : -1;
        const key = keys.macKeyFor(from);
        const mac = String(request.headers['x-wedge-mac'] ?? '');
        if (envelope.channelId !== record.id || envelope.to !== self || key === undefined || mac.length !== 64 || !isValidMac(key, body, mac) || !Array.isArray(envelope.messages)) {
          return answer(response, 401);
        }
        member.receive(from, envelope.messages);
        return answer(response, 204);
      }
      if (request.method === 'POST' && path === '/byzantine/mode') {
        const mode = (JSON.parse(body) as { mode?: string }).mode as Mode;
        if (!MODES.includes(mode)) return answer(response, 400, { error: `modes: ${MODES.join(', ')}` });
        member.setMode(mode);
        return answer(response, 200, member.report());
      }
      if (request.method === 'POST' && path === '/byzantine/action') {
        const action = (JSON.parse(body) as { action?: string }).action as Action;
        if (!ACTIONS.includes(action)) return answer(response, 400, { error: `actions: ${ACTIONS.join(', ')}` });
        return answer(response, 200, await member.act(action));
      }
      if (request.method === 'GET' && path === '/byzantine/report') return answer(response, 200, member.report());
      answer(response, 404);
    })();
  });
  server.keepAliveTimeout = 30_000;
  server.listen(args.port, '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({ event: 'listening', member: self, byzantine: true, port: args.port, pid: process.pid })}\n`);
    member.start();
  });
  process.on('SIGTERM', () => {
    process.stdout.write(`${JSON.stringify({ event: 'byzantine', member: self, report: member.report() })}\n`);
    member.stop();
    server.close();
    server.closeAllConnections();
    process.exit(0);
  });
}

void main().catch((error: unknown) => {
  process.stderr.write(`byzantine member: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
