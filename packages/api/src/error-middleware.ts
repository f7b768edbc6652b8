// How every Wedge HTTP server answers an error: the replica, the channel
// member, the watchtower and the dashboard end their express apps with
// `notFoundMiddleware()` and `errorMiddleware(...)`, and their handlers throw
// with `fail` or answer with `sendError`. The types are structural (what these
// functions use of express's request and response), so this package does not
// depend on express.
import { WedgeError, isWedgeError } from '@wedge/common';
import type { WedgeCode } from './error-codes.ts';
import { apiErrorBody, type ApiErrorBody } from './errors.ts';
import { httpStatusOf, httpStatusOfAnyCode } from './error-status.ts';

/** What an error answer needs of express's response. */
export type ErrorResponse = {
  readonly headersSent: boolean;
  status(code: number): ErrorResponse;
  json(body: unknown): unknown;
};

export type ErrorMiddlewareOptions = {
  /** The limit of the server's body parsers, named in the BODY_TOO_LARGE message. */
  readonly bodyLimitBytes: number;
  /** Where a bug (an answer 500) is reported; console.error by default. */
  readonly log?: (error: unknown) => void;
};

/** An error answer: its status, its body, and whether it reveals a bug of the server (which is then logged). */
export type ErrorAnswer = { readonly status: number; readonly body: ApiErrorBody; readonly bug: boolean };

/** Answers `code` with its status. */
export function sendError(response: ErrorResponse, code: WedgeCode, message: string): void {
  response.status(httpStatusOf(code)).json(apiErrorBody(code, message));
}

/** Ends a handler with an error answer: `errorMiddleware` answers it. */
export function fail(code: WedgeCode, message: string): never {
  throw new WedgeError<WedgeCode>(code, message);
}

/**
 * What body-parser (express.json, express.text) throws: an http-errors error
 * with a `status` and a `type` — or, for a body that does not inflate (a
 * Content-Encoding of gzip, deflate or br over bytes that are not), the zlib
 * error wrapped with status 400, `expose` set and no `type`.
 */
type BodyParserError = { readonly type?: string; readonly status: number };

function isBodyParserError(error: unknown): error is BodyParserError {
  if (typeof error !== 'object' || error === null) return false;
  const { type, status, expose } = error as { type?: unknown; status?: unknown; expose?: unknown };
  // express's router throws a URIError with status 400 for a path parameter that is not valid percent-encoding (`/v1/txs/%zz`).
  return typeof status === 'number' && (typeof type === 'string' || expose === true || error instanceof URIError);
}

/**
 * The status an error that passes on a service's answer carries
 * (`httpStatus`, as the dashboard's errors do), when it is an error status.
 */
function passedOnStatus(error: WedgeError): number | null {
  const status = (error as { httpStatus?: unknown }).httpStatus;
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599 ? status : null;
}

/**
 * The answer to an error a handler threw:
 * - a WedgeError: its code with its status (or the status it passes on);
 *   a code the registry does not know is a bug, answered 500 with its code;
 * - body-parser's errors: BODY_TOO_LARGE, MALFORMED_JSON, and INVALID_BODY for
 *   any other request it could not read (and the router's, for a path it
 *   could not decode);
 * - anything else is a bug: 500 INTERNAL, with no detail for the client.
 */
export function errorAnswerOf(error: unknown, bodyLimitBytes: number): ErrorAnswer {
  if (isWedgeError(error)) {
    const status = passedOnStatus(error) ?? httpStatusOfAnyCode(error.code);
    return { status, body: apiErrorBody(error.code, error.message), bug: status === 500 };
  }
  if (isBodyParserError(error)) {
    if (error.type === 'entity.too.large') return answer('BODY_TOO_LARGE', `bodies are limited to ${bodyLimitBytes} bytes`);
    if (error.type === 'entity.parse.failed') return answer('MALFORMED_JSON', 'the body is not valid JSON');
    if (error.status >= 400 && error.status < 500) return answer('INVALID_BODY', 'the request could not be read');
  }
  return { status: 500, body: apiErrorBody('INTERNAL', 'internal error'), bug: true };
}

function answer(code: WedgeCode, message: string): ErrorAnswer {
  return { status: httpStatusOf(code), body: apiErrorBody(code, message), bug: false };
}

/** The last route of an app: NOT_FOUND for any request no route took. */
export function notFoundMiddleware(message = 'no such endpoint'): (request: unknown, response: ErrorResponse) => void {
  return (_request, response) => sendError(response, 'NOT_FOUND', message);
}

/**
 * The error handler of an app (express tells it from a route by its four
 * parameters). A bug is logged and answered 500, and the process keeps
 * serving; an error after the answer has started goes to express, which
 * closes the connection.
 */
export function errorMiddleware(
  options: ErrorMiddlewareOptions,
): (error: unknown, request: unknown, response: ErrorResponse, next: (error?: unknown) => void) => void {
  const log = options.log ?? ((error: unknown) => console.error(error));
  return (error, _request, response, next) => {
    if (response.headersSent) return next(error);
    const { status, body, bug } = errorAnswerOf(error, options.bodyLimitBytes);
    if (bug) log(error);
    response.status(status).json(body);
  };
}

/** What answering a request node:http could not parse needs of its socket. */
export type ClientErrorSocket = { readonly writable: boolean; end(data: string): unknown; destroy(): unknown };

/**
 * A server's `clientError` listener: a request node:http cannot parse (a
 * head over its 16 KB limit, a malformed request line or header), or one that
 * did not arrive within the server's request timeout, is answered like any
 * other bad request — 400 INVALID_BODY with the error body — where node would
 * write a bare 400, 408 or 431. A socket that is gone is let go.
 */
export function answerClientError(error: { readonly code?: string; readonly rawPacket?: Uint8Array }, socket: ClientErrorSocket): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const reason =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? 'the request head is larger than the server reads'
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'the request did not arrive in time'
        : 'the request is not valid HTTP';
  const body = JSON.stringify(apiErrorBody('INVALID_BODY', reason));
  // The answer to a HEAD request has no body (a client would read one as the start of a next answer).
  const head = error.rawPacket !== undefined && new TextDecoder().decode(error.rawPacket.subarray(0, 5)) === 'HEAD ';
  const fields = `content-type: application/json; charset=utf-8\r\ncontent-length: ${new TextEncoder().encode(body).length}\r\nconnection: close`;
  socket.end(`HTTP/1.1 ${httpStatusOf('INVALID_BODY')} Bad Request\r\n${fields}\r\n\r\n${head ? '' : body}`);
}
