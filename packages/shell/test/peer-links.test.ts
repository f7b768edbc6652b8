// What the authenticated peer links guarantee, over real HTTP on 127.0.0.1:
// messages reach the peer in order, batched (at most maxBatchMessages an
// envelope, and at most maxBatchBytes unless one message alone is larger;
// a message above maxMessageBytes is refused at send), each envelope under
// the MAC of its pair's key; a failure halves the next envelope; a queue never
// holds more than maxQueuedMessages — neither when sends outrun the peer nor
// when a failed batch is put back in front of what arrived meanwhile — and
// what the bound pushes out is the oldest, reported; a failed envelope is
// retried until the peer takes it; a 4xx is final only for a shell that says
// so; reachability follows the answers.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { toHex, utf8 } from '@wedge/common';
import { keyPairFromSecret, sha256 } from '@wedge/crypto';
import { fastSecp256k1 } from '@wedge/crypto/node';
import { afterEach, describe, expect, it } from 'vitest';
import { PeerLinks, type PeerLinkLimits, type PeerLinksOptions } from '../src/peer-links.ts';
import { derivePairwiseKeys, isValidMac } from '../src/peer-mac.ts';

const PATH = '/v1/peer/messages';
const secrets = [0, 1].map((seed) => sha256(utf8(`peer-links test key ${seed}`)));
const publicKeys = secrets.map((secret) => toHex(keyPairFromSecret(fastSecp256k1, secret).publicKey));
const keysOf = (self: number) => derivePairwiseKeys({ self, secretKey: secrets[self]!, publicKeys, labelOf: (low, high) => `wedge/test/peer-mac/${low}/${high}` });
/** The receiving end's key for the link from peer 0. */
const receiverKey = keysOf(1).macKeyFor(0)!;

type Envelope = { from: number; messages: number[]; macValid: boolean };
/** Decides the status of one request; may wait (the request stays in flight meanwhile). */
type Responder = (envelope: Envelope) => Promise<number> | number;

const servers: Server[] = [];
const linkSets: PeerLinks<number>[] = [];

afterEach(async () => {
  for (const links of linkSets.splice(0)) links.close();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A peer that records the envelopes it gets and answers as `respond` says. */
async function peer(respond: Responder = () => 204): Promise<{ url: string; envelopes: Envelope[] }> {
  const envelopes: Envelope[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const body = Buffer.concat(chunks);
      const parsed = JSON.parse(body.toString('utf8')) as { from: number; messages: number[] };
      const mac = request.headers['x-wedge-mac'];
      const envelope = { ...parsed, macValid: request.url === PATH && typeof mac === 'string' && isValidMac(receiverKey, body, mac) };
      envelopes.push(envelope);
      const status = await respond(envelope);
      response.statusCode = status;
      response.end(status === 204 ? undefined : JSON.stringify({ error: { code: 'X', message: `status ${status}` } }));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`, envelopes };
}

/** A URL where nothing listens. */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

const LIMITS: PeerLinkLimits = { maxQueuedMessages: 10, maxBatchMessages: 3, maxBatchBytes: 1_000, maxMessageBytes: 2_000, backoffMsMin: 5, backoffMsMax: 20, requestTimeoutMs: 2_000 };

function linksTo(url: string, options: Partial<PeerLinksOptions<number>> = {}): PeerLinks<number> {
  const links = new PeerLinks<number>({
    self: 0,
    peers: [
      { id: 0, url: 'http://127.0.0.1:1' },
      { id: 1, url },
    ],
    path: PATH,
    keys: keysOf(0),
    limits: LIMITS,
    encode: (_peer, batch) => utf8(JSON.stringify({ from: 0, messages: batch })),
    sizeOf: (message) => String(message).length + 1,
    ...options,
  });
  linkSets.push(links);
  return links;
}

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** A gate the responder waits at until the test opens it. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

const delivered = (envelopes: Envelope[]): number[] => envelopes.flatMap((envelope) => envelope.messages);

describe('PeerLinks', () => {
  it('delivers in order, batched, under the pair’s MAC, and reports each delivered batch', async () => {
    const target = await peer();
    const reports: number[][] = [];
    const links = linksTo(target.url, { onDelivered: (_peer, batch) => reports.push([...batch]) });
    for (let message = 0; message < 7; message++) links.send(1, message);
    links.send(0, 99); // to itself: no link
    await until(() => delivered(target.envelopes).length === 7, 'seven messages');
    expect(target.envelopes.map((envelope) => envelope.messages)).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(target.envelopes.every((envelope) => envelope.macValid)).toBe(true);
    await until(() => reports.length === 3, 'three reports');
    expect(reports).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(links.reachability()).toEqual([{ id: 1, url: target.url.replace(/\/$/, ''), reachable: true, lastSeenMs: expect.any(Number) }]);
  });

  it('holds its bound when sends outrun the peer, dropping and reporting the oldest', async () => {
    const held = gate();
    const target = await peer(async () => {
      await held.wait;
      return 204;
    });
    const dropped: number[] = [];
    const links = linksTo(target.url, { onDropped: (_peer, messages) => dropped.push(...messages) });
    links.send(1, 0);
    await until(() => target.envelopes.length === 1, 'the first envelope in flight');
    for (let message = 1; message <= 100; message++) links.send(1, message);
    expect(links.backlog()).toEqual([{ id: 1, queued: 10, dropped: 90, oversized: 0 }]);
    expect(dropped).toEqual(Array.from({ length: 90 }, (_, index) => index + 1));
    held.open();
    await until(() => delivered(target.envelopes).length === 11, 'the rest');
    expect(delivered(target.envelopes)).toEqual([0, ...Array.from({ length: 10 }, (_, index) => index + 91)]);
  });

  it('re-queues a failed batch in front without exceeding the bound, then delivers what is left in order', async () => {
    const held = gate();
    let requests = 0;
    const target = await peer(async () => {
      requests += 1;
      if (requests > 1) return 204;
      await held.wait;
      return 503;
    });
    const dropped: number[] = [];
    const reachable: boolean[] = [];
    const links = linksTo(target.url, { onDropped: (_peer, messages) => dropped.push(...messages), onReachability: (_peer, now) => reachable.push(now) });
    for (let message = 0; message < 3; message++) links.send(1, message);
    await until(() => target.envelopes.length === 1, 'the first envelope in flight');
    // The queue fills to its bound behind the batch in flight.
    for (let message = 3; message < 13; message++) links.send(1, message);
    expect(links.backlog()[0]!.queued).toBe(10);
    held.open();
    // The batch [0, 1, 2] comes back to a full queue: the three oldest give way, the queue stays at its bound.
    await until(() => dropped.length === 3, 'the re-queue');
    expect(dropped).toEqual([0, 1, 2]);
    expect(links.backlog()[0]!.queued).toBeLessThanOrEqual(10);
    expect(links.reachability()[0]!.reachable).toBe(false);
    await until(() => delivered(target.envelopes).length === 13, 'the retries');
    expect(delivered(target.envelopes).slice(3)).toEqual(Array.from({ length: 10 }, (_, index) => index + 3));
    expect(links.backlog()).toEqual([{ id: 1, queued: 0, dropped: 3, oversized: 0 }]);
    expect(reachable).toEqual([true]); // never reachable before the failure, so the first change is the recovery
  });

  it('bounds an envelope by bytes as well, a message of any allowed size going alone', async () => {
    const held = gate();
    const target = await peer(async () => {
      await held.wait;
      return 204;
    });
    // A message's size is its value: the envelope takes messages while they fit in maxBatchBytes (1,000), and at least one.
    const links = linksTo(target.url, { sizeOf: (message) => message, limits: { ...LIMITS, maxBatchMessages: 10 } });
    links.send(1, 1);
    await until(() => target.envelopes.length === 1, 'the first envelope in flight');
    for (const message of [400, 400, 300, 1_500, 200, 200]) links.send(1, message);
    held.open();
    await until(() => delivered(target.envelopes).length === 7, 'every message');
    expect(target.envelopes.map((envelope) => envelope.messages)).toEqual([[1], [400, 400], [300], [1_500], [200, 200]]);
  });

  it('refuses a message larger than any envelope at send, reports it, and keeps the link going', async () => {
    const target = await peer();
    const oversized: { message: number; bytes: number }[] = [];
    const links = linksTo(target.url, { sizeOf: (message) => message, onOversized: (_peer, message, bytes) => oversized.push({ message, bytes }) });
    links.send(1, 2_001);
    links.send(1, 2_000);
    links.send(1, 5);
    await until(() => delivered(target.envelopes).length === 2, 'the two that fit');
    expect(delivered(target.envelopes)).toEqual([2_000, 5]);
    expect(oversized).toEqual([{ message: 2_001, bytes: 2_001 }]);
    expect(links.backlog()).toEqual([{ id: 1, queued: 0, dropped: 0, oversized: 1 }]);
  });

  it('halves the envelope after each failure and restores it after a success', async () => {
    let requests = 0;
    const target = await peer(() => (++requests <= 2 ? 503 : 204));
    const links = linksTo(target.url, { limits: { ...LIMITS, maxQueuedMessages: 100, maxBatchMessages: 8 } });
    for (let message = 0; message < 8; message++) links.send(1, message);
    await until(() => requests === 4, 'two failures and two deliveries');
    // [0..7] fails, then [0..3] fails, [0, 1] is taken, and the envelope is back to 8: the remaining six.
    expect(target.envelopes.map((envelope) => envelope.messages)).toEqual([[0, 1, 2, 3, 4, 5, 6, 7], [0, 1, 2, 3], [0, 1], [2, 3, 4, 5, 6, 7]]);
  });

  it('retries a peer that is down until it is up, keeping at most the bound meanwhile', async () => {
    const url = await deadUrl();
    const links = linksTo(url);
    for (let message = 0; message < 25; message++) links.send(1, message);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(links.reachability()[0]!.reachable).toBe(false);
    expect(links.backlog()[0]!.queued).toBeLessThanOrEqual(10);
    expect(links.backlog()[0]!.dropped).toBeGreaterThanOrEqual(15);
  });

  it('gives up a 4xx batch only for a shell that says so, and retries it otherwise', async () => {
    const final = await peer((envelope) => (envelope.messages.includes(0) ? 401 : 204));
    const refused: { batch: number[]; status: number; text: string }[] = [];
    const giving = linksTo(final.url, { onRefused: (_peer, batch, answer) => refused.push({ batch: [...batch], status: answer.status, text: answer.text }) });
    giving.send(1, 0);
    await until(() => refused.length === 1, 'the refusal');
    giving.send(1, 1);
    await until(() => delivered(final.envelopes).includes(1), 'the next message');
    expect(refused).toEqual([{ batch: [0], status: 401, text: expect.stringContaining('status 401') }]);
    expect(final.envelopes.filter((envelope) => envelope.messages.includes(0))).toHaveLength(1);

    let attempts = 0;
    const retried = await peer(() => (++attempts < 3 ? 401 : 204));
    const retrying = linksTo(retried.url);
    retrying.send(1, 7);
    await until(() => attempts === 3, 'three attempts');
    expect(retried.envelopes.map((envelope) => envelope.messages)).toEqual([[7], [7], [7]]);
  });

  it('marks a peer heard from, and after close sends nothing and reports nothing', async () => {
    const target = await peer();
    const reports: number[] = [];
    const links = linksTo(target.url, { onDelivered: (_peer, batch) => reports.push(...batch) });
    links.heardFrom(1, 1_234);
    expect(links.reachability()[0]).toMatchObject({ reachable: true, lastSeenMs: 1_234 });
    links.send(1, 1);
    links.close();
    links.send(1, 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(target.envelopes).toEqual([]);
    expect(reports).toEqual([]);
  });

  it('rejects limits that are not positive integers', () => {
    expect(() => linksTo('http://127.0.0.1:1', { limits: { ...LIMITS, maxQueuedMessages: 0 } })).toThrow(RangeError);
    expect(() => linksTo('http://127.0.0.1:1', { limits: { ...LIMITS, backoffMsMin: 50, backoffMsMax: 10 } })).toThrow(RangeError);
  });
});
