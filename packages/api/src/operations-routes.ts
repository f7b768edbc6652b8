// The routes every Wedge server has besides its API: Prometheus' scrape, the
// orchestrators' probes (health.ts) and the OpenAPI document itself.
import { z } from 'zod';
import type { ApiRoute } from './api-route.ts';
import { HealthResponse, ReadinessResponse } from './health.ts';
import { OPENAPI_PATH, OpenApiDocumentResponse } from './openapi-document.ts';

const OPERATIONS = 'operations';

export const OPERATIONS_ROUTES: readonly ApiRoute[] = [
  {
    method: 'get',
    path: '/metrics',
    operationId: 'getMetrics',
    summary: "Prometheus metrics, in Prometheus' text format (version 0.0.4)",
    tag: OPERATIONS,
    responses: { '200': { description: 'The metrics.', schema: z.string(), contentType: 'text/plain' } },
  },
  {
    method: 'get',
    path: '/healthz',
    operationId: 'getHealth',
    summary: 'Liveness: 200 while the process and its step loop run, 503 once they stop',
    tag: OPERATIONS,
    responses: { '200': { description: 'Alive.', schema: HealthResponse }, '503': { description: 'The step loop stopped.', schema: HealthResponse } },
  },
  {
    method: 'get',
    path: '/readyz',
    operationId: 'getReadiness',
    summary: 'Readiness: 200 when the process should take traffic, 503 naming each failed check otherwise',
    tag: OPERATIONS,
    responses: { '200': { description: 'Ready.', schema: ReadinessResponse }, '503': { description: 'Not ready.', schema: ReadinessResponse } },
  },
  {
    method: 'get',
    path: OPENAPI_PATH,
    operationId: 'getOpenApi',
    summary: 'This OpenAPI 3.1 document',
    tag: OPERATIONS,
    responses: { '200': { description: 'The document.', schema: OpenApiDocumentResponse } },
  },
];
