// Proves the dashboard's statuses: its own refusals get the status of the one
// table in @wedge/api; every failure the L1 client finds itself (each code of
// CLIENT_ERROR_CODES, no HTTP answer to carry a status) is a 5xx of a gateway,
// the client's NOT_FINAL included — a timeout here, though the ledger's
// NOT_FINAL, a replica's 400, is passed on as a 400; a service's refusal keeps
// its 4xx, 503 or 504 and any other failure of it is a 502; and the error
// middleware answers a DashboardError with the status it carries.
import { errorAnswerOf, httpStatusOf, type WedgeCode } from '@wedge/api';
import { CLIENT_ERROR_CODES } from '@wedge/client';
import { describe, expect, it } from 'vitest';
import { DashboardError, statusOf, upstreamError } from '../src/errors.ts';

/** What the dashboard does with an error of the L1 client (fromClient in channel-actions.ts). */
function fromClient(code: string, httpStatus: number | null): DashboardError {
  return upstreamError(code, 'from the client', httpStatus ?? statusOf(code));
}

describe('the dashboard statuses', () => {
  it.each<WedgeCode>(['INVALID_BODY', 'UNKNOWN_CHANNEL', 'UNKNOWN_STATE', 'NO_KEY', 'KEY_MISMATCH', 'CHANNEL_FROZEN', 'TIMEOUT', 'UNREACHABLE', 'STALE_STATE'])(
    'gives its own refusal %s the status of the one table',
    (code) => {
      expect(new DashboardError(code, 'refused').httpStatus).toBe(httpStatusOf(code));
    },
  );

  it.each(CLIENT_ERROR_CODES)('answers the L1 client failing with %s (no HTTP answer) with a gateway 5xx', (code) => {
    expect([502, 504]).toContain(fromClient(code, null).httpStatus);
  });

  it("answers the client's NOT_FINAL (no proof in time) 504, and passes on the ledger's NOT_FINAL (a replica's 400) as a 400", () => {
    expect(fromClient('NOT_FINAL', null).httpStatus).toBe(504);
    expect(fromClient('NOT_FINAL', 400).httpStatus).toBe(400);
  });

  it.each<[number, number]>([
    [400, 400],
    [404, 404],
    [409, 409],
    [422, 422],
    [503, 503],
    [504, 504],
    [500, 502],
    [502, 502],
  ])('passes on a service answering %i as %i', (upstream, answered) => {
    expect(upstreamError('SOME_SERVICE_CODE', 'refused there', upstream).httpStatus).toBe(answered);
  });

  it('is answered by the error middleware with the code and status it carries', () => {
    const passedOn = errorAnswerOf(upstreamError('INSUFFICIENT_FUNDS', 'member 0 holds 1000', 422), 1024);
    expect(passedOn).toEqual({ status: 422, body: { error: { code: 'INSUFFICIENT_FUNDS', message: 'member 0 holds 1000' } }, bug: false });
    expect(errorAnswerOf(new DashboardError('NO_KEY', 'no key for member 2'), 1024)).toMatchObject({ status: 422, bug: false });
    expect(errorAnswerOf(fromClient('UNREACHABLE', null), 1024)).toMatchObject({ status: 502, bug: false });
  });
});
