// Error answers of the HTTP API: `{ "error": { "code", "message" } }` with a
// 4xx or 5xx status (DESIGN §6). `httpStatusOf` is the one place where codes
// map to statuses; servers and clients both use it.
import { z } from 'zod';

const STATUS_BY_CODE = {
  // The request itself is wrong; sending it again will not help.
  MALFORMED_JSON: 400,
  INVALID_BODY: 400,
  MALFORMED: 400,
  WRONG_CHAIN: 400,
  BAD_SIGNATURE: 400,
  INVALID_AMOUNT: 400,
  INVALID_STATE: 400,
  NOT_FINAL: 400,
  SELF_TRANSFER: 400,
  BODY_TOO_LARGE: 413,
  UNKNOWN_TX: 404,
  UNKNOWN_CHANNEL: 404,
  UNKNOWN_BLOCK: 404,
  NOT_FOUND: 404,
  // Well formed, but in conflict with the current state of the ledger.
  BAD_NONCE: 409,
  DUPLICATE_TX: 409,
  STALE_STATE: 409,
  CHANNEL_EXISTS: 409,
  CHANNEL_FROZEN: 409,
  CHANNEL_CLOSED: 409,
  NOT_FROZEN: 409,
  DEADLINE_NOT_REACHED: 409,
  CHALLENGE_WINDOW_CLOSED: 409,
  // Understood and in order, but not allowed for these accounts.
  INSUFFICIENT_FUNDS: 422,
  NOT_A_MEMBER: 422,
  // The replica is overloaded: another replica, or a later try, may accept it.
  MEMPOOL_FULL: 503,
  BUSY: 503,
  // This replica skipped the block by state transfer and is still fetching it: another replica can answer.
  HISTORY_INCOMPLETE: 503,
  // A bug in the replica; the request may well be fine elsewhere.
  INTERNAL: 500,
  UNAUTHORIZED_PEER: 401,
} as const satisfies Record<string, number>;

export type ApiErrorCode = keyof typeof STATUS_BY_CODE;

export const API_ERROR_CODES = Object.keys(STATUS_BY_CODE) as readonly ApiErrorCode[];

/** The HTTP status for an error code; a code this table does not know is a bad request (400). */
export function httpStatusOf(code: string): number {
  return Object.hasOwn(STATUS_BY_CODE, code) ? STATUS_BY_CODE[code as ApiErrorCode] : 400;
}

/** Bounds what an error answer may carry, so that a client reading one stays bounded too. */
export const MAX_ERROR_CODE_LENGTH = 64;
export const MAX_ERROR_MESSAGE_LENGTH = 2048;

export const ApiErrorBody = z.strictObject({
  error: z.strictObject({
    code: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'expected an UPPER_SNAKE error code').max(MAX_ERROR_CODE_LENGTH),
    message: z.string().max(MAX_ERROR_MESSAGE_LENGTH),
  }),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

/** The body of an error answer, its message cut to the bound. */
export function apiErrorBody(code: string, message: string): ApiErrorBody {
  return { error: { code, message: message.slice(0, MAX_ERROR_MESSAGE_LENGTH) } };
}
