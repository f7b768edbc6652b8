// One peer link's HTTP client for the member transport: a POST over a kept-
// alive connection with node:http (or https). A member sends at least one
// envelope per state to a peer, so the cost of a request bounds how many
// states a channel certifies per second: on this machine fetch() spends about
// 0.3–0.5 ms of CPU per request, a plain http.request about 0.1–0.15 ms.
import http from 'node:http';
import https from 'node:https';

/** The part of an answer kept (for log lines about refused envelopes); the rest is read and dropped. */
const ANSWER_CHARS_MAX = 4_096;

export type PeerAnswer = { status: number; text: string };

export type PeerPost = {
  /** POSTs `body` to `url`; resolves once the answer ended, rejects on a network error or after `timeoutMs`. */
  post(body: string, headers: Readonly<Record<string, string>>, timeoutMs: number): Promise<PeerAnswer>;
  close(): void;
};

export function createPeerPost(url: string): PeerPost {
  const target = new URL(url);
  const transport = target.protocol === 'https:' ? https : http;
  // One request at a time per link: one socket, kept alive between envelopes.
  const agent = new transport.Agent({ keepAlive: true, maxSockets: 1 });
  return {
    post(body, headers, timeoutMs) {
      return new Promise((resolve, reject) => {
        const request = transport.request(
          target,
          { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
          (response) => {
            let text = '';
            response.setEncoding('utf8');
            response.on('data', (chunk: string) => {
              if (text.length < ANSWER_CHARS_MAX) text += chunk.slice(0, ANSWER_CHARS_MAX - text.length);
            });
            response.once('end', () => {
              clearTimeout(timer);
              resolve({ status: response.statusCode ?? 0, text });
            });
            response.once('error', reject);
          },
        );
        // A deadline for the whole exchange, like the AbortSignal.timeout it replaces.
        const timer = setTimeout(() => request.destroy(new Error(`no answer from ${target.origin} within ${timeoutMs} ms`)), timeoutMs);
        request.once('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
        request.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}
