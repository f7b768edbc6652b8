// The client's one error type. `code` is either a server code from the error
// body (a WedgeCode of @wedge/api's registry) or one of the client's own codes
// below; `httpStatus` is the status of the answer that carried it, or null when
// no HTTP answer did (the replica was unreachable, or the client itself found
// the problem).
import { WedgeError, type WedgeErrorOptions } from '@wedge/common';

export const CLIENT_ERROR_CODES = [
  /** No connection, or the connection broke. */
  'UNREACHABLE',
  /** No complete answer within the request timeout. */
  'TIMEOUT',
  /** An answer that is not valid JSON of the expected schema, is too large, or contradicts the request. */
  'INVALID_RESPONSE',
  /** The replica serves another network (chain id or genesis hash differ). */
  'WRONG_GENESIS',
  /** A replica's finality proof does not verify against the genesis replica set. */
  'UNVERIFIABLE_PROOF',
  /** A transaction was not proven final within the finality timeout. */
  'NOT_FINAL',
  /** The client was created with options it cannot work with. */
  'INVALID_OPTIONS',
  /** An answer as of a lower height than one this client saw before (monotonic-reads.ts); every replica was behind. */
  'STALE_READ',
] as const;

export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number];

export class ApiError extends WedgeError {
  readonly httpStatus: number | null;

  constructor(code: string, message: string, httpStatus: number | null = null, options: WedgeErrorOptions = {}) {
    super(code, message, options);
    this.httpStatus = httpStatus;
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

/** Failures that say something about one replica, not about the request: another replica may do better. */
const FAILOVER_CODES: ReadonlySet<string> = new Set(['UNREACHABLE', 'TIMEOUT', 'INVALID_RESPONSE', 'WRONG_GENESIS', 'UNVERIFIABLE_PROOF', 'STALE_READ']);

/**
 * True when the next replica should be tried. A 4xx answer is about the
 * request (a bad nonce stays bad elsewhere), so it never fails over; a 5xx
 * answer (an overloaded or broken replica) always does.
 */
export function shouldFailOver(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  if (error.httpStatus !== null && error.httpStatus >= 400 && error.httpStatus < 500) return false;
  return (error.httpStatus !== null && error.httpStatus >= 500) || FAILOVER_CODES.has(error.code);
}
