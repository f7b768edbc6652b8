// One peer link's HTTP client: a POST over a kept-alive connection with
// node:http (or https). A replica sends several small envelopes to every peer
// per block and a member at least one per channel state, so the cost of a
// request bounds throughput: on this machine fetch() spends about 300 µs of
// CPU per request more than a plain http.request.
import http from 'node:http';
import https from 'node:https';

/** The part of a refusal's answer kept (for a log line); the rest is read and dropped. */
const ANSWER_CHARS_MAX = 4_096;

/** A peer's answer: its status, and for an answer outside 2xx the start of its body. */
export type PeerAnswer = { readonly status: number; readonly text: string };

export type PeerPost = {
  /**
   * POSTs `body` to the link's base URL + `path`; resolves once the answer
   * ended, rejects on a network error or when the whole exchange took longer
   * than `timeoutMs`.
   */
  post(path: string, body: Uint8Array, headers: Readonly<Record<string, string>>, timeoutMs: number): Promise<PeerAnswer>;
  /** Closes the link's connection; a request under way fails. */
  close(): void;
};

export function createPeerPost(baseUrl: string): PeerPost {
  const url = new URL(baseUrl);
  const transport = url.protocol === 'https:' ? https : http;
  // One request at a time per link: one socket, kept alive between envelopes.
  const agent = new transport.Agent({ keepAlive: true, maxSockets: 1 });
  const basePath = url.pathname.replace(/\/+$/, '');
  const port = url.port === '' ? undefined : Number(url.port);
  return {
    post(path, body, headers, timeoutMs) {
      return new Promise((resolve, reject) => {
        const request = transport.request(
          { protocol: url.protocol, hostname: url.hostname, port, path: `${basePath}${path}`, method: 'POST', agent, headers: { ...headers, 'content-length': body.byteLength } },
          (response) => {
            const status = response.statusCode ?? 0;
            let text = '';
            if (status >= 200 && status <= 299) {
              response.resume(); // an acceptance is its status: drain whatever body comes with it
            } else {
              response.setEncoding('utf8');
              response.on('data', (chunk: string) => {
                if (text.length < ANSWER_CHARS_MAX) text += chunk.slice(0, ANSWER_CHARS_MAX - text.length);
              });
            }
            response.once('end', () => {
              clearTimeout(deadline);
              resolve({ status, text });
            });
            response.once('error', (error) => {
              clearTimeout(deadline);
              reject(error);
            });
          },
        );
        // A deadline for the whole exchange, not only for a silent socket: a peer that trickles its answer is cut off too.
        const deadline = setTimeout(() => request.destroy(new Error(`no answer from ${url.origin} within ${timeoutMs} ms`)), timeoutMs);
        request.once('error', (error) => {
          clearTimeout(deadline);
          reject(error);
        });
        request.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}
