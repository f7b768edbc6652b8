// The dashboard's HTTP server: the page (HTML, CSS, the bundled script), the
// live state as JSON, and the form endpoints. It listens on loopback only and,
// because it signs payments and terminations with member keys, it also
// refuses what a hostile web page in the same browser could send: requests for
// another Host name (DNS rebinding) and form posts that are not JSON (a plain
// cross-site <form> cannot send application/json without a CORS preflight,
// which this server never grants).
import { fileURLToPath } from 'node:url';
import express, { type Request } from 'express';
import { describeZodError, errorMiddleware, notFoundMiddleware, sendError } from '@wedge/api';
import type { z } from 'zod';
import { close, pay, splice, terminate, type ActionDeps } from './channel-actions.ts';
import { DashboardError } from './errors.ts';
import { CloseForm, PayForm, SpliceForm, TerminateForm } from './forms.ts';
import type { NetworkPoller } from './network-poller.ts';

const STATIC_DIR = fileURLToPath(new URL('../static/', import.meta.url));
/** Form bodies are a few hundred bytes. */
const MAX_BODY_BYTES = 16 * 1024;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function parseForm<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new DashboardError('INVALID_BODY', describeZodError(parsed.error));
  return parsed.data;
}

function hostIsLoopback(request: Request): boolean {
  const host = request.headers.host ?? '';
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]!;
  return LOOPBACK_HOSTS.has(name);
}

export function createDashboardApp(deps: ActionDeps & { poller: NetworkPoller; pageScript: string }): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use((request, response, next) => {
    if (!hostIsLoopback(request)) return sendError(response, 'FORBIDDEN_HOST', 'the dashboard answers only on 127.0.0.1 or localhost');
    response.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
    response.setHeader('x-content-type-options', 'nosniff');
    response.setHeader('cache-control', 'no-store');
    next();
  });

  app.get('/app.js', (_request, response) => {
    response.type('text/javascript').send(deps.pageScript);
  });
  // No redirect of a directory path to its slashed form (a 301 HTML page): the page has no subdirectories, so such a path is NOT_FOUND.
  app.use(express.static(STATIC_DIR, { index: 'index.html', etag: false, lastModified: false, redirect: false }));

  app.get('/api/state', (_request, response) => {
    response.json(deps.poller.snapshot);
  });

  app.use('/api', (request, response, next) => {
    if (request.method === 'POST' && !request.is('application/json')) {
      return sendError(response, 'UNSUPPORTED_MEDIA_TYPE', 'send the form as application/json');
    }
    next();
  });
  app.use('/api', express.json({ limit: MAX_BODY_BYTES, strict: false }));

  app.post('/api/pay', async (request, response) => {
    response.json(await pay(deps, parseForm(PayForm, request.body)));
  });
  app.post('/api/splice', async (request, response) => {
    response.json(await splice(deps, parseForm(SpliceForm, request.body)));
  });
  app.post('/api/close', async (request, response) => {
    response.status(202).json(await close(deps, parseForm(CloseForm, request.body)));
  });
  app.post('/api/terminate', async (request, response) => {
    const result = await terminate(deps, parseForm(TerminateForm, request.body));
    response.status(result.action === 'wedge' ? 202 : 200).json(result);
  });

  app.use(notFoundMiddleware('no such page or endpoint'));
  // A DashboardError carries its status (a service's refusal keeps the service's).
  app.use(errorMiddleware({ bodyLimitBytes: MAX_BODY_BYTES }));
  return app;
}
