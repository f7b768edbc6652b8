// The L2 wire format: payments, certificates and the messages members send
// each other, as JSON with amounts as decimal strings. Every schema is strict;
// converting from the wire copies exactly the known fields, so a stray
// property never reaches the core.
import { CHANNEL_ERROR_CODES, type Certificate, type MemberMessage, type Payment, type Proposal } from '@wedge/channel';
import { WireChannelState, WireCount, WireHash, WireSignature, channelStateFromWire, channelStateToWire } from '@wedge/api';
import { MAX_CHANNEL_MEMBERS } from '@wedge/ledger';
import { z } from 'zod';

/** The most payments one proposal message may carry; the core's batch bound is at most this. */
export const MAX_WIRE_BATCH = 2_000;

const MemberIndex = z.int().min(0).max(MAX_CHANNEL_MEMBERS - 1);
/** Strict decimal amounts between peers: members only ever send amounts that passed the core's range check. */
const PeerAmount = z.string().regex(/^(0|[1-9][0-9]{0,39})$/, 'expected a decimal string without sign or leading zeros');

export const WirePayment = z.strictObject({
  from: MemberIndex,
  to: MemberIndex,
  amount: PeerAmount,
  seq: z.int().min(1),
  paymentId: WireHash,
  signature: WireSignature,
});
export type WirePayment = z.infer<typeof WirePayment>;

export function paymentFromWire(wire: WirePayment): Payment {
  return { from: wire.from, to: wire.to, amount: BigInt(wire.amount), seq: wire.seq, paymentId: wire.paymentId, signature: wire.signature };
}

export function paymentToWire(payment: Payment): WirePayment {
  return { from: payment.from, to: payment.to, amount: payment.amount.toString(), seq: payment.seq, paymentId: payment.paymentId, signature: payment.signature };
}

export const WireCertificate = z.strictObject({
  state: WireChannelState,
  signatures: z.array(WireSignature).max(MAX_CHANNEL_MEMBERS),
});
export type WireCertificate = z.infer<typeof WireCertificate>;

export function certificateFromWire(wire: WireCertificate): Certificate {
  return { state: channelStateFromWire(wire.state), signatures: [...wire.signatures] };
}

export function certificateToWire(certificate: Certificate): WireCertificate {
  return { state: channelStateToWire(certificate.state), signatures: [...certificate.signatures] };
}

const WireProposal = z.strictObject({ state: WireChannelState, payments: z.array(WirePayment).max(MAX_WIRE_BATCH) });

function proposalFromWire(wire: z.infer<typeof WireProposal>): Proposal {
  return { state: channelStateFromWire(wire.state), payments: wire.payments.map(paymentFromWire) };
}

export const WireMemberMessage = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('forward'), payment: WirePayment }),
  z.strictObject({
    type: z.literal('propose'),
    proposal: WireProposal,
    signatures: z.array(WireSignature.nullable()).max(MAX_CHANNEL_MEMBERS),
  }),
  z.strictObject({ type: z.literal('vote'), version: WireCount, stateHash: WireHash, member: MemberIndex, signature: WireSignature }),
  z.strictObject({ type: z.literal('certificate'), certificate: WireCertificate }),
  z.strictObject({ type: z.literal('close-request') }),
  z.strictObject({ type: z.literal('rejected'), paymentId: WireHash, code: z.enum(CHANNEL_ERROR_CODES) }),
  z.strictObject({ type: z.literal('withdraw-request'), amount: PeerAmount, withdrawnTo: PeerAmount }),
  z.strictObject({ type: z.literal('withdraw-rejected'), code: z.enum(CHANNEL_ERROR_CODES) }),
]);
export type WireMemberMessage = z.infer<typeof WireMemberMessage>;

export function memberMessageFromWire(wire: WireMemberMessage): MemberMessage {
  switch (wire.type) {
    case 'forward':
      return { type: 'forward', payment: paymentFromWire(wire.payment) };
    case 'propose':
      return { type: 'propose', proposal: proposalFromWire(wire.proposal), signatures: [...wire.signatures] };
    case 'vote':
      return { type: 'vote', version: wire.version, stateHash: wire.stateHash, member: wire.member, signature: wire.signature };
    case 'certificate':
      return { type: 'certificate', certificate: certificateFromWire(wire.certificate) };
    case 'close-request':
      return { type: 'close-request' };
    case 'rejected':
      return { type: 'rejected', paymentId: wire.paymentId, code: wire.code };
    case 'withdraw-request':
      return { type: 'withdraw-request', request: { amount: BigInt(wire.amount), withdrawnTo: BigInt(wire.withdrawnTo) } };
    case 'withdraw-rejected':
      return { type: 'withdraw-rejected', code: wire.code };
  }
}

export function memberMessageToWire(message: MemberMessage): WireMemberMessage {
  switch (message.type) {
    case 'forward':
      return { type: 'forward', payment: paymentToWire(message.payment) };
    case 'propose':
      return {
        type: 'propose',
        proposal: { state: channelStateToWire(message.proposal.state), payments: message.proposal.payments.map(paymentToWire) },
        signatures: [...message.signatures],
      };
    case 'vote':
      return { ...message };
    case 'certificate':
      return { type: 'certificate', certificate: certificateToWire(message.certificate) };
    case 'close-request':
      return { type: 'close-request' };
    case 'rejected':
      return { type: 'rejected', paymentId: message.paymentId, code: message.code };
    case 'withdraw-request':
      return { type: 'withdraw-request', amount: message.request.amount.toString(), withdrawnTo: message.request.withdrawnTo.toString() };
    case 'withdraw-rejected':
      return { type: 'withdraw-rejected', code: message.code };
  }
}
