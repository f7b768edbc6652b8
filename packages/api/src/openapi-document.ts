// An OpenAPI 3.1 document generated from a server's route list (api-route.ts)
// with zod-openapi, which turns the very zod schemas the handlers validate
// with into JSON Schema 2020-12 (what OpenAPI 3.1 uses). Every operation gets
// the shared error answer as its `default` response. Served by each server at
// GET /v1/openapi.json.
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject, type ZodOpenApiResponseObject, type ZodOpenApiResponsesObject } from 'zod-openapi';
import { z } from 'zod';
import { openApiPath, type ApiRoute } from './api-route.ts';
import { ApiErrorBody } from './errors.ts';

export const OPENAPI_PATH = '/v1/openapi.json';

/** What GET /v1/openapi.json answers, as far as a client checks it (the rest is OpenAPI's own schema). */
export const OpenApiDocumentResponse = z.looseObject({ openapi: z.string().max(16), info: z.looseObject({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) });

export type OpenApiInfo = { readonly title: string; readonly version: string; readonly description: string };

export type OpenApiDocument = ReturnType<typeof createDocument>;

export function openApiDocument(info: OpenApiInfo, routes: readonly ApiRoute[]): OpenApiDocument {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    const item = (paths[path] ??= {});
    if (item[route.method] !== undefined) throw new Error(`two descriptions of ${route.method.toUpperCase()} ${route.path}`);
    item[route.method] = operationOf(route);
  }
  return createDocument({
    openapi: '3.1.0',
    info: { title: info.title, version: info.version, description: info.description },
    tags: [...new Set(routes.map((route) => route.tag))].map((name) => ({ name })),
    paths,
    components: { schemas: { ApiError: ApiErrorBody } },
  });
}

function operationOf(route: ApiRoute): ZodOpenApiOperationObject {
  const responses: Record<string, ZodOpenApiResponseObject> = {};
  for (const [status, spec] of Object.entries(route.responses)) {
    responses[status] = spec.schema === undefined ? { description: spec.description } : { description: spec.description, content: { [spec.contentType ?? 'application/json']: { schema: spec.schema } } };
  }
  responses['default'] = { description: 'An error: its code names what went wrong (see the error code registry in @wedge/api).', content: { 'application/json': { schema: ApiErrorBody } } };
  const operation: ZodOpenApiOperationObject = {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    responses: responses as ZodOpenApiResponsesObject,
  };
  if (route.description !== undefined) operation.description = route.description;
  if (route.params !== undefined || route.query !== undefined) {
    operation.requestParams = {
      ...(route.params === undefined ? {} : { path: route.params }),
      ...(route.query === undefined ? {} : { query: route.query }),
    };
  }
  if (route.body !== undefined) {
    operation.requestBody = {
      required: true,
      ...(route.body.description === undefined ? {} : { description: route.body.description }),
      content: { [route.body.contentType ?? 'application/json']: { schema: route.body.schema } },
    };
  }
  return operation;
}
