// What every answer of a Wedge server must be, whatever was sent (DESIGN §6):
// a 2xx, or a 4xx whose body is exactly {"error":{"code","message"}} with a
// code of the registry (packages/api error-codes.ts) and the status the one
// table (error-status.ts) gives that code. A 5xx, an answer outside that
// shape, or no answer at all is a finding.
import { ApiErrorBody, httpStatusOf, isWedgeCode } from '@wedge/api';
import type { RawAnswer } from './raw-http.ts';

/** Null when the answer is acceptable, else what is wrong with it. */
export function answerProblem(answer: RawAnswer, options: { readonly method?: string } = {}): string | null {
  if (answer.kind === 'no-answer') return `no answer: ${answer.error}`;
  const { status } = answer;
  if (status >= 200 && status < 300) return null;
  if (status < 400 || status >= 500) return `status ${status}: ${answer.body.slice(0, 300)}`;
  // HEAD answers carry no body, whatever the status.
  if (options.method === 'HEAD') return null;
  let json: unknown;
  try {
    json = JSON.parse(answer.body);
  } catch {
    return `status ${status} with a body that is not JSON: ${answer.body.slice(0, 300)}`;
  }
  const parsed = ApiErrorBody.safeParse(json);
  if (!parsed.success) return `status ${status} with a body that is not an error body: ${answer.body.slice(0, 300)}`;
  const { code } = parsed.data.error;
  if (!isWedgeCode(code)) return `status ${status} with unregistered code ${code}`;
  if (httpStatusOf(code) !== status) return `status ${status} with code ${code}, whose status is ${httpStatusOf(code)}`;
  return null;
}

/** The error code of an error answer, or null for a 2xx (or no answer). */
export function answerCode(answer: RawAnswer): string | null {
  if (answer.kind !== 'answer' || answer.status < 400) return null;
  try {
    return (JSON.parse(answer.body) as { error?: { code?: string } }).error?.code ?? null;
  } catch {
    return null;
  }
}
