// The benchmarks' HTTP client: node:http over kept-alive connections. The
// measuring client shares the machine with what it measures, and fetch()
// costs about 300 µs of CPU more per request than a plain http.request (see
// packages/shell/src/peer-post.ts) — at a hundred requests a second, a few
// percent of a core taken from the replicas.
import http from 'node:http';

const agent = new http.Agent({ keepAlive: true });

export type HttpAnswer = { status: number; text: string };

/** One request; resolves with the status and the whole body as text. */
export function request(method: 'GET' | 'POST', url: string, body?: string, timeoutMs = 30_000): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    const outgoing = http.request(url, { method, agent, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.once('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      response.once('error', reject);
    });
    outgoing.setTimeout(timeoutMs, () => outgoing.destroy(new Error(`${method} ${url}: no answer within ${timeoutMs} ms`)));
    outgoing.once('error', reject);
    outgoing.end(body);
  });
}

/** Closes the kept-alive connections (so the process can exit). */
export function closeConnections(): void {
  agent.destroy();
}
