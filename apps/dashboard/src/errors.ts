// The dashboard's errors. Input the dashboard refuses itself gets a 4xx with
// its code; a refusal from a member or replica is passed on with that
// service's code and status (a stale version stays a 409 STALE_STATE); a
// service that cannot be reached or answers nonsense is a 502, a slow one 504.
import { httpStatusOf } from '@wedge/api';
import { WedgeError } from '@wedge/common';

const OWN_STATUS_BY_CODE: Readonly<Record<string, number>> = {
  INVALID_BODY: 400,
  MALFORMED_JSON: 400,
  BODY_TOO_LARGE: 413,
  NOT_FOUND: 404,
  UNKNOWN_CHANNEL: 404,
  UNKNOWN_STATE: 404,
  NO_KEY: 422,
  KEY_MISMATCH: 422,
  CHANNEL_CLOSED: 409,
  CHANNEL_FROZEN: 409,
  UNREACHABLE: 502,
  INVALID_RESPONSE: 502,
  WRONG_GENESIS: 502,
  UNVERIFIABLE_PROOF: 502,
  TIMEOUT: 504,
  NOT_FINAL: 504,
  PAYMENT_TIMEOUT: 504,
};

export class DashboardError extends WedgeError {
  /** The status to answer with. */
  readonly httpStatus: number;

  constructor(code: string, message: string, httpStatus: number | null = null, cause?: unknown) {
    super(code, message, { cause });
    this.httpStatus = httpStatus ?? statusOf(code);
  }
}

export function statusOf(code: string): number {
  return OWN_STATUS_BY_CODE[code] ?? httpStatusOf(code);
}

/**
 * A service's refusal, passed on: a 4xx keeps its status (the request was
 * wrong there too), "busy" and "timed out" keep theirs, and any other failure
 * of the service is a bad gateway.
 */
export function upstreamError(code: string, message: string, upstreamStatus: number, cause?: unknown): DashboardError {
  const passOn = (upstreamStatus >= 400 && upstreamStatus < 500) || upstreamStatus === 503 || upstreamStatus === 504;
  return new DashboardError(code, message, passOn ? upstreamStatus : 502, cause);
}
