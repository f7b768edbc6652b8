// The registry of error codes: every code a Wedge server answers with, by the
// domain that produces it. Each core keeps its own list — the ledger's
// rejections in @wedge/ledger (LEDGER_ERROR_CODES), the channel member's and
// the watchtower's in @wedge/channel (CHANNEL_ERROR_CODES,
// WATCHTOWER_REJECTION_CODES) — and this file lists the codes of the HTTP
// servers themselves, grouped by what they mean. `WedgeCode` is the union of
// them all; error-status.ts gives each one its HTTP status, and does not
// compile while a code of the union has none.
//
// A code shared by two domains (BAD_SIGNATURE for a transaction and for a
// payment) means the same in both, so it has one status. The L1 client's own
// codes (CLIENT_ERROR_CODES in @wedge/client) are not here: they never come
// from a server, and the one server that passes them on (the dashboard) maps
// them itself — see its errors.ts, and its NOT_FINAL, which is not the
// ledger's.
import type { ChannelErrorCode, WatchtowerRejectionCode } from '@wedge/channel';
import type { LedgerErrorCode } from '@wedge/ledger';

/** The request cannot be read as one this endpoint takes: its bytes, its JSON, its size or its media type. */
export const REQUEST_ERROR_CODES = ['MALFORMED_JSON', 'INVALID_BODY', 'BODY_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'] as const;

/**
 * The request names something this server does not hold: an endpoint, a
 * transaction or block (replica), a certificate of some version (member).
 */
export const LOOKUP_ERROR_CODES = ['NOT_FOUND', 'UNKNOWN_TX', 'UNKNOWN_BLOCK', 'UNKNOWN_STATE'] as const;

/** The sender may not ask this: a peer envelope not authenticated by a replica or member, a page asked for under another host name. */
export const ACCESS_ERROR_CODES = ['UNAUTHORIZED_PEER', 'FORBIDDEN_HOST'] as const;

/**
 * The server is overloaded (its inbox, its waiting requests, its mempool) or
 * still fetching history it skipped: a later try, or another replica, may
 * succeed. The channel member's full pool of pending payments is MEMPOOL_FULL
 * as well.
 */
export const OVERLOAD_ERROR_CODES = ['BUSY', 'MEMPOOL_FULL', 'HISTORY_INCOMPLETE'] as const;

/**
 * A service behind this server failed it: the dashboard could not reach a
 * replica or member, got an answer outside the API, from another network, or
 * with a proof that does not verify; or no answer came in time (a member's
 * payment that its peers did not certify within the wait is PAYMENT_TIMEOUT —
 * it may still commit; no replica caught up to a height the client had seen
 * already is STALE_READ: an older answer is never returned).
 */
export const UPSTREAM_ERROR_CODES = ['UNREACHABLE', 'INVALID_RESPONSE', 'WRONG_GENESIS', 'UNVERIFIABLE_PROOF', 'TIMEOUT', 'PAYMENT_TIMEOUT', 'STALE_READ'] as const;

/** The dashboard cannot sign for that member: it holds no key for it, or a key that is not the member's key on L1. */
export const DASHBOARD_ERROR_CODES = ['NO_KEY', 'KEY_MISMATCH'] as const;

/** A bug in the server; the request may well be fine elsewhere. */
export const INTERNAL_ERROR_CODES = ['INTERNAL'] as const;

/** The codes of the HTTP servers themselves (not of a core). */
export const API_ERROR_CODES = [
  ...REQUEST_ERROR_CODES,
  ...LOOKUP_ERROR_CODES,
  ...ACCESS_ERROR_CODES,
  ...OVERLOAD_ERROR_CODES,
  ...UPSTREAM_ERROR_CODES,
  ...DASHBOARD_ERROR_CODES,
  ...INTERNAL_ERROR_CODES,
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** Every code a Wedge server may answer with. */
export type WedgeCode = LedgerErrorCode | ChannelErrorCode | WatchtowerRejectionCode | ApiErrorCode;
