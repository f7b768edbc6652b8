// The fuzz cases for every endpoint of a channel member and of the
// watchtower: hostile bodies and parameters; payments that look valid with one
// thing off (an unsigned change, a high-S twin, a signature from another
// payment or another member's key, the wrong chain, a non-member, an
// overdraft, a replayed id); peer envelopes, unauthenticated or authenticated
// as the other member, whose messages are hostile or carry signatures that do
// not verify; certificates for the watchtower that are stale, forged or for
// another channel. Everything here must be refused and change nothing.
import fc from 'fast-check';
import { signPayment, type Certificate, type Payment } from '@wedge/channel';
import { fromHex, toHex } from '@wedge/common';
import { malleate, type KeyPair } from '@wedge/crypto';
import { fastSecp256k1 } from '@wedge/crypto/node';
import { MAX_API_BODY_BYTES, MAX_PEER_BODY_BYTES } from '../../apps/l2-node/src/l2-api.ts';
import { deriveChannelPeerKeys, macOf } from '../../apps/l2-node/src/peer-auth.ts';
import { certificateToWire, paymentToWire } from '../../apps/l2-node/src/wire.ts';
import { JSON_TYPE, escapeForUrl, getRequest, operatorEndpoints, hostileBody, jsonText, numberToken, oddString, oneFieldOff, oversized, pathParameter, postRequest, scalarText } from './fuzz-arbitraries.ts';
import type { EndpointCases } from './fuzz-l1-cases.ts';
import type { RawRequest } from './raw-http.ts';

export type L2FuzzContext = {
  readonly chainId: string;
  readonly channelId: string;
  /** The members' account keys, in member order. */
  readonly keys: readonly KeyPair[];
  readonly deposits: readonly bigint[];
  /** A payment that is already committed (replayed, or its payer's seq taken again, must be DUPLICATE_PAYMENT). */
  readonly committed: Payment;
  /** The latest certificate and an older one. */
  readonly latest: Certificate;
  readonly older: Certificate;
};

const PAYMENT_KEYS = ['from', 'to', 'amount', 'seq', 'paymentId', 'signature'];
const limits = { bodyLimitBytes: MAX_API_BODY_BYTES };

function sign(context: L2FuzzContext, fields: Omit<Payment, 'signature'>, key = context.keys[fields.from]!, chainId = context.chainId, channelId = context.channelId): Payment {
  return signPayment(fastSecp256k1, { chainId, channelId }, fields, key.secretKey);
}

/** True when the text is, once parsed, the very payment `payment` (an amount may be written "05" for 5): sending it would pay. */
function isSamePayment(text: string, payment: Payment): boolean {
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    return (
      value.from === payment.from &&
      value.to === payment.to &&
      value.seq === payment.seq &&
      value.paymentId === payment.paymentId &&
      value.signature === payment.signature &&
      typeof value.amount === 'string' &&
      /^-?[0-9]+$/.test(value.amount) &&
      BigInt(value.amount) === payment.amount
    );
  } catch {
    return false;
  }
}

/** Payments a member must refuse, one at a time or in arrays. */
export function badPayments(context: L2FuzzContext): fc.Arbitrary<string> {
  // A seq far above anything the fuzz run applies: these payments are refused for another reason.
  const fresh = (amount = 5n, from = 0, to = 1, seq = 1_000_000) => ({ from, to, amount, seq, paymentId: toHex(fromHex('ab'.repeat(32))) });
  const good = sign(context, fresh());
  const goodWire = paymentToWire(good) as unknown as Record<string, unknown>;
  const total = context.deposits.reduce((sum, deposit) => sum + deposit, 0n);
  const refused: Payment[] = [
    context.committed, // replayed: its seq is applied already
    sign(context, { ...context.committed, paymentId: 'cd'.repeat(32) }), // another payment at an applied seq
    sign(context, fresh(5n, 0, 1, 0)), // seq 0: not a seq
    sign(context, fresh(5n, 0, 1, -3)),
    { ...sign(context, fresh(5n, 0, 1), context.keys[1]!) }, // signed by the payee, not the payer
    sign(context, fresh(total + 1n)),
    sign(context, fresh(0n)),
    sign(context, fresh(-5n)),
    sign(context, fresh(10n ** 31n)),
    sign(context, fresh(5n, 0, 0)),
    sign(context, fresh(5n, 0, 7)),
    { ...sign(context, fresh(5n, 0, 1), context.keys[0]!), from: 5 },
    sign(context, fresh(), context.keys[0]!, `${context.chainId}-other`),
    sign(context, fresh(), context.keys[0]!, context.chainId, 'cd'.repeat(32)),
    { ...good, signature: toHex(malleate(fromHex(good.signature))) },
    { ...good, signature: context.committed.signature }, // a signature replayed from another payment
    { ...good, signature: good.signature.toUpperCase() },
    { ...good, signature: '' },
  ];
  const resigned = fc.constantFrom(...refused.map((payment) => JSON.stringify(paymentToWire(payment))));
  const off = oneFieldOff(goodWire, fc.oneof(scalarText, fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map((amount) => JSON.stringify(amount.toString())))).filter(
    (text) => !isSamePayment(text, good),
  );
  const single = fc.oneof(resigned, off);
  const batch = fc.oneof(
    fc.array(single, { minLength: 1, maxLength: 10 }).map((items) => `[${items.join(',')}]`),
    fc.constant(`[${Array.from({ length: 201 }, () => JSON.stringify(paymentToWire(refused[2]!))).join(',')}]`),
    fc.constant('[]'),
  );
  return fc.oneof({ weight: 4, arbitrary: single }, { weight: 1, arbitrary: batch });
}

/** Member messages whose signatures do not verify, and hostile shapes; never a close request (a member may ask that of its peers). */
function badMemberMessages(context: L2FuzzContext): fc.Arbitrary<string> {
  const { latest } = context;
  const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
  const badSignature = fc.oneof(fc.stringMatching(/^[0-9a-f]{128}$/), fc.constant(toHex(malleate(fromHex(latest.signatures[0]!)))), fc.constant(latest.signatures[1]!));
  const nextState = { ...latest.state, version: latest.state.version + 1, prevHash: 'ee'.repeat(32) };
  const forged = fc.tuple(badSignature, badSignature).map(([first, second]) => certificateToWire({ state: nextState, signatures: [first, second] }));
  const payment = paymentToWire({ ...context.committed, paymentId: 'ef'.repeat(32) });
  const message = fc.oneof(
    forged.map((certificate) => JSON.stringify({ type: 'certificate', certificate })),
    forged.map((certificate) => JSON.stringify({ type: 'propose', proposal: { state: certificate.state, payments: [] }, signatures: [certificate.signatures[0], null] })),
    fc.tuple(hex64, badSignature, fc.nat(3)).map(([stateHash, signature, member]) => JSON.stringify({ type: 'vote', version: nextState.version, stateHash, member, signature })),
    fc.constant(JSON.stringify({ type: 'forward', payment })),
    fc.constant(JSON.stringify({ type: 'certificate', certificate: certificateToWire(context.older) })),
    jsonText(['type', 'payment', 'proposal', 'state', 'signatures', 'certificate', 'version', 'stateHash', 'member', 'signature', 'paymentId', 'code']),
  );
  return message;
}

function peerEnvelopes(context: L2FuzzContext, target: number): fc.Arbitrary<RawRequest> {
  const peer = (target + 1) % context.keys.length;
  const keys = deriveChannelPeerKeys(
    context.chainId,
    context.channelId,
    peer,
    context.keys[peer]!.secretKey,
    context.keys.map((key) => toHex(key.publicKey)),
  );
  const macKey = keys.macKeyFor(target)!;
  const field = <T>(valid: T, off: fc.Arbitrary<unknown>) => fc.oneof({ weight: 6, arbitrary: fc.constant(valid) }, { weight: 1, arbitrary: off });
  const envelope = fc
    .tuple(
      field(context.channelId, fc.oneof(fc.stringMatching(/^[0-9a-f]{64}$/), oddString)),
      field(peer, fc.oneof(fc.constant(target), fc.integer({ min: -5, max: 70 }), numberToken.map(Number))),
      field(target, fc.oneof(fc.constant(peer), fc.integer({ min: -5, max: 70 }))),
      fc.oneof({ weight: 6, arbitrary: fc.constant('now') }, { weight: 1, arbitrary: fc.oneof(fc.constant(0), fc.integer({ min: -10_000_000, max: 10_000_000 }).map((offset) => `now${offset * 60}`)) }),
      fc.array(badMemberMessages(context), { maxLength: 6 }),
    )
    .map(([channelId, from, to, sentAt, messages]) => {
      const sentAtMs = sentAt === 'now' ? Date.now() : typeof sentAt === 'string' ? Date.now() + Number(sentAt.slice(3)) : sentAt;
      return `{"channelId":${JSON.stringify(channelId)},"from":${JSON.stringify(from)},"to":${JSON.stringify(to)},"sentAtMs":${sentAtMs},"messages":[${messages.join(',')}]}`;
    });
  const body = fc.oneof({ weight: 4, arbitrary: envelope }, { weight: 1, arbitrary: hostileBody(['channelId', 'from', 'to', 'sentAtMs', 'messages']).map((value) => (typeof value === 'string' ? value : Buffer.from(value).toString('latin1'))) });
  const mac = fc.oneof({ weight: 3, arbitrary: fc.constant('valid') }, { weight: 1, arbitrary: fc.stringMatching(/^[0-9a-f]{0,70}$/) });
  return fc.oneof(
    { weight: 50, arbitrary: fc.tuple(body, mac).map(([text, given]): RawRequest => ({ method: 'POST', path: '/v1/peer/messages', headers: { 'content-type': JSON_TYPE, 'x-wedge-mac': given === 'valid' ? macOf(macKey, text) : given }, body: text })) },
    { weight: 10, arbitrary: postRequest('/v1/peer/messages', body, { bodyLimitBytes: MAX_PEER_BODY_BYTES }, fc.constant({ 'x-wedge-mac': '00'.repeat(32) }), false) },
    // Rare: each is 16 MB on the wire.
    { weight: 1, arbitrary: oversized({ bodyLimitBytes: MAX_PEER_BODY_BYTES }).map(({ body }): RawRequest => ({ method: 'POST', path: '/v1/peer/messages', headers: { 'content-type': JSON_TYPE }, body })) },
  );
}

/**
 * Bodies that the member's body parser refuses before a handler runs (not
 * JSON, too large, an encoding it does not take): the only input to
 * POST /v1/wedge and /v1/close that is refused, since both take no fields.
 */
function refusedBeforeHandler(path: string): fc.Arbitrary<RawRequest> {
  return fc.oneof(
    fc.tuple(fc.constantFrom('{', '[1,', '{"a":}', 'NaN', '\u0000', "{'a':1}"), fc.constantFrom(JSON_TYPE, 'application/json; charset=utf-8')).map(([body, type]): RawRequest => ({ method: 'POST', path, headers: { 'content-type': type }, body })),
    fc.constantFrom('application/json; charset=utf-16', 'application/json; charset=bogus').map((type): RawRequest => ({ method: 'POST', path, headers: { 'content-type': type }, body: '{}' })),
    fc.constantFrom('bogus', 'br-x', 'gzip').map((encoding): RawRequest => ({ method: 'POST', path, headers: { 'content-type': JSON_TYPE, 'content-encoding': encoding }, body: '{"x":1}' })),
    oversized(limits).map(({ body }): RawRequest => ({ method: 'POST', path, headers: { 'content-type': JSON_TYPE }, body })),
  );
}

/**
 * Deposit and withdrawal requests that must be refused: amounts that are not
 * positive or above MAX_AMOUNT (INVALID_AMOUNT), not decimal strings, extra
 * or missing keys (INVALID_BODY), a withdrawal above anything the channel
 * holds (INSUFFICIENT_FUNDS at once), a deposit above the L1 supply
 * (INSUFFICIENT_FUNDS from L1), and hostile bodies.
 */
function badSpliceBodies(context: L2FuzzContext, path: '/v1/deposit' | '/v1/withdraw'): fc.Arbitrary<string | Uint8Array> {
  const total = context.deposits.reduce((sum, deposit) => sum + deposit, 0n);
  const tooMuch = path === '/v1/withdraw' ? total + 1n : 10n ** 29n;
  const amount = fc.oneof(
    fc.constantFrom('0', '-1', '-0', String(10n ** 30n + 1n), '1'.repeat(101), '', ' 1', '1.5', '0x10', String(tooMuch)),
    fc.bigInt({ min: -(10n ** 40n), max: 0n }).map(String),
  );
  return fc.oneof(
    amount.map((text) => JSON.stringify({ amount: text })),
    fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.nat())).map((value) => JSON.stringify({ amount: value })),
    fc.constantFrom('{}', '{"amount":"1","extra":true}', '{"Amount":"1"}', '[{"amount":"1"}]', '"1"', '1'),
    // Without the known key: a random body must never be a valid amount.
    hostileBody([]),
  );
}

export function memberEndpoints(context: L2FuzzContext, target: number): EndpointCases[] {
  const version = fc.oneof(fc.constant(String(context.latest.state.version)), fc.constant('0'), fc.nat().map(String), numberToken.map(escapeForUrl));
  return [
    { name: 'POST /v1/payments', cases: postRequest('/v1/payments', fc.oneof({ weight: 3, arbitrary: badPayments(context) }, { weight: 2, arbitrary: hostileBody(PAYMENT_KEYS) }), limits) },
    { name: 'GET /v1/channel', cases: getRequest('/v1/channel') },
    { name: 'GET /v1/channel/states/:version', cases: getRequest('/v1/channel/states/:version', { version }) },
    { name: 'POST /v1/peer/messages', cases: peerEnvelopes(context, target) },
    { name: 'POST /v1/deposit', cases: postRequest('/v1/deposit', badSpliceBodies(context, '/v1/deposit'), limits) },
    { name: 'POST /v1/withdraw', cases: postRequest('/v1/withdraw', badSpliceBodies(context, '/v1/withdraw'), limits) },
    { name: 'POST /v1/wedge (refused bodies)', cases: refusedBeforeHandler('/v1/wedge') },
    { name: 'POST /v1/close (refused bodies)', cases: refusedBeforeHandler('/v1/close') },
    { name: 'unknown paths', cases: getRequest('/:a/:b', { a: fc.constantFrom('v1', 'v2', 'api', ''), b: pathParameter }) },
    ...operatorEndpoints(),
  ];
}

/** POST /v1/wedge and /v1/close with anything: both take no input, so most of these act (the member wedges, or asks to close). */
export function memberActionEndpoints(): EndpointCases[] {
  const anyBody = (path: string) => postRequest(path, hostileBody([]), limits);
  return [
    { name: 'POST /v1/close (anything)', cases: anyBody('/v1/close') },
    { name: 'POST /v1/wedge (anything)', cases: anyBody('/v1/wedge') },
  ];
}

export function watchtowerEndpoints(context: L2FuzzContext): EndpointCases[] {
  const { latest, older } = context;
  const pushOf = (channelId: string, certificate: Certificate) => JSON.stringify({ channelId, certificate: certificateToWire(certificate) });
  const latestWire = certificateToWire(latest);
  const malleated = latest.signatures.map((signature) => toHex(malleate(fromHex(signature))));
  const stateOff = oneFieldOff(latestWire.state as unknown as Record<string, unknown>).map((state) => `{"channelId":${JSON.stringify(context.channelId)},"certificate":{"state":${state},"signatures":${JSON.stringify(latest.signatures)}}}`);
  const pushes = fc.oneof(
    fc.constantFrom(
      pushOf(context.channelId, latest), // held already: STALE_STATE
      pushOf(context.channelId, older),
      pushOf(context.channelId, { state: { ...latest.state, version: latest.state.version + 1 }, signatures: latest.signatures }),
      pushOf(context.channelId, { state: latest.state, signatures: malleated }),
      pushOf(context.channelId, { state: latest.state, signatures: [latest.signatures[0]!] }),
      pushOf(context.channelId, { state: latest.state, signatures: [...latest.signatures].reverse() }),
      pushOf(context.channelId, { state: latest.state, signatures: [latest.signatures[0]!, latest.signatures[0]!] }),
      pushOf('cd'.repeat(32), latest),
      pushOf(context.channelId, { state: { ...latest.state, chainId: `${context.chainId}-other` }, signatures: latest.signatures }),
    ),
    stateOff,
    oneFieldOff({ channelId: context.channelId, certificate: latestWire }),
  );
  const watches = fc.oneof(
    fc.constant(JSON.stringify({ channelId: context.channelId })), // watched already: answered, nothing changes
    fc.stringMatching(/^[0-9a-f]{64}$/).map((channelId) => JSON.stringify({ channelId })),
    oneFieldOff({ channelId: context.channelId }),
  );
  return [
    { name: 'POST /v1/watch', cases: postRequest('/v1/watch', fc.oneof(watches, hostileBody(['channelId'])), limits) },
    { name: 'POST /v1/states', cases: postRequest('/v1/states', fc.oneof({ weight: 3, arbitrary: pushes }, { weight: 2, arbitrary: hostileBody(['channelId', 'certificate', 'state', 'signatures', 'version', 'balances']) }), limits) },
    { name: 'GET /v1/channels/:id', cases: getRequest('/v1/channels/:id', { id: fc.oneof(fc.constant(context.channelId), fc.stringMatching(/^[0-9a-f]{64}$/)) }) },
    { name: 'unknown paths', cases: getRequest('/:a/:b', { a: fc.constantFrom('v1', 'v2', ''), b: pathParameter }) },
    ...operatorEndpoints(),
  ];
}
