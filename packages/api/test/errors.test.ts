// Proves the one table from error codes to HTTP statuses against what the
// codes mean, enumerated from each domain's own list (so a code added there is
// checked here without this file changing): a ledger, channel or watchtower
// rejection is a 4xx about the request's content (every honest replica or
// member refuses it alike, so a client must not take it elsewhere), except
// overload, which is a 503; each group of the servers' own codes has the
// class its meaning calls for. Also: the table holds exactly the codes of the
// domains, a code the registry does not know is a 500 when read as a string,
// a code without a status does not compile (the @ts-expect-error lines at the
// end, checked by tsc), and the error body schema is strict and bounded.
import { CHANNEL_ERROR_CODES, WATCHTOWER_REJECTION_CODES, type WatchtowerEffect, type WatchtowerRejectionCode } from '@wedge/channel';
import { LEDGER_ERROR_CODES } from '@wedge/ledger';
import { describe, expect, it } from 'vitest';
import {
  ACCESS_ERROR_CODES,
  API_ERROR_CODES,
  ApiErrorBody,
  apiErrorBody,
  DASHBOARD_ERROR_CODES,
  httpStatusOf,
  httpStatusOfAnyCode,
  INTERNAL_ERROR_CODES,
  isWedgeCode,
  LOOKUP_ERROR_CODES,
  MAX_ERROR_MESSAGE_LENGTH,
  OVERLOAD_ERROR_CODES,
  REQUEST_ERROR_CODES,
  STATUS_BY_CODE,
  UPSTREAM_ERROR_CODES,
  WEDGE_ERROR_CODES,
  type HttpErrorStatus,
  type StatusTable,
  type WedgeCode,
} from '../src/index.ts';

/** What a refusal of a request's content may be: wrong (400), about something unknown (404), in conflict with the state (409), not allowed for these accounts (422). */
const CONTENT_REFUSALS: readonly number[] = [400, 404, 409, 422];
const OVERLOAD: readonly string[] = OVERLOAD_ERROR_CODES;

function statusesOf(codes: readonly WedgeCode[]): [WedgeCode, number][] {
  return codes.map((code) => [code, httpStatusOf(code)]);
}

describe('the status of each domain code', () => {
  it.each(LEDGER_ERROR_CODES)('ledger rejection %s is a refusal of the content (4xx)', (code) => {
    expect(CONTENT_REFUSALS).toContain(httpStatusOf(code));
  });

  it.each(CHANNEL_ERROR_CODES)('channel member code %s is a refusal of the content, or 503 when it is overload', (code) => {
    if (OVERLOAD.includes(code)) expect(httpStatusOf(code)).toBe(503);
    else expect(CONTENT_REFUSALS).toContain(httpStatusOf(code));
  });

  it.each(WATCHTOWER_REJECTION_CODES)('watchtower rejection %s is a refusal of the content (4xx)', (code) => {
    expect(CONTENT_REFUSALS).toContain(httpStatusOf(code));
  });

  it.each<[string, readonly WedgeCode[], readonly number[]]>([
    ['a request that cannot be read', REQUEST_ERROR_CODES, [400, 413, 415]],
    ['something not held here', LOOKUP_ERROR_CODES, [404]],
    ['a sender that may not ask', ACCESS_ERROR_CODES, [401, 403]],
    ['overload', OVERLOAD_ERROR_CODES, [503]],
    ['a service behind the server that failed', UPSTREAM_ERROR_CODES, [502, 504]],
    ['a member the dashboard cannot sign for', DASHBOARD_ERROR_CODES, [422]],
    ['a bug', INTERNAL_ERROR_CODES, [500]],
  ])('gives the server codes for %s their class', (_meaning, codes, allowed) => {
    for (const [code, status] of statusesOf(codes)) expect(allowed, `${code} has status ${status}`).toContain(status);
  });

  it('puts each server code in exactly one group', () => {
    const groups = [REQUEST_ERROR_CODES, LOOKUP_ERROR_CODES, ACCESS_ERROR_CODES, OVERLOAD_ERROR_CODES, UPSTREAM_ERROR_CODES, DASHBOARD_ERROR_CODES, INTERNAL_ERROR_CODES];
    expect(new Set(API_ERROR_CODES).size).toBe(API_ERROR_CODES.length);
    expect(groups.reduce((sum, group) => sum + group.length, 0)).toBe(API_ERROR_CODES.length);
  });

  it('has a status for exactly the codes of the domains, no more', () => {
    const domains = new Set<string>([...LEDGER_ERROR_CODES, ...CHANNEL_ERROR_CODES, ...WATCHTOWER_REJECTION_CODES, ...API_ERROR_CODES]);
    expect([...WEDGE_ERROR_CODES].sort()).toEqual([...domains].sort());
  });
});

describe('httpStatusOfAnyCode (a code whose type was lost)', () => {
  it('agrees with httpStatusOf on every code of the registry', () => {
    for (const code of WEDGE_ERROR_CODES) expect([code, httpStatusOfAnyCode(code)]).toEqual([code, httpStatusOf(code)]);
  });

  it('answers 500 for a code the registry does not know, names inherited from Object.prototype included', () => {
    for (const code of ['SOMETHING_NEW', '', 'toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      expect([code, httpStatusOfAnyCode(code), isWedgeCode(code)]).toEqual([code, 500, false]);
    }
  });
});

describe('ApiErrorBody', () => {
  it('accepts the error shape and what apiErrorBody builds, with long messages cut', () => {
    expect(ApiErrorBody.safeParse({ error: { code: 'STALE_STATE', message: 'version 3 is not above 4' } }).success).toBe(true);
    const long = apiErrorBody('INVALID_BODY', 'x'.repeat(10_000));
    expect(long.error.message).toHaveLength(MAX_ERROR_MESSAGE_LENGTH);
    expect(ApiErrorBody.safeParse(long).success).toBe(true);
  });

  it('accepts a code this client does not know (a newer server may answer with one)', () => {
    expect(ApiErrorBody.safeParse({ error: { code: 'SOMETHING_NEW', message: 'm' } }).success).toBe(true);
  });

  it.each<[string, unknown]>([
    ['a bare string', 'STALE_STATE'],
    ['no error key', { code: 'STALE_STATE', message: 'm' }],
    ['an extra key', { error: { code: 'STALE_STATE', message: 'm' }, status: 409 }],
    ['an extra key inside', { error: { code: 'STALE_STATE', message: 'm', details: {} } }],
    ['a lowercase code', { error: { code: 'stale_state', message: 'm' } }],
    ['a numeric code', { error: { code: 409, message: 'm' } }],
    ['no message', { error: { code: 'STALE_STATE' } }],
    ['an oversized message', { error: { code: 'STALE_STATE', message: 'x'.repeat(MAX_ERROR_MESSAGE_LENGTH + 1) } }],
  ])('rejects %s', (_name, value) => {
    expect(ApiErrorBody.safeParse(value).success).toBe(false);
  });
});

// ---------------------------------------------------------------- type level
// Checked by `tsc -p tsconfig.json` (never called): each @ts-expect-error line
// must be an error, or tsc reports the directive as unused. Were the table
// typed loosely (a Record<string, number>, a Partial), these lines would
// compile and tsc would fail.
export function typeLevelChecks(): void {
  // A domain that grows a code (here NEW_CODE) makes the table incomplete: it no longer compiles.
  // @ts-expect-error NEW_CODE has no status in STATUS_BY_CODE
  const grown: StatusTable<WedgeCode | 'NEW_CODE'> = STATUS_BY_CODE;
  // A status for a code no domain has does not compile either.
  // @ts-expect-error NEW_CODE is not a code of the registry
  const extra: StatusTable<WedgeCode> = { ...STATUS_BY_CODE, NEW_CODE: 400 };
  // Nor does a status that is not an error status.
  // @ts-expect-error 200 is not an HttpErrorStatus
  const success: StatusTable<WedgeCode> = { ...STATUS_BY_CODE, BUSY: 200 };
  // httpStatusOf takes codes of the registry only.
  // @ts-expect-error NEW_CODE is not a WedgeCode
  httpStatusOf('NEW_CODE');
  // Every domain's list is made of codes of the registry.
  const domains: readonly WedgeCode[] = [...LEDGER_ERROR_CODES, ...CHANNEL_ERROR_CODES, ...WATCHTOWER_REJECTION_CODES, ...API_ERROR_CODES];
  // The watchtower core's push-rejected codes are exactly its list, both ways.
  type PushRejectedCode = Extract<WatchtowerEffect, { type: 'push-rejected' }>['code'];
  const sameWatchtowerCodes: [PushRejectedCode] extends [WatchtowerRejectionCode] ? ([WatchtowerRejectionCode] extends [PushRejectedCode] ? true : false) : false = true;
  const status: HttpErrorStatus = httpStatusOf('STALE_STATE');
  void [grown, extra, success, domains, sameWatchtowerCodes, status];
}
