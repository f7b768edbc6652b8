// Error answers of the HTTP API: `{ "error": { "code", "message" } }` with a
// 4xx or 5xx status (DESIGN §6). The codes are in error-codes.ts, their
// statuses in error-status.ts (the one table), and error-middleware.ts is how
// every server answers with them. This file is the body on the wire: its
// schema accepts any well-formed code, so that a client stays readable by a
// newer server that answers with a code it does not know.
import { z } from 'zod';

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
