// Byzantine L1 replicas. A Byzantine replica runs the honest core (so that it
// looks plausible) and an adversary rewrites what it sends: equivocating
// pre-prepares, votes for every proposal it sees, tampered new-view messages,
// withheld messages, forged signatures, replays of old messages, and
// complaints about every view to provoke view changes. It holds
// only its own secret key, so whatever it signs is signed as itself.
import {
  blockDigest,
  signMessage,
  type Block,
  type Commit,
  type Complaint,
  type ConsensusEffect,
  type Message,
  type NewView,
  type PrePrepare,
  type Prepare,
  type ReplicaContext,
  type Signer,
} from '@wedge/consensus';
import type { Prng } from './prng.ts';

export type ByzantineProfile = {
  /** As primary: send one block to some replicas and a conflicting one to the others. */
  readonly equivocate: boolean;
  /** Send prepare and commit for every proposal it sees, conflicting ones included. */
  readonly doubleVote: boolean;
  /** As new primary: replace the blocks the new view must re-propose. */
  readonly tamperNewView: boolean;
  /** Probability of dropping each outgoing message (withholding). */
  readonly withholdProbability: number;
  /** As primary: propose nothing at all. */
  readonly silentPrimary: boolean;
  /** Inject messages that impersonate other replicas or carry garbage signatures. */
  readonly forge: boolean;
  /** Resend old messages it has seen. */
  readonly replay: boolean;
  /** Complain about the highest view it has seen, again and again: alone (f of it) this must never change the view. */
  readonly complain: boolean;
};

export type Outgoing<Tx> = { readonly to: number; readonly message: Message<Tx> };

export function randomProfile(rng: Prng): ByzantineProfile {
  return {
    equivocate: rng.chance(0.6),
    doubleVote: rng.chance(0.6),
    tamperNewView: rng.chance(0.5),
    withholdProbability: rng.chance(0.4) ? rng.next() * 0.5 : 0,
    silentPrimary: rng.chance(0.2),
    forge: rng.chance(0.5),
    replay: rng.chance(0.5),
    complain: rng.chance(0.4),
  };
}

const REPLAY_MEMORY = 256;

/** What an adversary did, for reports (counting changes nothing it does). */
export type AdversaryCounts = {
  equivocations: number;
  doubleVotes: number;
  tamperedNewViews: number;
  replays: number;
  forgeries: number;
  complaints: number;
  withheld: number;
};

export class Adversary<Tx> {
  readonly counts: AdversaryCounts = { equivocations: 0, doubleVotes: 0, tamperedNewViews: 0, replays: 0, forgeries: 0, complaints: 0, withheld: 0 };
  private readonly signer: Signer;
  private readonly seen: Message<Tx>[] = [];
  private readonly others: number[];
  private highestView = 0;

  constructor(
    private readonly ctx: ReplicaContext<Tx, unknown>,
    readonly profile: ByzantineProfile,
    private readonly rng: Prng,
  ) {
    this.signer = { chainId: ctx.config.chainId, scheme: ctx.scheme, secretKey: ctx.secretKey, app: ctx.app };
    this.others = ctx.config.replicas.map((replica) => replica.id).filter((id) => id !== ctx.id);
  }

  /** Observes an incoming message; may answer it with votes of its own. */
  observe(message: Message<Tx>): Outgoing<Tx>[] {
    const view = message.type === 'pre-prepare-block' ? message.prePrepare.view : 'view' in message ? message.view : undefined;
    if (typeof view === 'number' && Number.isInteger(view) && view < this.highestView + 1_000) this.highestView = Math.max(this.highestView, view);
    if (this.profile.replay && message.type !== 'state-reply') {
      this.seen.push(message);
      if (this.seen.length > REPLAY_MEMORY) this.seen.shift();
    }
    if (this.profile.doubleVote && message.type === 'pre-prepare-block') {
      this.counts.doubleVotes += 1;
      return this.votesFor(message.prePrepare.view, message.prePrepare.seq, message.prePrepare.digest, this.others);
    }
    return [];
  }

  /** Rewrites the honest core's effects into what the adversary actually sends. */
  rewrite(effects: readonly ConsensusEffect<Tx>[]): Outgoing<Tx>[] {
    const out: Outgoing<Tx>[] = [];
    for (const effect of effects) {
      if (effect.type === 'send') out.push({ to: effect.to, message: effect.message });
      else if (effect.type === 'broadcast') out.push(...this.rewriteBroadcast(effect.message));
    }
    if (this.profile.replay && this.seen.length > 0 && this.rng.chance(0.2)) {
      this.counts.replays += 1;
      out.push({ to: this.rng.pick(this.others), message: this.rng.pick(this.seen) });
    }
    if (this.profile.forge && this.rng.chance(0.1)) {
      this.counts.forgeries += 1;
      out.push(this.forgery());
    }
    if (this.profile.complain && this.rng.chance(0.2)) {
      this.counts.complaints += 1;
      const complaint = this.sign<Complaint>({ type: 'complaint', view: this.highestView, replica: this.ctx.id });
      out.push(...this.others.map((to) => ({ to, message: complaint as Message<Tx> })));
    }
    return out.filter(() => {
      const withheld = this.rng.chance(this.profile.withholdProbability);
      if (withheld) this.counts.withheld += 1;
      return !withheld;
    });
  }

  private rewriteBroadcast(message: Message<Tx>): Outgoing<Tx>[] {
    const toAll = (m: Message<Tx>): Outgoing<Tx>[] => this.others.map((to) => ({ to, message: m }));
    if (message.type === 'pre-prepare-block') {
      if (this.profile.silentPrimary) return [];
      if (this.profile.equivocate) return this.equivocate(message.prePrepare, message.block);
      const out = toAll(message);
      if (this.profile.doubleVote) out.push(...this.votesFor(message.prePrepare.view, message.prePrepare.seq, message.prePrepare.digest, this.others));
      return out;
    }
    if (message.type === 'new-view' && this.profile.tamperNewView) return this.tamperNewView(message);
    return toAll(message);
  }

  /** Half the replicas get the honest block, the other half a conflicting one, each with matching votes. */
  private equivocate(prePrepare: PrePrepare, block: Block<Tx>): Outgoing<Tx>[] {
    const shuffled = this.rng.shuffle(this.others);
    const split = this.rng.int(1, Math.max(1, shuffled.length - 1));
    const groupA = shuffled.slice(0, split);
    const groupB = shuffled.slice(split);
    const alternative = this.alternativeBlock(block);
    if (alternative === null) return this.others.map((to) => ({ to, message: { type: 'pre-prepare-block', prePrepare, block } as Message<Tx> }));
    this.counts.equivocations += 1;
    const altPrePrepare = this.sign<PrePrepare>({ ...unsign(prePrepare), digest: this.digest(alternative) });
    const out: Outgoing<Tx>[] = [
      ...groupA.map((to) => ({ to, message: { type: 'pre-prepare-block', prePrepare, block } as Message<Tx> })),
      ...groupB.map((to) => ({ to, message: { type: 'pre-prepare-block', prePrepare: altPrePrepare, block: alternative } as Message<Tx> })),
    ];
    if (this.profile.doubleVote) {
      out.push(...this.votesFor(prePrepare.view, prePrepare.seq, prePrepare.digest, groupA));
      out.push(...this.votesFor(prePrepare.view, prePrepare.seq, altPrePrepare.digest, groupB));
    }
    return out;
  }

  private tamperNewView(newView: NewView<Tx>): Outgoing<Tx>[] {
    const prePrepares = newView.prePrepares.map(({ prePrepare, block }) => {
      const alternative = this.alternativeBlock(block);
      if (alternative === null) return { prePrepare, block };
      return { prePrepare: this.sign<PrePrepare>({ ...unsign(prePrepare), digest: this.digest(alternative) }), block: alternative };
    });
    const tampered = this.sign<NewView<Tx>>({ ...unsign(newView), prePrepares });
    this.counts.tamperedNewViews += 1;
    // Some replicas see the honest new view, the others the tampered one.
    const out = this.others.map((to) => ({ to, message: (this.rng.chance(0.5) ? tampered : newView) as Message<Tx> }));
    if (this.profile.doubleVote) {
      for (const { prePrepare } of prePrepares) out.push(...this.votesFor(prePrepare.view, prePrepare.seq, prePrepare.digest, this.others));
    }
    return out;
  }

  /** A different block for the same height (fewer or reordered transactions); null for an empty block. */
  private alternativeBlock(block: Block<Tx>): Block<Tx> | null {
    if (block.txs.length === 0) return null;
    if (block.txs.length === 1 || this.rng.chance(0.5)) return { height: block.height, txs: block.txs.slice(0, -1) };
    return { height: block.height, txs: [...block.txs].reverse() };
  }

  private votesFor(view: number, seq: number, digest: string, targets: readonly number[]): Outgoing<Tx>[] {
    const prepare = this.sign<Prepare>({ type: 'prepare', view, seq, digest, replica: this.ctx.id });
    const commit = this.sign<Commit>({ type: 'commit', view, seq, digest, replica: this.ctx.id });
    return targets.flatMap((to) => [
      { to, message: prepare as Message<Tx> },
      { to, message: commit as Message<Tx> },
    ]);
  }

  /** A message claiming to come from another replica, or with a garbage signature. */
  private forgery(): Outgoing<Tx> {
    const victim = this.rng.pick(this.others);
    const to = this.rng.pick(this.others);
    const seq = this.rng.int(1, 50);
    const digest = this.rng.nextUint32().toString(16).padStart(64, '0');
    const impersonated = this.sign<Commit>({ type: 'commit', view: 0, seq, digest, replica: this.ctx.id });
    const message: Commit = this.rng.chance(0.5)
      ? { ...impersonated, replica: victim }
      : { ...impersonated, signature: '00'.repeat(64) };
    return { to, message };
  }

  private digest(block: Block<Tx>): string {
    return digestOf(this.ctx, block);
  }

  private sign<M extends { signature: string }>(message: Omit<M, 'signature'>): M {
    return signMessage<any>(this.signer, message as any) as M;
  }
}

function unsign<M extends { signature: string }>(message: M): Omit<M, 'signature'> {
  const { signature: _signature, ...rest } = message;
  return rest;
}

function digestOf<Tx>(ctx: ReplicaContext<Tx, unknown>, block: Block<Tx>): string {
  return blockDigest(ctx.config.chainId, block, ctx.app);
}
