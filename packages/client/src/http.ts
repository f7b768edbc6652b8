// One HTTP exchange with one replica: global fetch with a timeout, a bounded
// read of the answer, and the answer validated by a schema (a replica's answer
// is untrusted input). Every failure becomes an ApiError.
import { ApiErrorBody, describeZodError } from '@wedge/api';
import { ApiError } from './errors.ts';

/** What the client needs of a zod schema, so it does not depend on zod itself. */
export type Schema<T> = { safeParse(value: unknown): { success: true; data: T } | { success: false; error: unknown } };

/** The largest answer read: a full block of the largest transactions is about 10 MiB. */
export const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

export type HttpRequest<T> = {
  baseUrl: string;
  path: string;
  method: 'GET' | 'POST';
  body?: unknown;
  timeoutMs: number;
  schema: Schema<T>;
};

const JSON_ACCEPT = { accept: 'application/json' };

// Fatal: a replica's invalid UTF-8 is an invalid answer, not text to repair.
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

function joinUrl(baseUrl: string, path: string): string {
  // Plain concatenation keeps a base path (`http://host/replica-0`), which `new URL(path, base)` would drop.
  return `${baseUrl.replace(/\/+$/, '')}${path}`;
}

async function readBounded(response: Response, limit: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > limit) {
    await response.body?.cancel();
    throw new ApiError('INVALID_RESPONSE', `answer of ${declared} bytes exceeds ${limit}`, response.status);
  }
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw new ApiError('INVALID_RESPONSE', `answer exceeds ${limit} bytes`, response.status);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function transportError(error: unknown, url: string, timeoutMs: number): ApiError {
  if (error instanceof ApiError) return error;
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new ApiError('TIMEOUT', `no answer from ${url} within ${timeoutMs} ms`, null, { cause: error });
  }
  return new ApiError('UNREACHABLE', `cannot reach ${url}: ${(error as Error)?.message ?? String(error)}`, null, { cause: error });
}

function errorFromAnswer(status: number, json: unknown, url: string): ApiError {
  const parsed = ApiErrorBody.safeParse(json);
  if (parsed.success) return new ApiError(parsed.data.error.code, parsed.data.error.message, status);
  return new ApiError('INVALID_RESPONSE', `${url} answered ${status} without an error body`, status);
}

/** The answer's JSON, typed by `request.schema`; any other outcome throws an ApiError. */
export async function requestJson<T>(request: HttpRequest<T>): Promise<T> {
  const url = joinUrl(request.baseUrl, request.path);
  let status: number;
  let bytes: Uint8Array;
  try {
    const response = await fetch(url, {
      method: request.method,
      headers: request.body === undefined ? JSON_ACCEPT : { ...JSON_ACCEPT, 'content-type': 'application/json' },
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: AbortSignal.timeout(request.timeoutMs),
      redirect: 'error',
    });
    status = response.status;
    bytes = await readBounded(response, MAX_RESPONSE_BYTES);
  } catch (error) {
    throw transportError(error, url, request.timeoutMs);
  }
  let json: unknown;
  try {
    json = JSON.parse(utf8Decoder.decode(bytes));
  } catch {
    if (status >= 200 && status < 300) throw new ApiError('INVALID_RESPONSE', `${url} answered with invalid JSON`, status);
    json = undefined;
  }
  if (status < 200 || status >= 300) throw errorFromAnswer(status, json, url);
  const parsed = request.schema.safeParse(json);
  if (!parsed.success) {
    const why = describeZodError(parsed.error as Parameters<typeof describeZodError>[0]);
    throw new ApiError('INVALID_RESPONSE', `${url} answered outside the API schema: ${why}`, status, { cause: parsed.error });
  }
  return parsed.data;
}
