// The dashboard's errors. Input the dashboard refuses itself gets its code
// with the status of the one table in @wedge/api; a refusal from a member or
// replica is passed on with that service's code and status (a stale version
// stays a 409 STALE_STATE); a service that cannot be reached or answers
// nonsense is a 502, a slow one 504. The error middleware of @wedge/api
// answers a DashboardError with its `httpStatus`.
import { httpStatusOfAnyCode, type WedgeCode } from '@wedge/api';
import { WedgeError } from '@wedge/common';

export class DashboardError extends WedgeError {
  /** The status to answer with. */
  readonly httpStatus: number;

  /** A code of the registry, answered with its status. */
  constructor(code: WedgeCode, message: string, httpStatus?: null, cause?: unknown);
  /** A service's code (read off the wire), passed on with the status given. */
  constructor(code: string, message: string, httpStatus: number, cause?: unknown);
  constructor(code: string, message: string, httpStatus: number | null = null, cause?: unknown) {
    super(code, message, { cause });
    this.httpStatus = httpStatus ?? httpStatusOfAnyCode(code);
  }
}

/**
 * The status for a failure the L1 client found itself, with no HTTP answer
 * to carry a status (CLIENT_ERROR_CODES in @wedge/client): the replicas could
 * not be reached, were too slow, or answered what cannot be trusted. One of
 * its codes collides with a ledger code: the client's NOT_FINAL means that no
 * replica proved the transaction final in time (a gateway timeout here),
 * while the ledger's NOT_FINAL — a cooperative close of a state not marked
 * final — comes from a replica's answer with its own 400, and never reaches
 * this function.
 */
export function statusOf(clientCode: string): number {
  return clientCode === 'NOT_FINAL' ? 504 : httpStatusOfAnyCode(clientCode);
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
