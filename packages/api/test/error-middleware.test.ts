// Proves the one express error handler over a real express app on 127.0.0.1
// (port 0), as the replica, member, watchtower and dashboard use it: a thrown
// WedgeError is answered with its code and the table's status (sync and async
// handlers alike), a passed-on status is kept, body-parser's errors become
// BODY_TOO_LARGE, MALFORMED_JSON or INVALID_BODY (a body that does not
// inflate among them), an unknown route is
// NOT_FOUND, and anything else — a plain Error, a code the registry does not
// know — is a logged 500 that reveals nothing of a plain error, after which
// the server still serves; and a request node:http cannot parse is answered
// with the error body as well (answerClientError).
import { connect, type AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { WedgeError } from '@wedge/common';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorBody, answerClientError, errorMiddleware, fail, httpStatusOf, notFoundMiddleware, sendError, WEDGE_ERROR_CODES, type WedgeCode } from '../src/index.ts';

const BODY_LIMIT_BYTES = 1024;

/** A service's refusal passed on with the service's status, as the dashboard's errors do. */
class PassedOnError extends WedgeError {
  constructor(
    code: string,
    readonly httpStatus: number,
  ) {
    super(code, `passed on with ${httpStatus}`);
  }
}

const logged: unknown[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  const app = express();
  app.use(express.json({ limit: BODY_LIMIT_BYTES, strict: false }));
  app.post('/echo', (request, response) => void response.json({ echoed: request.body }));
  app.get('/fail/:code', (request) => fail(String(request.params.code) as WedgeCode, `failed with ${request.params.code}`));
  app.get('/async-fail', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    fail('STALE_STATE', 'version 3 is not above 4');
  });
  app.get('/param/:value', (request, response) => void response.json({ value: request.params.value }));
  app.get('/send/:code', (request, response) => sendError(response, String(request.params.code) as WedgeCode, 'sent'));
  app.get('/passed-on/:status', (request) => {
    throw new PassedOnError('SOMETHING_UPSTREAM', Number(request.params.status));
  });
  app.get('/unknown-code', () => {
    throw new WedgeError('NO_SUCH_CODE', 'a code without a status');
  });
  app.get('/bug', () => {
    throw new Error('secret detail of a bug');
  });
  app.use(notFoundMiddleware());
  app.use(errorMiddleware({ bodyLimitBytes: BODY_LIMIT_BYTES, log: (error) => logged.push(error) }));
  server = app.listen(0, '127.0.0.1');
  server.on('clientError', answerClientError);
  await new Promise<void>((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

type Answer = { status: number; code: string | undefined; message: string | undefined };

async function ask(path: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(`${base}${path}`, init);
  const json: unknown = await response.json();
  const parsed = ApiErrorBody.safeParse(json);
  // Every error answer is the error body; only /echo answers with something else.
  if (response.status >= 400) expect(parsed.success, JSON.stringify(json)).toBe(true);
  return { status: response.status, code: parsed.data?.error.code, message: parsed.data?.error.message };
}

function post(body: string, contentType = 'application/json'): Promise<Answer> {
  return ask('/echo', { method: 'POST', body, headers: { 'content-type': contentType } });
}

describe('errorMiddleware', () => {
  it('answers every code of the registry, thrown with fail or sent with sendError, with its status', async () => {
    for (const code of WEDGE_ERROR_CODES) {
      expect(await ask(`/fail/${code}`)).toEqual({ status: httpStatusOf(code), code, message: `failed with ${code}` });
      expect(await ask(`/send/${code}`)).toEqual({ status: httpStatusOf(code), code, message: 'sent' });
    }
    // Of the thrown ones, only the 500 (INTERNAL) is reported as a bug.
    expect(logged.map((error) => (error as WedgeError).code)).toEqual(['INTERNAL']);
    logged.length = 0;
  });

  it('answers an error an async handler rejects with', async () => {
    expect(await ask('/async-fail')).toEqual({ status: 409, code: 'STALE_STATE', message: 'version 3 is not above 4' });
  });

  it('keeps the status an error passes on from a service', async () => {
    expect(await ask('/passed-on/502')).toMatchObject({ status: 502, code: 'SOMETHING_UPSTREAM' });
    expect(await ask('/passed-on/409')).toMatchObject({ status: 409, code: 'SOMETHING_UPSTREAM' });
  });

  it('maps body-parser errors to BODY_TOO_LARGE, MALFORMED_JSON and INVALID_BODY', async () => {
    expect(await post(JSON.stringify({ pad: 'x'.repeat(BODY_LIMIT_BYTES) }))).toEqual({
      status: 413,
      code: 'BODY_TOO_LARGE',
      message: `bodies are limited to ${BODY_LIMIT_BYTES} bytes`,
    });
    expect(await post('{"body": ')).toMatchObject({ status: 400, code: 'MALFORMED_JSON' });
    // body-parser refuses a charset it cannot decode with its own 415; the API answers INVALID_BODY.
    expect(await post('{}', 'application/json; charset=klingon')).toMatchObject({ status: 400, code: 'INVALID_BODY' });
    // A body that does not inflate comes from body-parser as a zlib error with status 400 and no type (found by test/http-fuzz.test.ts: it was a 500).
    for (const encoding of ['gzip', 'deflate', 'br']) {
      expect(await ask('/echo', { method: 'POST', body: '{"not":"compressed"}', headers: { 'content-type': 'application/json', 'content-encoding': encoding } })).toMatchObject({ status: 400, code: 'INVALID_BODY' });
    }
    // express's router cannot decode a path parameter that is not valid percent-encoding: a URIError with status 400 (it was a 500 too).
    for (const value of ['%zz', '%ff%fe', '%c0%af', '%e2%80']) expect(await ask(`/param/${value}`)).toMatchObject({ status: 400, code: 'INVALID_BODY' });
    expect(logged).toEqual([]);
  });

  it('answers NOT_FOUND for a route no one serves', async () => {
    expect(await ask('/nothing-here')).toEqual({ status: 404, code: 'NOT_FOUND', message: 'no such endpoint' });
  });

  it('answers a bug with a logged 500 that keeps its detail out of the answer, and keeps serving', async () => {
    logged.length = 0;
    expect(await ask('/bug')).toEqual({ status: 500, code: 'INTERNAL', message: 'internal error' });
    expect(logged).toHaveLength(1);
    expect((logged[0] as Error).message).toBe('secret detail of a bug');
    // A code with no status is a bug too: 500 (not a 4xx that would stop a client from trying elsewhere), logged.
    expect(await ask('/unknown-code')).toEqual({ status: 500, code: 'NO_SUCH_CODE', message: 'a code without a status' });
    expect(logged).toHaveLength(2);
    expect(await post('{"still":"serving"}')).toEqual({ status: 200, code: undefined, message: undefined });
  });

  it('answers a request node:http cannot parse with 400 INVALID_BODY and the error body, a HEAD request without the body', async () => {
    // Found by test/http-fuzz.test.ts: node answered a head over 16 KB with a bare 431 and a bad request line with a bare 400.
    const raw = (request: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(Number(new URL(base).port), '127.0.0.1', () => socket.end(request));
        const chunks: Buffer[] = [];
        socket.on('data', (chunk: Buffer) => chunks.push(chunk));
        socket.once('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
        socket.once('error', reject);
      });
    const bodyOf = (answer: string) => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as unknown;
    const long = await raw(`GET /nothing-here?${'a'.repeat(20_000)} HTTP/1.1\r\nhost: x\r\n\r\n`);
    expect(long.startsWith('HTTP/1.1 400 ')).toBe(true);
    expect(ApiErrorBody.parse(bodyOf(long)).error.code).toBe('INVALID_BODY');
    const garbled = await raw('NOT HTTP AT ALL\r\n\r\n');
    expect(garbled.startsWith('HTTP/1.1 400 ')).toBe(true);
    expect(ApiErrorBody.parse(bodyOf(garbled)).error.code).toBe('INVALID_BODY');
    const head = await raw(`HEAD /echo?${'a'.repeat(20_000)} HTTP/1.1\r\nhost: x\r\n\r\n`);
    expect(head.startsWith('HTTP/1.1 400 ')).toBe(true);
    expect(head.endsWith('\r\n\r\n')).toBe(true);
  });
});
