// Error answers of the L2 processes: `{"error":{"code","message"}}` with the
// status `l2StatusOf(code)` gives, and the express handlers every L2 app ends
// with (unknown route, body too large, malformed JSON, and — for anything
// else — a logged 500 that keeps the process serving).
import { apiErrorBody } from '@wedge/api';
import { WedgeError } from '@wedge/common';
import type { NextFunction, Request, Response } from 'express';
import type express from 'express';
import { l2StatusOf } from './l2-api.ts';

export function sendError(response: Response, code: string, message: string): void {
  response.status(l2StatusOf(code)).json(apiErrorBody(code, message));
}

export function fail(code: string, message: string): never {
  throw new WedgeError(code, message);
}

export function addErrorHandlers(app: express.Express, bodyLimitBytes: number): void {
  app.use((_request: Request, response: Response) => sendError(response, 'NOT_FOUND', 'no such endpoint'));
  app.use((error: unknown, _request: Request, response: Response, _next: NextFunction) => {
    if (error instanceof WedgeError) return sendError(response, error.code, error.message);
    const httpError = error as { type?: string; status?: number };
    if (httpError.type === 'entity.too.large') return sendError(response, 'BODY_TOO_LARGE', `bodies are limited to ${bodyLimitBytes} bytes`);
    if (httpError.type === 'entity.parse.failed') return sendError(response, 'MALFORMED_JSON', 'the body is not valid JSON');
    if (typeof httpError.status === 'number' && httpError.status >= 400 && httpError.status < 500) {
      return sendError(response, 'INVALID_BODY', 'the request could not be read');
    }
    // Anything else is a bug: report it, answer 500, keep serving.
    console.error(error);
    response.status(500).json(apiErrorBody('INTERNAL', 'internal error'));
  });
}
