// The member's request listener: its two busiest requests — peer envelopes
// (POST /v1/peer/messages, several per channel state) and clients' payments
// (POST /v1/payments, one per payment when unbatched) — answered by plain
// node:http handlers, everything else by the express app (member-api.ts).
// Express's router, body parsers and response helpers cost a member more CPU
// per state than its signature checks; these handlers skip them. They take
// only the common, plain case — exactly the path, a declared length within
// the route's limit, a JSON media type in UTF-8, no content encoding — and for
// it answer exactly as the express route does (same status, content type and
// body, the same shared logic of member-endpoints.ts after the body is read;
// test/member-fast-paths.test.ts compares the two on a corpus). Any other
// request (compressed, chunked, odd media type or charset, oversized, a query
// string, another case or a trailing slash) goes to express, which serves it
// as it always did.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { apiErrorBody, errorAnswerOf } from '@wedge/api';
import { acceptPaymentRequest, acceptPeerEnvelope, type PeerOutcome } from './member-endpoints.ts';
import { MAX_API_BODY_BYTES, MAX_PEER_BODY_BYTES } from './l2-api.ts';
import { createMemberApi, type MemberApiOptions } from './member-api.ts';
import type { MemberNode } from './member-node.ts';
import { PEER_PATH } from './peer-transport.ts';

const PAYMENTS_PATH = '/v1/payments';
/** The media types a fast path takes (lower-cased), the ones our clients send: JSON, UTF-8 by default or by name. */
const PLAIN_TYPES = new Set(['application/json', 'application/json; charset=utf-8']);
const JSON_TYPE = 'application/json; charset=utf-8';

/** The server's listener: the fast paths first, then the express app. */
export function createMemberRequestListener(node: MemberNode, options: MemberApiOptions): RequestListener {
  const app = createMemberApi(node, options);
  return (request, response) => {
    const route = fastRouteOf(request);
    if (route === 'peer') readBody(request, response, (body) => answerPeer(node, request, response, body));
    else if (route === 'payments') readBody(request, response, (body) => answerPayments(node, options, response, body));
    else void app(request, response);
  };
}

/**
 * Which fast path takes a request, or null for express: a POST to exactly one
 * of the two paths, not compressed, with a JSON media type express reads as
 * UTF-8 and a declared length within that route's body limit.
 */
export function fastRouteOf(request: IncomingMessage): 'peer' | 'payments' | null {
  if (request.method !== 'POST') return null;
  const route = request.url === PEER_PATH ? 'peer' : request.url === PAYMENTS_PATH ? 'payments' : null;
  if (route === null) return null;
  const { headers } = request;
  if (headers['content-encoding'] !== undefined || headers['transfer-encoding'] !== undefined) return null;
  const type = headers['content-type'];
  if (type === undefined || !PLAIN_TYPES.has(type.toLowerCase())) return null;
  const length = headers['content-length'];
  if (length === undefined || !/^[0-9]{1,9}$/.test(length)) return null;
  return Number(length) <= (route === 'peer' ? MAX_PEER_BODY_BYTES : MAX_API_BODY_BYTES) ? route : null;
}

/**
 * Reads a fast-path request's body as body-parser decodes it: UTF-8, a leading
 * byte order mark dropped. node:http delivers exactly the declared length (it
 * is within the limit) or the request fails, and then there is no one to answer.
 */
function readBody(request: IncomingMessage, response: ServerResponse, onBody: (text: string) => void): void {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.once('end', () => {
    const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8');
    onBody(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  });
  request.once('error', () => response.destroy());
}

function answerPeer(node: MemberNode, request: IncomingMessage, response: ServerResponse, body: string): void {
  const mac = request.headers['x-wedge-mac'];
  acceptPeerEnvelope(node, body, typeof mac === 'string' ? mac : '', (outcome: PeerOutcome) => {
    if (outcome.status === 204) {
      response.writeHead(204);
      response.end();
    } else {
      const { code, message } = outcome as Exclude<PeerOutcome, { status: 204 }>;
      answerJson(response, outcome.status, apiErrorBody(code, message));
    }
  });
}

function answerPayments(node: MemberNode, options: MemberApiOptions, response: ServerResponse, text: string): void {
  let body: unknown;
  try {
    // express.json (strict: false): an empty body is {}, anything else must parse.
    body = text.length === 0 ? {} : JSON.parse(text);
  } catch {
    // As body-parser reports it to the error middleware.
    return answerError(response, { type: 'entity.parse.failed', status: 400 });
  }
  try {
    acceptPaymentRequest(node, body, options.paymentWaitMs, (status, json) => answerJson(response, status, json));
  } catch (error) {
    answerError(response, error);
  }
}

/** What the express app's error middleware answers for `error`. */
function answerError(response: ServerResponse, error: unknown): void {
  const { status, body, bug } = errorAnswerOf(error, MAX_API_BODY_BYTES);
  if (bug) console.error(error);
  answerJson(response, status, body);
}

/** A JSON answer as express's `response.status(status).json(body)` writes it, in one write. */
function answerJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
