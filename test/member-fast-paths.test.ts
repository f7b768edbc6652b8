// Proves a member's plain node:http fast paths (POST /v1/peer/messages and
// POST /v1/payments, member-fast-paths.ts) answer exactly as the express
// routes they bypass: two in-process members of the same channel, one served
// by the fast paths and one by the express app alone, get the same corpus of
// requests in the same order — valid, refused and duplicate payments, arrays,
// malformed, empty and BOM-prefixed bodies, invalid UTF-8, authenticated,
// forged, stale and misaddressed envelopes — and must give the same status,
// content type and body to every one (so their states stay alike too). Also
// that the fast paths take exactly the plain requests and leave everything
// else (compressed, chunked, other media types and charsets, oversized,
// query strings, other paths and methods) to express.
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@wedge/client';
import type { Payment } from '@wedge/channel';
import { fastSecp256k1 } from '@wedge/crypto/node';
import { MAX_API_BODY_BYTES, MAX_PEER_BODY_BYTES } from '../apps/l2-node/src/l2-api.ts';
import { L1Reader } from '../apps/l2-node/src/l1-reader.ts';
import { createMemberApi } from '../apps/l2-node/src/member-api.ts';
import { createMemberRequestListener, fastRouteOf } from '../apps/l2-node/src/member-fast-paths.ts';
import { MemberNode } from '../apps/l2-node/src/member-node.ts';
import { deriveChannelPeerKeys, macOf } from '../apps/l2-node/src/peer-auth.ts';
import { PEER_PATH } from '../apps/l2-node/src/peer-transport.ts';
import { L1Network } from './support/l1-network.ts';
import { L2Channel, accountKeys } from './support/l2-network.ts';

const PAYMENT_WAIT_MS = 150;

let network: L1Network;
let channel: L2Channel;
let scratch: string;
const nodes: MemberNode[] = [];
const servers: Server[] = [];
let fastUrl: string;
let expressUrl: string;

async function serve(listener: RequestListener): Promise<string> {
  const server = createServer(listener);
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

beforeAll(async () => {
  network = await L1Network.create({ replicas: 4, accounts: 2, params: { idleBlockMs: 100 } });
  await network.startAll();
  const client = createClient({ genesis: network.genesis });
  channel = await L2Channel.open(network, client, { keys: accountKeys(network), deposits: [1_000n, 1_000n], topology: 'star', challengeBlocks: 50 });
  scratch = mkdtempSync(join(tmpdir(), 'wedge-fast-paths-'));
  const reader = new L1Reader(network.genesis);
  const verified = await reader.channel(channel.id);
  expect(verified).not.toBeNull();
  // Member 0 twice, never started: its peer is nowhere, so no certificate completes and both stay alike.
  for (const name of ['fast', 'express']) {
    nodes.push(
      new MemberNode({
        chainId: network.genesis.chainId,
        record: verified!.record,
        self: 0,
        account: channel.keys[0]!,
        scheme: fastSecp256k1,
        peers: ['http://127.0.0.1:9', 'http://127.0.0.1:9'],
        dataDir: join(scratch, name),
        maxBatchPayments: 1,
        progressTimeoutMs: 60_000,
        l1PollMs: 60_000,
        reader,
        watchtowerUrl: null,
        crashAfterPersist: null,
        log: { info: () => {} },
      }),
    );
  }
  fastUrl = await serve(createMemberRequestListener(nodes[0]!, { paymentWaitMs: PAYMENT_WAIT_MS }));
  expressUrl = await serve(createMemberApi(nodes[1]!, { paymentWaitMs: PAYMENT_WAIT_MS }));
}, 90_000);

afterAll(async () => {
  for (const node of nodes) node.stop();
  for (const server of servers) server.closeAllConnections(), server.close();
  await network?.destroy();
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
});

type Answer = { status: number; type: string | null; body: string };

async function post(url: string, path: string, body: string | Uint8Array, headers: Record<string, string>): Promise<Answer> {
  const response = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
}

function wireOf(payment: Payment): Record<string, unknown> {
  return { from: payment.from, to: payment.to, amount: String(payment.amount), seq: payment.seq, paymentId: payment.paymentId, signature: payment.signature };
}

/** An envelope from member 1 to member 0 as its PeerLinks would write it, with fields overridden. */
function envelope(messages: unknown[], fields: Record<string, unknown> = {}): string {
  return JSON.stringify({ channelId: channel.id, from: 1, to: 0, sentAtMs: Date.now(), messages, ...fields });
}

function macFromMember1(body: string): string {
  const keys = deriveChannelPeerKeys(network.genesis.chainId, channel.id, 1, channel.keys[1]!.secretKey, channel.keys.map((key) => Buffer.from(key.publicKey).toString('hex')));
  return macOf(keys.macKeyFor(0)!, body);
}

describe('member fast paths', () => {
  it('answer every request of the corpus exactly as the express routes do', async () => {
    const first = channel.payment(0, 1, 5n);
    const second = channel.payment(1, 0, 3n);
    const badSignature = { ...wireOf(channel.payment(0, 1, 1n)), signature: '00'.repeat(64) };
    const overdraft = channel.payment(0, 1, 5_000n);
    const invalidUtf8 = new Uint8Array([0x7b, 0xff, 0xfe, 0x22, 0x7d]);
    const closeRequest = envelope([{ type: 'close-request' }]);
    const payments: { name: string; body: string | Uint8Array }[] = [
      { name: 'a valid payment (waits, times out: no peer)', body: JSON.stringify(wireOf(first)) },
      { name: 'the same payment again', body: JSON.stringify(wireOf(first)) },
      { name: 'an array of two, one a duplicate', body: JSON.stringify([wireOf(second), wireOf(first)]) },
      { name: 'a bad signature', body: JSON.stringify(badSignature) },
      { name: 'an overdraft', body: JSON.stringify(wireOf(overdraft)) },
      { name: 'an empty body', body: '' },
      { name: 'whitespace', body: ' \n ' },
      { name: 'a byte order mark before a payment', body: `\uFEFF${JSON.stringify(wireOf(channel.payment(0, 1, 2n)))}` },
      { name: 'malformed JSON', body: '{"from":0,' },
      { name: 'null', body: 'null' },
      { name: 'a number', body: '42' },
      { name: 'a string', body: '"pay"' },
      { name: 'an empty array', body: '[]' },
      { name: 'an array of 201', body: JSON.stringify(Array.from({ length: 201 }, () => wireOf(first))) },
      { name: 'an extra field', body: JSON.stringify({ ...wireOf(first), extra: 1 }) },
      { name: 'a negative amount', body: JSON.stringify({ ...wireOf(first), amount: '-1' }) },
      { name: '__proto__', body: '{"__proto__":{"from":0}}' },
      { name: 'deep nesting', body: `${'['.repeat(5_000)}${']'.repeat(5_000)}` },
      { name: 'invalid UTF-8', body: invalidUtf8 },
      { name: 'exactly the limit', body: `"${'a'.repeat(MAX_API_BODY_BYTES - 2)}"` },
    ];
    for (const { name, body } of payments) {
      const [fast, slow] = await Promise.all([post(fastUrl, '/v1/payments', body, {}), post(expressUrl, '/v1/payments', body, {})]);
      expect({ name, ...fast }).toEqual({ name, ...slow });
    }
    const envelopes: { name: string; body: string | Uint8Array; mac?: string }[] = [
      { name: 'authenticated, a close request', body: closeRequest },
      { name: 'authenticated, no messages', body: envelope([]) },
      { name: 'authenticated, messages of no known shape', body: envelope([{ type: 'vote' }, 7, null]) },
      { name: 'a wrong MAC', body: envelope([]), mac: '00'.repeat(32) },
      { name: 'no MAC', body: envelope([]), mac: '' },
      { name: 'a MAC that is not hex', body: envelope([]), mac: 'zz' },
      { name: 'another channel', body: envelope([], { channelId: 'ff'.repeat(32) }) },
      { name: 'to another member', body: envelope([], { to: 1 }) },
      { name: 'from an unknown member', body: envelope([], { from: 7 }) },
      { name: 'too old', body: envelope([], { sentAtMs: Date.now() - 10 * 60_000 }) },
      { name: 'an extra field', body: envelope([], { extra: true }) },
      { name: 'too many messages', body: envelope(Array.from({ length: 257 }, () => ({ type: 'close-request' }))) },
      { name: 'a byte order mark before it', body: `\uFEFF${envelope([])}` },
      { name: 'malformed JSON', body: '{"channelId":' },
      { name: 'an empty body', body: '' },
      { name: 'an array', body: '[]' },
      { name: 'invalid UTF-8', body: invalidUtf8 },
    ];
    for (const { name, body, mac } of envelopes) {
      const text = typeof body === 'string' ? body.replace(/^\uFEFF/, '') : Buffer.from(body).toString('utf8');
      const headers = { 'x-wedge-mac': mac ?? macFromMember1(text) };
      const [fast, slow] = await Promise.all([post(fastUrl, PEER_PATH, body, headers), post(expressUrl, PEER_PATH, body, headers)]);
      expect({ name, ...fast }).toEqual({ name, ...slow });
    }
    // The corpus reached the cores alike: the same close request taken, the same payments waiting.
    const [fastState, expressState] = nodes.map((node) => node.memberState);
    expect(fastState!.closeRequested).toBe(true);
    expect(expressState!.closeRequested).toBe(true);
    expect([...fastState!.pending.keys()]).toEqual([...expressState!.pending.keys()]);
  }, 60_000);

  it('take exactly the plain requests and leave everything else to express', () => {
    const request = (method: string, url: string, headers: Record<string, string>) => ({ method, url, headers }) as unknown as IncomingMessage;
    const plain = { 'content-type': 'application/json', 'content-length': '10' };
    expect(fastRouteOf(request('POST', PEER_PATH, plain))).toBe('peer');
    expect(fastRouteOf(request('POST', '/v1/payments', plain))).toBe('payments');
    expect(fastRouteOf(request('POST', '/v1/payments', { ...plain, 'content-type': 'Application/JSON; Charset=UTF-8' }))).toBe('payments');
    expect(fastRouteOf(request('POST', '/v1/payments', { ...plain, 'content-length': String(MAX_API_BODY_BYTES) }))).toBe('payments');
    expect(fastRouteOf(request('POST', PEER_PATH, { ...plain, 'content-length': String(MAX_PEER_BODY_BYTES) }))).toBe('peer');
    const toExpress: [string, string, Record<string, string>][] = [
      ['GET', '/v1/payments', plain],
      ['PUT', PEER_PATH, plain],
      ['POST', '/v1/payments/', plain],
      ['POST', '/V1/PAYMENTS', plain],
      ['POST', '/v1/payments?x=1', plain],
      ['POST', `${PEER_PATH}/`, plain],
      ['POST', '/v1/channel', plain],
      ['POST', '/v1/payments', { ...plain, 'content-encoding': 'gzip' }],
      ['POST', '/v1/payments', { ...plain, 'content-encoding': 'identity' }],
      ['POST', '/v1/payments', { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }],
      ['POST', '/v1/payments', { 'content-type': 'application/json' }],
      ['POST', '/v1/payments', { 'content-length': '10' }],
      ['POST', '/v1/payments', { ...plain, 'content-type': 'text/plain' }],
      ['POST', '/v1/payments', { ...plain, 'content-type': 'application/json; charset=utf-16' }],
      ['POST', '/v1/payments', { ...plain, 'content-type': 'application/json; charset=latin1' }],
      ['POST', PEER_PATH, { ...plain, 'content-type': 'text/plain; charset=utf-8' }],
      ['POST', '/v1/payments', { ...plain, 'content-length': String(MAX_API_BODY_BYTES + 1) }],
      ['POST', PEER_PATH, { ...plain, 'content-length': String(MAX_PEER_BODY_BYTES + 1) }],
      ['POST', '/v1/payments', { ...plain, 'content-length': '1e3' }],
    ];
    for (const [method, url, headers] of toExpress) expect({ method, url, headers, route: fastRouteOf(request(method, url, headers)) }).toEqual({ method, url, headers, route: null });
  });
});
