// Runs the fuzz cases of one endpoint against a real process: draws the cases
// with a seed (fc.sample, so a failure replays with the same seed), sends
// them concurrently over kept-alive sockets, and checks every answer
// (answer-check.ts) and that no answer carries a secret key. Returns what it
// saw, so the test can assert and report.
import fc from 'fast-check';
import { boundedMap } from './l2-network.ts';
import { answerCode, answerProblem } from './answer-check.ts';
import type { EndpointCases } from './fuzz-l1-cases.ts';
import { rawRequest, type RawRequest } from './raw-http.ts';

export type FuzzFinding = { readonly endpoint: string; readonly index: number; readonly request: string; readonly problem: string };
export type FuzzSummary = { readonly endpoint: string; readonly cases: number; readonly byStatus: Record<string, number>; readonly findings: FuzzFinding[] };

/** A short, printable form of a request for a failure message. */
export function describeRequest(request: RawRequest): string {
  const body = request.body === undefined ? '' : typeof request.body === 'string' ? request.body : `<${request.body.length} bytes>`;
  return `${request.method} ${request.path.slice(0, 200)} ${JSON.stringify(request.headers ?? {})} ${body.slice(0, 300)}${body.length > 300 ? `… (${body.length} chars)` : ''}`;
}

/** A stable number for a name, to give each endpoint its own stream of cases from one seed. */
function nameHash(name: string): number {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) | 0;
  return hash;
}

export async function fuzzEndpoint(options: {
  readonly server: string;
  readonly url: string;
  readonly endpoint: EndpointCases;
  readonly cases: number;
  readonly seed: number;
  readonly concurrency: number;
  /** Secret keys as lowercase hex: an answer that holds one, in any case, is a finding. */
  readonly secrets: readonly string[];
}): Promise<FuzzSummary> {
  const name = `${options.server} ${options.endpoint.name}`;
  const requests = fc.sample(options.endpoint.cases, { numRuns: options.cases, seed: (options.seed ^ nameHash(name)) >>> 0 });
  const byStatus: Record<string, number> = {};
  const findings: FuzzFinding[] = [];
  await boundedMap(requests, options.concurrency, async (request, index) => {
    const answer = await rawRequest(options.url, request);
    const key = answer.kind === 'answer' ? `${answer.status}${answerCode(answer) === null ? '' : ` ${answerCode(answer)}`}` : 'no answer';
    byStatus[key] = (byStatus[key] ?? 0) + 1;
    let problem = answerProblem(answer, { method: request.method });
    if (problem === null && answer.kind === 'answer') {
      const lower = answer.body.toLowerCase();
      if (options.secrets.some((secret) => lower.includes(secret))) problem = 'the answer holds a secret key';
    }
    if (problem !== null) findings.push({ endpoint: name, index, request: describeRequest(request), problem });
  });
  return { endpoint: name, cases: requests.length, byStatus, findings };
}
