// The one table from error codes to HTTP statuses. It is typed over
// `WedgeCode`, the union of every domain's codes (error-codes.ts), so a code
// added to a domain without a status here does not compile, and neither does
// a status for a code no domain has.
import type { WedgeCode } from './error-codes.ts';

/** The statuses an error answer may have. */
export type HttpErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 500 | 502 | 503 | 504;

/** A status for each code of `Code`, no more and no fewer. */
export type StatusTable<Code extends string> = { readonly [C in Code]: HttpErrorStatus };

export const STATUS_BY_CODE: StatusTable<WedgeCode> = Object.freeze({
  // The request itself is wrong; sending it again will not help.
  MALFORMED_JSON: 400,
  INVALID_BODY: 400,
  MALFORMED: 400,
  WRONG_CHAIN: 400,
  BAD_SIGNATURE: 400,
  INVALID_AMOUNT: 400,
  INVALID_PAYMENT_SEQ: 400,
  INVALID_STATE: 400,
  NOT_FINAL: 400,
  SELF_TRANSFER: 400,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  // It names something this server does not hold.
  NOT_FOUND: 404,
  UNKNOWN_TX: 404,
  UNKNOWN_BLOCK: 404,
  UNKNOWN_STATE: 404,
  UNKNOWN_CHANNEL: 404,
  // Well formed, but in conflict with the current state of the ledger or the channel.
  BAD_NONCE: 409,
  STALE_STATE: 409,
  CHANNEL_EXISTS: 409,
  CHANNEL_FROZEN: 409,
  CHANNEL_CLOSED: 409,
  NOT_FROZEN: 409,
  DEADLINE_NOT_REACHED: 409,
  CHALLENGE_WINDOW_CLOSED: 409,
  DUPLICATE_PAYMENT: 409,
  PAYMENT_SEQ_TOO_OLD: 409,
  WEDGED: 409,
  UNFUNDED_STATE: 409,
  NOTHING_TO_WITHDRAW: 409,
  WITHDRAWAL_PENDING: 409,
  // Understood and in order, but not allowed for these accounts or keys.
  INSUFFICIENT_FUNDS: 422,
  NOT_A_MEMBER: 422,
  NO_KEY: 422,
  KEY_MISMATCH: 422,
  // The sender may not ask this here.
  UNAUTHORIZED_PEER: 401,
  FORBIDDEN_HOST: 403,
  // Overloaded, or still fetching skipped history: a later try, or another replica, may accept it.
  BUSY: 503,
  MEMPOOL_FULL: 503,
  HISTORY_INCOMPLETE: 503,
  // A service behind this server failed it, or did not answer in time.
  UNREACHABLE: 502,
  INVALID_RESPONSE: 502,
  WRONG_GENESIS: 502,
  UNVERIFIABLE_PROOF: 502,
  TIMEOUT: 504,
  PAYMENT_TIMEOUT: 504,
  // No replica caught up, within the client's retries, to a height the client had already seen.
  STALE_READ: 504,
  // A bug in the server.
  INTERNAL: 500,
});

/** Every code of the registry, each once. */
export const WEDGE_ERROR_CODES = Object.freeze(Object.keys(STATUS_BY_CODE)) as readonly WedgeCode[];

export function isWedgeCode(value: unknown): value is WedgeCode {
  return typeof value === 'string' && Object.hasOwn(STATUS_BY_CODE, value);
}

/** The HTTP status of a code of the registry. */
export function httpStatusOf(code: WedgeCode): HttpErrorStatus {
  return STATUS_BY_CODE[code];
}

/**
 * The status for a code whose type was lost on the way: one carried by an
 * error typed `WedgeError<string>`, or read off the wire. A code the registry
 * does not know is 500, not 400: only a bug makes a server answer with a code
 * that has no status, and a 4xx would tell a client that its request is wrong
 * and that no other replica will take it (it does not fail over on a 4xx),
 * which the server cannot know.
 */
export function httpStatusOfAnyCode(code: string): HttpErrorStatus {
  return isWedgeCode(code) ? STATUS_BY_CODE[code] : 500;
}
