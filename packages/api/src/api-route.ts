// One route of a Wedge HTTP server as data: its method, path (express
// syntax, `:name` for a parameter), what it takes — the zod schemas its
// handler validates the path, query and body with — and what it answers.
// A server's list of these is the one source of its OpenAPI document
// (openapi-document.ts), and a test holds the list to the server's routes
// both ways, so the description cannot drift from what runs.
import type { z } from 'zod';

export type ApiMethod = 'get' | 'post';

export type ApiResponseSpec = {
  readonly description: string;
  /** The body's schema; none for an empty answer (204). */
  readonly schema?: z.ZodType;
  /** Default application/json. */
  readonly contentType?: string;
};

export type ApiRoute = {
  readonly method: ApiMethod;
  /** Express syntax: `/v1/txs/:hash`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  /** Groups operations in the document (client API, operations, peers). */
  readonly tag: string;
  /** One string schema per `:name` of the path. */
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly body?: { readonly schema: z.ZodType; readonly contentType?: string; readonly description?: string };
  /** The answers that are not errors, by status (errors are the shared `{"error":{code,message}}`). */
  readonly responses: Readonly<Record<string, ApiResponseSpec>>;
};

/** `/v1/txs/:hash` → `/v1/txs/{hash}`. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

/** `METHOD path` in express syntax, the key a test compares routes by. */
export function routeKey(method: string, expressPath: string): string {
  return `${method.toUpperCase()} ${expressPath}`;
}
