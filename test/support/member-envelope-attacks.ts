// The envelope and request attacks of the Byzantine channel member
// (test/support/byzantine-member-main.ts), posted straight to the honest
// members' endpoints beside the protocol it speaks: on the peer endpoint,
// malformed messages under a valid MAC, bodies that are not JSON or not an
// envelope, a wrong MAC, envelopes in another member's name or for another
// channel or member, envelopes stamped older than the 5 minutes a member
// accepts, more messages than an envelope may hold, a body over the 16 MiB
// limit, and floods of replayed old messages under a valid MAC; on the client
// API, payments in another member's name signed with its own key, replays of
// certified payments, and bodies that are not JSON. Every answer is counted
// by status: the test demands 2xx or 4xx, never a 5xx.
import { signPayment, type Payment } from '@wedge/channel';
import { toHex } from '@wedge/common';
import type { SignatureScheme } from '@wedge/crypto';
import type { Prng } from '@wedge/sim';
import { MAX_PEER_BODY_BYTES } from '../../apps/l2-node/src/l2-api.ts';
import { macOf, type ChannelPeerKeys } from '../../apps/l2-node/src/peer-auth.ts';
import { PEER_PATH } from '../../apps/l2-node/src/peer-transport.ts';
import { paymentToWire } from '../../apps/l2-node/src/wire.ts';
import { rawRequest, type RawAnswer } from './raw-http.ts';

export const ENVELOPE_ATTACKS = [
  'malformed',
  'not-json',
  'not-an-envelope',
  'bad-mac',
  'impersonation',
  'wrong-channel',
  'stale-envelope',
  'too-many-messages',
  'oversized',
  'replay-flood',
  'forged-payment',
  'replayed-payment',
] as const;
export type EnvelopeAttack = (typeof ENVELOPE_ATTACKS)[number];

/** Old messages replayed per flooding envelope (the most an envelope may hold). */
const FLOOD_MESSAGES = 256;
/** A 16 MiB body costs the machine too: at most one in this many attacks. */
const OVERSIZED_EVERY = 40;
/** Six minutes: past the 5 minutes a member accepts an envelope's sentAtMs. */
const STALE_MS = 6 * 60_000;

export type AttackTarget = { readonly member: number; readonly url: string };

export type EnvelopeAttackerOptions = {
  readonly chainId: string;
  readonly channelId: string;
  readonly self: number;
  readonly secretKey: Uint8Array;
  readonly scheme: SignatureScheme;
  readonly keys: ChannelPeerKeys;
  readonly targets: readonly AttackTarget[];
  readonly rng: Prng;
  /** Wire messages this member sent before that are safe to replay (see the harness: never one that proves equivocation). */
  readonly replayable: () => readonly unknown[];
  /** Payments certificates applied already. */
  readonly certifiedPayments: () => readonly Payment[];
};

export class EnvelopeAttacker {
  readonly sent: Record<EnvelopeAttack, number> = Object.fromEntries(ENVELOPE_ATTACKS.map((attack) => [attack, 0])) as Record<EnvelopeAttack, number>;
  /** The honest members' answers, by attack and status ("none": no answer). */
  readonly answers: Record<string, Record<string, number>> = {};
  private timer: NodeJS.Timeout | null = null;
  private count = 0;

  constructor(private readonly options: EnvelopeAttackerOptions) {}

  start(perSecond: number): void {
    if (this.timer !== null || perSecond <= 0) return;
    this.timer = setInterval(() => void this.attackOnce(), Math.max(1, Math.round(1_000 / perSecond)));
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private async attackOnce(): Promise<void> {
    const { rng } = this.options;
    this.count += 1;
    const attack: EnvelopeAttack = this.count % OVERSIZED_EVERY === 0 ? 'oversized' : rng.pick(ENVELOPE_ATTACKS.filter((kind) => kind !== 'oversized'));
    const target = rng.pick(this.options.targets);
    this.sent[attack] += 1;
    const answer = await this.attack(attack, target);
    const byStatus = (this.answers[attack] ??= {});
    const status = answer.kind === 'answer' ? String(answer.status) : 'none';
    byStatus[status] = (byStatus[status] ?? 0) + 1;
  }

  private attack(attack: EnvelopeAttack, target: AttackTarget): Promise<RawAnswer> {
    const { self, channelId, rng } = this.options;
    const envelope = (fields: Partial<{ channelId: string; from: number; to: number; sentAtMs: number }>, messages: readonly unknown[]) =>
      JSON.stringify({ channelId, from: self, to: target.member, sentAtMs: Date.now(), ...fields, messages });
    switch (attack) {
      case 'malformed':
        return this.peerPost(target, envelope({}, malformedMessages(rng, self)));
      case 'not-json':
        return this.peerPost(target, '{"channelId":"' + channelId + '","messages":[{');
      case 'not-an-envelope':
        return this.peerPost(target, JSON.stringify({ from: self, to: target.member, messages: 'all of them', extra: { __proto__: { polluted: true } } }));
      case 'bad-mac':
        return this.peerPost(target, envelope({}, this.old(5)), '00'.repeat(32));
      case 'impersonation': {
        // In the name of another member, under this member's own link key: the MAC cannot match.
        const victim = this.options.targets.find((other) => other.member !== target.member)?.member ?? target.member;
        return this.peerPost(target, envelope({ from: victim }, this.old(5)));
      }
      case 'wrong-channel':
        return this.peerPost(target, rng.chance(0.5) ? envelope({ channelId: 'ab'.repeat(32) }, this.old(5)) : envelope({ to: self }, this.old(5)));
      case 'stale-envelope':
        return this.peerPost(target, envelope({ sentAtMs: Date.now() - STALE_MS }, this.old(5)));
      case 'too-many-messages':
        return this.peerPost(target, envelope({}, Array.from({ length: FLOOD_MESSAGES + 1 }, () => ({ type: 'close-request' }))));
      case 'oversized':
        return this.peerPost(target, envelope({}, ['x'.repeat(MAX_PEER_BODY_BYTES)]));
      case 'replay-flood':
        return this.peerPost(target, envelope({}, this.old(FLOOD_MESSAGES)));
      case 'forged-payment':
        return this.clientPost(target, JSON.stringify(paymentToWire(this.forgedPayment(target.member))));
      case 'replayed-payment': {
        const certified = this.options.certifiedPayments();
        if (certified.length === 0 || rng.chance(0.2)) return this.clientPost(target, '[{"from":1,"to":0,');
        return this.clientPost(target, JSON.stringify(Array.from({ length: Math.min(50, certified.length) }, () => paymentToWire(rng.pick(certified)))));
      }
    }
  }

  /** A payment from `payer` (another member) signed with this member's key: its signature cannot verify. */
  private forgedPayment(payer: number): Payment {
    const { chainId, channelId, self, rng } = this.options;
    const paymentId = toHex(Uint8Array.from({ length: 32 }, () => rng.int(0, 255)));
    return signPayment(this.options.scheme, { chainId, channelId }, { from: payer, to: self, amount: 1_000n, seq: rng.int(1, 1_000_000), paymentId }, this.options.secretKey);
  }

  private old(count: number): unknown[] {
    const pool = this.options.replayable();
    if (pool.length === 0) return [];
    return Array.from({ length: count }, () => this.options.rng.pick(pool));
  }

  private peerPost(target: AttackTarget, body: string, mac?: string): Promise<RawAnswer> {
    const key = this.options.keys.macKeyFor(target.member)!;
    return rawRequest(target.url, { method: 'POST', path: PEER_PATH, headers: { 'content-type': 'application/json', 'x-wedge-mac': mac ?? macOf(key, body) }, body });
  }

  private clientPost(target: AttackTarget, body: string): Promise<RawAnswer> {
    return rawRequest(target.url, { method: 'POST', path: '/v1/payments', headers: { 'content-type': 'application/json' }, body });
  }
}

/** Messages a peer must drop one by one at its boundary (the envelope itself is well formed and authenticated). */
function malformedMessages(rng: Prng, self: number): unknown[] {
  let deep: unknown = { type: 'vote' };
  for (let depth = 0; depth < 200; depth++) deep = { nested: deep };
  const choices: unknown[] = [
    { type: 'vote', version: -1, stateHash: 'zz', member: self, signature: '' },
    { type: 'vote', version: 1e300, stateHash: '00'.repeat(32), member: 99, signature: '11'.repeat(64) },
    { type: 'propose', proposal: { state: null, payments: [{ junk: true }] }, signatures: [] },
    { type: 'propose', proposal: { state: { version: 1, balances: ['-5', '1e9'] }, payments: [] }, signatures: [null, null, null] },
    { type: 'certificate', certificate: { state: 'x'.repeat(10_000), signatures: ['00'] } },
    { type: 'forward', payment: { from: 0, to: 1, amount: '-1', seq: 0, paymentId: 'x', signature: 'y' } },
    { type: 'rejected', paymentId: '00'.repeat(32), code: 'NO_SUCH_CODE' },
    { type: 'no-such-message' },
    { __proto__: { type: 'close-request' }, constructor: { prototype: { polluted: true } } },
    deep,
    'a string',
    42,
    null,
    [[[]]],
  ];
  return Array.from({ length: rng.int(1, 20) }, () => rng.pick(choices));
}
