// Proves the one mapping from error codes to HTTP statuses (the table the
// server and the client share), that every ledger rejection code has an
// explicit status, and that the error body schema is strict and bounded.
import { LEDGER_ERROR_CODES } from '@wedge/ledger';
import { describe, expect, it } from 'vitest';
import { API_ERROR_CODES, ApiErrorBody, apiErrorBody, httpStatusOf, MAX_ERROR_MESSAGE_LENGTH } from '../src/index.ts';

const TABLE: [number, string[]][] = [
  [400, ['MALFORMED_JSON', 'INVALID_BODY', 'MALFORMED', 'WRONG_CHAIN', 'BAD_SIGNATURE', 'INVALID_AMOUNT', 'INVALID_STATE', 'NOT_FINAL', 'SELF_TRANSFER']],
  [413, ['BODY_TOO_LARGE']],
  [404, ['UNKNOWN_TX', 'UNKNOWN_CHANNEL', 'UNKNOWN_BLOCK', 'NOT_FOUND']],
  [409, ['BAD_NONCE', 'DUPLICATE_TX', 'STALE_STATE', 'CHANNEL_EXISTS', 'CHANNEL_FROZEN', 'CHANNEL_CLOSED', 'NOT_FROZEN', 'DEADLINE_NOT_REACHED', 'CHALLENGE_WINDOW_CLOSED']],
  [422, ['INSUFFICIENT_FUNDS', 'NOT_A_MEMBER']],
  [503, ['MEMPOOL_FULL', 'BUSY', 'HISTORY_INCOMPLETE']],
  [500, ['INTERNAL']],
  [401, ['UNAUTHORIZED_PEER']],
];

describe('httpStatusOf', () => {
  it.each(TABLE.flatMap(([status, codes]) => codes.map((code) => [code, status] as const)))('%s -> %i', (code, status) => {
    expect(httpStatusOf(code)).toBe(status);
  });

  it('lists exactly the codes of the table in API_ERROR_CODES', () => {
    expect([...API_ERROR_CODES].sort()).toEqual(TABLE.flatMap(([, codes]) => codes).sort());
  });

  it('maps every ledger rejection code explicitly', () => {
    for (const code of LEDGER_ERROR_CODES) expect(API_ERROR_CODES).toContain(code);
  });

  it('maps unknown codes, and names inherited from Object.prototype, to 400', () => {
    for (const code of ['SOMETHING_NEW', '', 'toString', 'constructor', '__proto__']) expect(httpStatusOf(code)).toBe(400);
  });
});

describe('ApiErrorBody', () => {
  it('accepts the error shape and what apiErrorBody builds, with long messages cut', () => {
    expect(ApiErrorBody.safeParse({ error: { code: 'STALE_STATE', message: 'version 3 is not above 4' } }).success).toBe(true);
    const long = apiErrorBody('INVALID_BODY', 'x'.repeat(10_000));
    expect(long.error.message).toHaveLength(MAX_ERROR_MESSAGE_LENGTH);
    expect(ApiErrorBody.safeParse(long).success).toBe(true);
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
