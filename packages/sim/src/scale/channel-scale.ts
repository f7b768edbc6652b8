// What one channel state costs as the group grows: the real member core
// (@wedge/channel) for every member of one channel, star or chain, over a
// simulated member network where every message takes exactly one network
// delay, no faults. One payment at a time (each state carries one), so the
// counts are per state: messages and their bytes, signatures made and
// checked, and the latency from the payment's submission at its payer's
// member until every member holds the certificate, in network delays.
//
// What the protocols say (DESIGN §4): every member signs every state, so a
// state costs k signatures and each member checks the others' k-1 at least
// (O(k) per member, O(k²) in all). Star: the payment goes to the sequencer
// (1), its proposal to k-1 members, k-1 votes back, the certificate to k-1:
// 3(k-1)+1 messages and 4 delays whatever k. Chain: the proposal walks
// head -> tail gathering signatures (k-1 hops) and the certificate walks
// back (k-1): about 2(k-1)+1 messages, but 2k delays — O(k) latency.
import { toHex } from '@wedge/common';
import { createStandInScheme, hashTaggedHex, keyPairFromSeed } from '@wedge/crypto';
import { createMemberState, paymentTag, SeqCounter, signPayment, stepMember, type MemberContext, type MemberEvent, type MemberMessage, type MemberState } from '@wedge/channel';
import { EventQueue } from '../event-queue.ts';
import { countingScheme, emptySignatureCounts, signedUnderTag, type SignatureCounts } from './counting-scheme.ts';
import { latencySummary, round2 } from './summary.ts';
import { jsonBytes, type MessageBytes } from './wire-bytes.ts';

export type ChannelScaleOptions = {
  readonly members: number;
  readonly topology: 'star' | 'chain';
  /** Payments, one after the other: each is one state. */
  readonly states: number;
  readonly delayMs: number;
  readonly bytesOf?: MessageBytes;
};

export type ChannelScaleFigures = {
  readonly members: number;
  readonly topology: 'star' | 'chain';
  readonly states: number;
  readonly msgsPerState: number;
  readonly bytesPerState: number;
  /** Signatures made per state, all members (k: every member signs it; the payer's signature on the payment is the client's, not counted). */
  readonly signsPerState: number;
  /** Checks of member signatures on states, per state, all members. */
  readonly verifiesPerState: number;
  readonly verifiesPerStatePerMember: number;
  /** Checks of the payment's own signature, per state per member (1 when each member checks it once). */
  readonly paymentVerifiesPerStatePerMember: number;
  /** Submission -> every member holds the certificate, in network delays. */
  readonly latencyDelays: { readonly p50: number; readonly max: number };
};

type Member = { readonly ctx: MemberContext; state: MemberState; readonly counts: SignatureCounts; readonly seqs: SeqCounter };
type Event = { kind: 'deliver'; to: number; from: number; message: MemberMessage } | { kind: 'timeout'; to: number; token: number };

const CHAIN_ID = 'scale';
const DEPOSIT = 1_000_000n;

export function runChannelScale(options: ChannelScaleOptions): ChannelScaleFigures {
  const k = options.members;
  const bytesOf = options.bytesOf ?? jsonBytes;
  const scheme = createStandInScheme();
  const keys = Array.from({ length: k }, (_, index) => keyPairFromSeed(scheme, `scale/member/${index}`));
  const isPayment = signedUnderTag(paymentTag(CHAIN_ID));
  const channelId = hashTaggedHex(`wedge/${CHAIN_ID}/scale-channel`, { members: k, topology: options.topology });
  const config = {
    chainId: CHAIN_ID,
    channelId,
    members: keys.map((key) => ({ publicKey: toHex(key.publicKey) })),
    topology: options.topology,
    deposits: keys.map(() => DEPOSIT),
    maxBatchPayments: 16,
    maxPendingPayments: 1_000,
    progressTimeoutMs: 60_000,
  };
  const members: Member[] = keys.map((key, self) => {
    const counts = emptySignatureCounts();
    const ctx: MemberContext = { config: { ...config, self }, scheme: countingScheme(scheme, (_publicKey, preimage) => isPayment(preimage), counts), secretKey: key.secretKey };
    return { ctx, state: createMemberState(ctx), counts, seqs: new SeqCounter() };
  });
  const queue = new EventQueue<Event>();
  let now = 0;
  let messages = 0;
  let bytes = 0;
  /** Per state version: how many members hold its certificate. */
  const certifiedBy = new Map<number, number>();
  const step = (index: number, event: MemberEvent): void => {
    const member = members[index]!;
    const { effects } = stepMember(member.ctx, member.state, event);
    for (const effect of effects) {
      if (effect.type === 'send') {
        messages += 1;
        bytes += bytesOf(effect.message);
        queue.push(now + options.delayMs, { kind: 'deliver', to: effect.to, from: index, message: effect.message });
      } else if (effect.type === 'set-timer') {
        queue.push(now + effect.afterMs, { kind: 'timeout', to: index, token: effect.token });
      } else if (effect.type === 'certified') {
        const version = effect.certificate.state.version;
        certifiedBy.set(version, (certifiedBy.get(version) ?? 0) + 1);
      } else if (effect.type === 'wedged' || effect.type === 'payment-rejected') {
        throw new Error(`channel scale k=${k} ${options.topology}: ${effect.type} (${JSON.stringify(effect)})`);
      }
    }
  };
  for (let index = 0; index < k; index++) step(index, { type: 'start' });
  const signsBefore = members.reduce((sum, member) => sum + member.counts.signs, 0);
  const latencies: number[] = [];
  for (let version = 1; version <= options.states; version++) {
    // Payers take turns, so that both the sequencer's own payments and forwarded ones are in the mean.
    const payer = (version - 1) % k;
    const submittedAt = now;
    const payment = signPayment(
      scheme,
      config,
      { from: payer, to: (payer + 1) % k, amount: 1n, seq: members[payer]!.seqs.next(), paymentId: hashTaggedHex(`wedge/${CHAIN_ID}/scale-payment`, { version }) },
      keys[payer]!.secretKey,
    );
    step(payer, { type: 'payment', payment });
    while ((certifiedBy.get(version) ?? 0) < k) {
      const next = queue.pop();
      if (next === undefined) throw new Error(`channel scale k=${k} ${options.topology}: state ${version} never certified at every member`);
      now = next.time;
      if (next.item.kind === 'deliver') step(next.item.to, { type: 'message', from: next.item.from, message: next.item.message });
      else step(next.item.to, { type: 'timeout', token: next.item.token });
    }
    latencies.push((now - submittedAt) / options.delayMs);
  }
  // A message still in flight when the last state completed would belong to no state (only timers may be left).
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    if (next.item.kind === 'deliver') throw new Error(`channel scale k=${k} ${options.topology}: a ${next.item.message.type} still in flight after the last state`);
  }
  const states = options.states;
  const sum = (pick: (counts: SignatureCounts) => number): number => members.reduce((total, member) => total + pick(member.counts), 0);
  return {
    members: k,
    topology: options.topology,
    states,
    msgsPerState: round2(messages / states),
    bytesPerState: Math.round(bytes / states),
    signsPerState: round2((sum((counts) => counts.signs) - signsBefore) / states),
    verifiesPerState: round2(sum((counts) => counts.protocolVerifies) / states),
    verifiesPerStatePerMember: round2(sum((counts) => counts.protocolVerifies) / states / k),
    paymentVerifiesPerStatePerMember: round2(sum((counts) => counts.clientVerifies) / states / k),
    latencyDelays: latencySummary(latencies),
  };
}
