// The page's calls to its own server: the state it polls and the form posts.
import type { Snapshot } from '../src/snapshot.ts';

export type Outcome<T> = { ok: true; data: T } | { ok: false; code: string; message: string };

/** A form post waits for a certificate or an L1 transaction; give up a little after the server would. */
const POST_TIMEOUT_MS = 45_000;
const STATE_TIMEOUT_MS = 5_000;

export async function fetchState(): Promise<Snapshot> {
  const response = await fetch('/api/state', { cache: 'no-store', signal: AbortSignal.timeout(STATE_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`the dashboard answered ${response.status}`);
  return (await response.json()) as Snapshot;
}

export async function postJson<T>(path: string, body: unknown): Promise<Outcome<T>> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(POST_TIMEOUT_MS),
    });
  } catch (error) {
    return { ok: false, code: 'UNREACHABLE', message: `the dashboard server did not answer: ${(error as Error).message}` };
  }
  const json = (await response.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  if (response.ok) return { ok: true, data: json as T };
  const error = json?.error;
  return { ok: false, code: error?.code ?? `HTTP_${response.status}`, message: error?.message ?? `the dashboard answered ${response.status}` };
}
