// Raw HTTP requests for tests that send what no client library would: any
// method, any header (Host, Content-Type, Content-Encoding, a wrong
// Content-Length), any bytes as the body. `fetch` normalizes or refuses most
// of that, so this goes through node:http with a keep-alive agent per target,
// which lets a fuzzer keep a few sockets busy instead of opening one per case.
import { Agent, request } from 'node:http';
import { connect } from 'node:net';

export type RawRequest = {
  readonly method: string;
  /** Path and query, sent as they are (not escaped again). */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | string;
};

/** What came back: the status and body, or how the connection failed before an answer. */
export type RawAnswer =
  | { readonly kind: 'answer'; readonly status: number; readonly contentType: string; readonly body: string }
  | { readonly kind: 'no-answer'; readonly error: string; readonly reused?: boolean };

/** Longest answer body kept; the servers' answers are far shorter, and a longer one is reported cut. */
const MAX_ANSWER_BYTES = 8 * 1024 * 1024;
const REQUEST_TIMEOUT_MS = 30_000;

const agents = new Map<string, Agent>();

function agentFor(origin: string): Agent {
  let agent = agents.get(origin);
  if (agent === undefined) {
    agent = new Agent({ keepAlive: true, maxSockets: 16 });
    agents.set(origin, agent);
  }
  return agent;
}

/** Closes every kept-alive socket (call in afterAll, or the test process lingers). */
export function closeRawAgents(): void {
  for (const agent of agents.values()) agent.destroy();
  agents.clear();
}

/** Bodies from this size on go over a socket of their own (see oversizedRequest). */
const LARGE_BODY_BYTES = 1024 * 1024;

export async function rawRequest(baseUrl: string, spec: RawRequest): Promise<RawAnswer> {
  const url = new URL(baseUrl);
  const body = spec.body === undefined ? undefined : typeof spec.body === 'string' ? Buffer.from(spec.body, 'utf8') : Buffer.from(spec.body.buffer, spec.body.byteOffset, spec.body.byteLength);
  const headers: Record<string, string> = { ...(spec.headers ?? {}) };
  if (body !== undefined && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-length')) headers['content-length'] = String(body.length);
  if (body !== undefined && body.length >= LARGE_BODY_BYTES) return largeRequest(url, spec, headers, body);
  const first = await agentRequest(url, spec, headers, body);
  // A kept-alive socket the server closed as idle just as it was reused: the request never reached it, so it is sent again (once, on a fresh socket).
  if (first.kind === 'no-answer' && first.reused) return agentRequest(url, spec, headers, body);
  return first;
}

function agentRequest(url: URL, spec: RawRequest, headers: Record<string, string>, body: Buffer | undefined): Promise<RawAnswer & { reused?: boolean }> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (answer: RawAnswer) => {
      if (settled) return;
      settled = true;
      resolve(answer);
    };
    const outgoing = request(
      { host: url.hostname, port: url.port, method: spec.method, path: spec.path, headers, agent: agentFor(url.origin), timeout: REQUEST_TIMEOUT_MS },
      (response) => {
        const chunks: Buffer[] = [];
        let length = 0;
        response.on('data', (chunk: Buffer) => {
          if (length < MAX_ANSWER_BYTES) chunks.push(chunk);
          length += chunk.length;
        });
        response.once('end', () =>
          settle({ kind: 'answer', status: response.statusCode ?? 0, contentType: String(response.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }),
        );
        response.once('error', (error) => settle({ kind: 'no-answer', error: error.message }));
      },
    );
    outgoing.once('timeout', () => outgoing.destroy(new Error(`no answer in ${REQUEST_TIMEOUT_MS} ms`)));
    outgoing.once('error', (error) => {
      const reused = outgoing.reusedSocket && (error as NodeJS.ErrnoException).code === 'ECONNRESET';
      settle({ kind: 'no-answer', error: error.message, ...(reused ? { reused } : {}) });
    });
    if (body !== undefined) outgoing.end(body);
    else outgoing.end();
  });
}

/**
 * A large body over a socket of its own, reading while writing: a server
 * that refuses an oversized body answers 413 and closes before it has read
 * it all, and node:http's client, failing to write (EPIPE), would drop that
 * answer unread. Here the answer is whatever came back before the close.
 */
function largeRequest(url: URL, spec: RawRequest, headers: Record<string, string>, body: Buffer): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => {}); // EPIPE or ECONNRESET once the server has answered and closed; what it sent is read on close
    socket.setTimeout(REQUEST_TIMEOUT_MS, () => socket.destroy());
    socket.once('connect', () => {
      const head = [`${spec.method} ${spec.path} HTTP/1.1`, `host: ${url.host}`, 'connection: close', ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)].join('\r\n');
      socket.write(`${head}\r\n\r\n`);
      socket.end(body);
    });
    socket.once('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (match === null) return resolve({ kind: 'no-answer', error: `no answer to a ${body.length}-byte body` });
      const split = text.indexOf('\r\n\r\n');
      const headText = text.slice(0, split).toLowerCase();
      const contentType = /\r\ncontent-type: *([^\r]*)/.exec(headText)?.[1] ?? '';
      resolve({ kind: 'answer', status: Number(match[1]), contentType, body: split === -1 ? '' : text.slice(split + 4) });
    });
  });
}
