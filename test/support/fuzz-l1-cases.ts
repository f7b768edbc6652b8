// The fuzz cases for every endpoint of an L1 replica: hostile bodies and
// parameters, and transactions and peer envelopes that look valid with one
// thing off — an unsigned change to a signed body, a high-S twin, a signature
// replayed from another transaction, a replayed or far-ahead nonce, the wrong
// chain, a key that is not the sender's, an overdraft — each of which a
// replica must refuse without changing anything.
import fc from 'fast-check';
import { MAX_REQUEST_BODY_BYTES, signedTxToWire } from '@wedge/api';
import { fromHex, toHex } from '@wedge/common';
import { malleate, type KeyPair } from '@wedge/crypto';
import { fastSecp256k1 } from '@wedge/crypto/node';
import { MAX_NONCE_AHEAD, signTx, type SignedTx, type TxBody } from '@wedge/ledger';
import { derivePeerKeys, macOf } from '../../apps/l1-node/src/peer-auth.ts';
import { PEER_BODY_LIMIT_BYTES } from '../../apps/l1-node/src/peer-endpoint.ts';
import { escapeForUrl, getRequest, operatorEndpoints, type EndpointCases, hostileBody, jsonText, numberToken, oddString, oneFieldOff, oversized, pathParameter, postRequest, queryString } from './fuzz-arbitraries.ts';
import type { RawRequest } from './raw-http.ts';

export type L1FuzzContext = {
  readonly chainId: string;
  /** A funded account with one committed transfer (nonce 0), so a replay has something to replay. */
  readonly sender: KeyPair;
  readonly senderNonce: number;
  readonly senderBalance: bigint;
  readonly other: KeyPair;
  /** The hash of the committed transfer. */
  readonly committedHash: string;
  readonly channelId: string;
  /** The genesis replica keys, to authenticate envelopes as a replica would (the messages inside stay bad). */
  readonly replicaSecretKeys: readonly Uint8Array[];
  readonly replicaPublicKeys: readonly string[];
  readonly height: number;
};

const TX_KEYS = ['body', 'signatures', 'type', 'chainId', 'from', 'nonce', 'to', 'amount', 'publicKey', 'signature', 'channelId', 'state', 'stateSignatures'];

function wire(tx: SignedTx): Record<string, unknown> {
  return signedTxToWire(tx) as unknown as Record<string, unknown>;
}

/** Signed transactions a replica must refuse, each with one thing off. */
export function badTransactions(context: L1FuzzContext): fc.Arbitrary<string> {
  const { chainId, sender, other, senderNonce: nonce, senderBalance } = context;
  const transfer = (fields: Partial<Extract<TxBody, { type: 'transfer' }>> = {}): TxBody => ({ type: 'transfer', chainId, from: sender.address, nonce, to: other.address, amount: 5n, ...fields });
  const sign = (body: TxBody, keys: KeyPair[] = [sender]) => signTx(fastSecp256k1, body, keys);
  const good = sign(transfer());
  const goodWire = wire(good);
  const goodBodyWire = goodWire.body as Record<string, unknown>;
  const goodSignature = good.signatures[0]!;
  const otherSigned = sign(transfer({ amount: 6n }));
  const withSignature = (signature: string, publicKey = goodSignature.publicKey) => JSON.stringify({ ...goodWire, signatures: [{ publicKey, signature }] });
  const channelBody = (body: Record<string, unknown>) => ({ chainId, from: sender.address, nonce, ...body }) as TxBody;
  const refusedResigned: SignedTx[] = [
    sign(transfer({ nonce: 0 })), // a replay of the committed transfer's nonce
    sign(transfer({ nonce: nonce + MAX_NONCE_AHEAD + 1 })),
    sign(transfer({ nonce: Number.MAX_SAFE_INTEGER })),
    sign(transfer({ amount: senderBalance + 1n })),
    sign(transfer({ amount: 0n })),
    sign(transfer({ to: sender.address })),
    sign(transfer({ chainId: `${chainId}-other` })),
    sign(transfer({ chainId: 'another-chain' })),
    { ...sign(transfer(), [other]), body: transfer() }, // signed by a key that is not the sender's
    sign(transfer(), [sender, other]),
    sign(channelBody({ type: 'channel.settle', channelId: context.channelId })), // the channel is open: NOT_FROZEN
    sign(channelBody({ type: 'channel.settle', channelId: 'ee'.repeat(32) })),
    sign(channelBody({ type: 'channel.terminate', channelId: 'ee'.repeat(32), state: null, stateSignatures: [] })),
    sign(
      channelBody({
        type: 'channel.open',
        channelId: context.channelId,
        members: [
          { publicKey: toHex(sender.publicKey), deposit: 1n },
          { publicKey: toHex(other.publicKey), deposit: 1n },
        ],
        challengeBlocks: 5,
        topology: 'star',
      }),
    ), // an open not signed by every member, for a channel id that exists
  ];
  const resigned = fc.constantFrom(...refusedResigned.map((tx) => JSON.stringify(wire(tx))));
  const signatureOff = fc.oneof(
    fc.constant(withSignature(toHex(malleate(fromHex(goodSignature.signature))))),
    fc.constant(withSignature(otherSigned.signatures[0]!.signature)), // replayed from another transaction
    fc.constant(withSignature(goodSignature.signature.toUpperCase())),
    fc.constant(withSignature(goodSignature.signature, toHex(other.publicKey))),
    fc.stringMatching(/^[0-9a-f]{128}$/).map((signature) => withSignature(signature)),
    fc.constant(JSON.stringify({ ...goodWire, signatures: [] })),
    fc.constant(JSON.stringify({ ...goodWire, signatures: Array.from({ length: 65 }, () => goodSignature) })),
    oneFieldOff(goodSignature as unknown as Record<string, unknown>).map((entry) => JSON.stringify({ ...goodWire, signatures: [] }).replace('[]', `[${entry}]`)),
  );
  // An unsigned change to the body: the signature no longer covers it.
  const bodyOff = oneFieldOff(goodBodyWire).map((body) => `{"body":${body},"signatures":${JSON.stringify(goodWire.signatures)}}`);
  const outerOff = oneFieldOff(goodWire);
  const single = fc.oneof(resigned, signatureOff, bodyOff, outerOff);
  // Arrays are checked whole: a good transaction beside a bad one must not enter either.
  const batch = fc.oneof(
    fc.array(single, { minLength: 1, maxLength: 20 }).map((items) => `[${items.join(',')}]`),
    fc.tuple(single, fc.nat(5)).map(([bad, at]) => {
      const items = Array.from({ length: 6 }, (_, index) => (index === at ? bad : JSON.stringify(goodWire)));
      return `[${items.join(',')}]`;
    }),
    fc.constant(`[${Array.from({ length: 501 }, () => JSON.stringify(goodWire)).join(',')}]`),
  );
  return fc.oneof({ weight: 4, arbitrary: single }, { weight: 1, arbitrary: batch });
}

/** Envelopes of consensus messages, authenticated or not; the messages inside are hostile or carry signatures that do not verify. */
function peerEnvelopes(context: L1FuzzContext, target: number): fc.Arbitrary<{ body: string; mac: string }> {
  const peer = (target + 1) % context.replicaPublicKeys.length;
  const keys = derivePeerKeys(context.chainId, peer, context.replicaSecretKeys[peer]!, context.replicaPublicKeys);
  const macKey = keys.macKeyFor(target)!;
  const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
  const signature = fc.oneof(fc.stringMatching(/^[0-9a-f]{128}$/), oddString);
  const small = fc.oneof(fc.nat(1_000), numberToken.map(Number));
  const vote = fc.record({
    type: fc.constantFrom('pre-prepare', 'prepare', 'commit', 'checkpoint', 'complaint', 'view-change', 'new-view', 'request', 'fetch', 'state-request', 'bogus'),
    view: small,
    seq: small,
    digest: hex64,
    root: hex64,
    replica: fc.nat(5),
    signature,
  }).map((message) => JSON.stringify(message));
  const message = fc.oneof(vote, jsonText(['type', 'view', 'seq', 'digest', 'replica', 'signature', 'block', 'txs', 'tx']));
  const envelope = fc.tuple(fc.oneof(fc.constant(peer), fc.constant(target), small), fc.array(message, { maxLength: 8 })).map(([from, messages]) => `{"from":${from},"messages":[${messages.join(',')}]}`);
  const body = fc.oneof(envelope, hostileBody(['from', 'messages']).map((value) => (typeof value === 'string' ? value : Buffer.from(value).toString('latin1'))));
  return fc.tuple(body, fc.oneof({ weight: 3, arbitrary: fc.constant('valid') }, { weight: 1, arbitrary: fc.stringMatching(/^[0-9a-f]{0,70}$/) })).map(([text, mac]) => ({
    body: text,
    mac: mac === 'valid' ? macOf(macKey, text) : mac,
  }));
}

export type { EndpointCases };

export function l1Endpoints(context: L1FuzzContext, target: number): EndpointCases[] {
  const limits = { bodyLimitBytes: MAX_REQUEST_BODY_BYTES };
  const hash = fc.oneof(fc.constant(context.committedHash), fc.stringMatching(/^[0-9a-f]{64}$/), fc.constant(context.committedHash.toUpperCase()));
  const height = fc.oneof(fc.constant(String(context.height)), fc.constant('1'), fc.nat().map(String), numberToken.map(escapeForUrl));
  // waitMs is bounded (MAX_WAIT_MS) and a valid one holds a request open: small valid values, and invalid ones of every kind.
  const waitQuery = fc.oneof(queryString(['waitMs']), fc.oneof(fc.integer({ min: 0, max: 200 }).map(String), numberToken, oddString.map(escapeForUrl)).map((value) => `?waitMs=${value}`));
  const envelopes = peerEnvelopes(context, target);
  const peerRequests: fc.Arbitrary<RawRequest> = fc.oneof(
    { weight: 300, arbitrary: envelopes.map(({ body, mac }) => ({ method: 'POST', path: '/v1/peer/messages', headers: { 'content-type': 'application/json', 'x-wedge-mac': mac }, body })) },
    // Compressed envelopes take the express route rather than the fast path.
    { weight: 60, arbitrary: postRequest('/v1/peer/messages', envelopes.map(({ body }) => body), { bodyLimitBytes: PEER_BODY_LIMIT_BYTES }, fc.constant({ 'x-wedge-mac': '00'.repeat(32) }), false) },
    // The fast path refuses on the declared length alone, before reading a byte of the body.
    { weight: 15, arbitrary: fc.integer({ min: 1, max: 2 ** 40 }).map((extra): RawRequest => ({ method: 'POST', path: '/v1/peer/messages', headers: { 'content-length': String(PEER_BODY_LIMIT_BYTES + extra) }, body: '{}' })) },
    // Rare: each is 64 MB on the wire.
    { weight: 1, arbitrary: oversized({ bodyLimitBytes: PEER_BODY_LIMIT_BYTES }).map(({ body }): RawRequest => ({ method: 'POST', path: '/v1/peer/messages', headers: { 'content-type': 'application/json' }, body })) },
  );
  return [
    { name: 'POST /v1/txs', cases: postRequest('/v1/txs', fc.oneof({ weight: 3, arbitrary: badTransactions(context) }, { weight: 2, arbitrary: hostileBody(TX_KEYS) }), limits) },
    { name: 'GET /v1/txs/:hash', cases: getRequest('/v1/txs/:hash', { hash }) },
    { name: 'GET /v1/accounts/:address', cases: getRequest('/v1/accounts/:address', { address: fc.oneof(fc.constant(context.sender.address), fc.constant(context.sender.address.toUpperCase()), fc.stringMatching(/^[0-9a-f]{40}$/)) }) },
    { name: 'GET /v1/channels/:id', cases: getRequest('/v1/channels/:id', { id: fc.oneof(fc.constant(context.channelId), fc.stringMatching(/^[0-9a-f]{64}$/)) }) },
    { name: 'GET /v1/blocks/:height', cases: getRequest('/v1/blocks/:height', { height }) },
    { name: 'GET /v1/blocks/:height/results', cases: getRequest('/v1/blocks/:height/results', { height }, waitQuery) },
    { name: 'GET /v1/status', cases: getRequest('/v1/status') },
    { name: 'POST /v1/peer/messages', cases: peerRequests },
    { name: 'unknown paths', cases: getRequest('/:a/:b', { a: fc.constantFrom('v1', 'v2', 'api', '', '..'), b: pathParameter }) },
    ...operatorEndpoints(),
  ];
}
