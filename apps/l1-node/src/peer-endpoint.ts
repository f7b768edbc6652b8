// POST /v1/peer/messages: an envelope of consensus messages from another
// replica, authenticated by the pairwise MAC of its link. Replicas exchange
// several envelopes per block, so besides the express route (which serves any
// request) this file has a plain node:http handler that the server runs first
// for the common case — a POST to exactly this path, not compressed — and
// that answers exactly as the express route would, at a fraction of the cost.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isHex } from '@wedge/common';
import { httpStatusOf, type WedgeCode } from '@wedge/api';
import { isValidMac } from './peer-auth.ts';
import { peerEnvelope } from './peer-schema.ts';
import type { ReplicaNode } from './replica-node.ts';
import { parseTagged } from './tagged-json.ts';
import { PEER_BODY_LIMIT_BYTES, PEER_PATH } from './transport.ts';

export { PEER_BODY_LIMIT_BYTES };

export type PeerOutcome = { readonly status: 204 } | { readonly status: number; readonly code: string; readonly message: string };

function refused(code: WedgeCode, message: string): PeerOutcome {
  return { status: httpStatusOf(code), code, message };
}

/**
 * Authenticates an envelope and queues its valid messages; a refused envelope
 * changes nothing. The MAC is over the body as it came: its bytes, or the
 * text (as its UTF-8 bytes) where a caller has only that.
 */
export function acceptPeerEnvelope(node: ReplicaNode, body: Uint8Array | string, mac: string): PeerOutcome {
  let envelope: { from: number; messages: unknown[] };
  try {
    const text = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
    envelope = peerEnvelope.parse(parseTagged(text));
  } catch {
    return refused('INVALID_BODY', 'not a peer envelope');
  }
  const key = node.peerKeys.macKeyFor(envelope.from);
  if (key === undefined || envelope.from === node.ctx.id || !isHex(mac, 32) || !isValidMac(key, body, mac)) {
    return refused('UNAUTHORIZED_PEER', 'envelope is not authenticated by a replica of the genesis set');
  }
  node.transport.heardFrom(envelope.from, Date.now());
  for (const message of node.parsePeerMessages(envelope.messages)) node.receive(envelope.from, message);
  return { status: 204 };
}

/** True for the requests `handlePeerRequest` takes; everything else goes to express. */
export function isPlainPeerRequest(request: IncomingMessage): boolean {
  if (request.method !== 'POST') return false;
  const url = request.url ?? '';
  const query = url.indexOf('?');
  if ((query === -1 ? url : url.slice(0, query)) !== PEER_PATH) return false;
  const encoding = request.headers['content-encoding'];
  return encoding === undefined || encoding.toLowerCase() === 'identity';
}

/** Reads a plain peer request's body (bounded) and answers it. */
export function handlePeerRequest(node: ReplicaNode, request: IncomingMessage, response: ServerResponse): void {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > PEER_BODY_LIMIT_BYTES) return void tooLarge(request, response);
  const chunks: Buffer[] = [];
  let length = 0;
  let done = false;
  request.on('data', (chunk: Buffer) => {
    if (done) return;
    length += chunk.length;
    if (length > PEER_BODY_LIMIT_BYTES) {
      done = true;
      tooLarge(request, response);
      return;
    }
    chunks.push(chunk);
  });
  request.once('end', () => {
    if (done) return;
    done = true;
    const mac = request.headers['x-wedge-mac'];
    const outcome = acceptPeerEnvelope(node, Buffer.concat(chunks, length), typeof mac === 'string' ? mac : '');
    answer(response, outcome);
  });
  request.once('error', () => {
    done = true;
    response.destroy();
  });
}

function tooLarge(request: IncomingMessage, response: ServerResponse): void {
  // Close the connection after answering rather than read the rest of an oversized body.
  response.setHeader('connection', 'close');
  answer(response, refused('BODY_TOO_LARGE', `peer envelopes are limited to ${PEER_BODY_LIMIT_BYTES} bytes`));
  request.resume();
}

function answer(response: ServerResponse, outcome: PeerOutcome): void {
  if (outcome.status === 204) {
    response.statusCode = 204;
    response.end();
    return;
  }
  const { code, message } = outcome as { code: string; message: string };
  const body = JSON.stringify({ error: { code, message } });
  response.statusCode = outcome.status;
  response.setHeader('content-type', 'application/json; charset=utf-8');
  response.setHeader('content-length', Buffer.byteLength(body));
  response.end(body);
}
