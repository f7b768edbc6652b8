// The fuzz cases for every endpoint of the dashboard: the page and its static
// files (paths that try to leave the static directory), the live state, and
// the three forms with hostile bodies, wrong media types, foreign Host
// headers, and forms one field off. A form the dashboard would carry out
// (a payment it can sign, a close, a wedge, a termination with a version it
// holds) is never sent here: those act, and this suite proves that what is
// refused changes nothing.
import fc from 'fast-check';
import { CloseForm, PayForm, SpliceForm, TerminateForm } from '../../apps/dashboard/src/forms.ts';
import { escapeForUrl, getRequest, hostileBody, oneFieldOff, oddString, pathParameter, postRequest } from './fuzz-arbitraries.ts';
import type { EndpointCases } from './fuzz-l1-cases.ts';
import type { RawRequest } from './raw-http.ts';

export type DashboardFuzzContext = {
  readonly channelId: string;
  readonly members: number;
  /** The members the dashboard holds a key for. */
  readonly keyed: readonly number[];
  readonly latestVersion: number;
};

/** Form bodies are a few hundred bytes (http-server.ts). */
const FORM_LIMIT_BYTES = 16 * 1024;

function parsed(text: string | Uint8Array): unknown {
  try {
    return JSON.parse(typeof text === 'string' ? text : Buffer.from(text).toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Whether the dashboard would carry out this form (so it is left out: it acts). Errs towards leaving out. */
function wouldAct(path: string, body: string | Uint8Array, context: DashboardFuzzContext): boolean {
  const value = parsed(body);
  const inChannel = (member: number) => member >= 0 && member < context.members;
  if (path === '/api/pay') {
    const form = PayForm.safeParse(value);
    return form.success && form.data.channelId === context.channelId && inChannel(form.data.to) && context.keyed.includes(form.data.from);
  }
  if (path === '/api/close') {
    const form = CloseForm.safeParse(value);
    return form.success && form.data.channelId === context.channelId && inChannel(form.data.member);
  }
  if (path === '/api/splice') {
    const form = SpliceForm.safeParse(value);
    return form.success && form.data.channelId === context.channelId && inChannel(form.data.member);
  }
  const form = TerminateForm.safeParse(value);
  return form.success && form.data.channelId === context.channelId && inChannel(form.data.member) && (form.data.version === null || form.data.version <= context.latestVersion);
}

/** Host headers the dashboard must refuse (DNS rebinding), and the loopback names it takes. */
const hostHeader: fc.Arbitrary<Record<string, string>> = fc.oneof(
  { weight: 8, arbitrary: fc.constant({}) },
  { weight: 2, arbitrary: fc.constantFrom('evil.example', 'localhost.evil.example', '127.0.0.1.evil.example', '127.0.0.2', '0.0.0.0', '[::1]:1', 'localhost', '', '127.0.0.1:1:2').map((host) => ({ host })) },
);

function formCases(path: string, valid: Record<string, unknown>, context: DashboardFuzzContext): fc.Arbitrary<RawRequest> {
  const keys = Object.keys(valid);
  const bodies = fc.oneof({ weight: 3, arbitrary: oneFieldOff(valid) }, { weight: 2, arbitrary: hostileBody(keys) }).filter((body) => !wouldAct(path, body, context));
  return postRequest(path, bodies, { bodyLimitBytes: FORM_LIMIT_BYTES }, hostHeader).filter((request) => request.body === undefined || !wouldAct(path, request.body, context));
}

export function dashboardEndpoints(context: DashboardFuzzContext): EndpointCases[] {
  const { channelId } = context;
  const unkeyed = Array.from({ length: context.members }, (_, member) => member).find((member) => !context.keyed.includes(member)) ?? context.members;
  const staticName = fc.oneof(
    fc.constantFrom('', 'index.html', 'app.js', 'style.css', 'favicon.ico', '..%2f..%2fpackage.json', '%2e%2e%2f%2e%2e%2fpackage.json', '..%5c..%5cpackage.json', '.env', '%00index.html', 'index.html%00.js'),
    pathParameter,
  );
  const withHost = (cases: fc.Arbitrary<RawRequest>) => fc.tuple(cases, hostHeader).map(([request, headers]) => ({ ...request, headers: { ...request.headers, ...headers } }));
  return [
    { name: 'GET / and static files', cases: withHost(fc.oneof(getRequest('/:name', { name: staticName }), getRequest('/:a/:b', { a: fc.constantFrom('..', '%2e%2e', 'static', 'page'), b: staticName }))) },
    { name: 'GET /api/state', cases: withHost(getRequest('/api/state')) },
    // Valid but for one field: a payment from a member the dashboard has no key for, so even a form the server takes is refused (NO_KEY).
    { name: 'POST /api/pay', cases: formCases('/api/pay', { channelId, from: unkeyed, to: 0, amount: '5' }, context) },
    { name: 'POST /api/close', cases: formCases('/api/close', { channelId, member: context.members }, context) },
    // Valid but for one field: a member index beyond the channel's, so a form the server takes is refused.
    { name: 'POST /api/splice', cases: formCases('/api/splice', { channelId, member: context.members, kind: 'deposit', amount: '5' }, context) },
    { name: 'POST /api/terminate', cases: formCases('/api/terminate', { channelId, member: 0, version: context.latestVersion + 1 }, context) },
    { name: 'unknown paths', cases: withHost(getRequest('/api/:name', { name: fc.oneof(oddString.map(escapeForUrl), pathParameter) })) },
  ];
}

