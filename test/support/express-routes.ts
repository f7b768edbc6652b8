// The routes an express app serves, read from its router (express 5:
// `app.router.stack`, one layer per app.get/app.post/... or middleware): the
// running truth a server's route description is compared with.
import { routeKey } from '@wedge/api';

type Layer = { readonly route?: { readonly path: unknown; readonly methods: Readonly<Record<string, boolean>> } };

/** `METHOD /path` (express syntax) for every route of `app`; middleware (app.use) is not a route. */
export function expressRoutes(app: { readonly router: unknown }): string[] {
  const stack = (app.router as { readonly stack: readonly Layer[] }).stack;
  const keys: string[] = [];
  for (const layer of stack) {
    if (layer.route === undefined) continue;
    if (typeof layer.route.path !== 'string') throw new Error(`a route with a non-string path (${String(layer.route.path)}) cannot be described`);
    for (const [method, on] of Object.entries(layer.route.methods)) if (on && method !== '_all') keys.push(routeKey(method, layer.route.path));
  }
  return keys.sort();
}
