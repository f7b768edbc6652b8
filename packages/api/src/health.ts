// The health endpoints every Wedge process serves, in the shape orchestrators
// (Kubernetes probes, systemd watchdogs, load balancers) expect: `/healthz`
// answers 200 while the process is alive and its step loop runs — a 503 (or
// no answer) means restart it; `/readyz` answers 200 only when the process
// should take traffic — for a replica: in normal operation, caught up and
// with a quorum of peers reachable — and 503 otherwise, naming each check and
// why it failed, so an operator reads the reason from the probe itself.
import { z } from 'zod';

export const HealthResponse = z.strictObject({
  status: z.enum(['ok', 'stopped']),
  uptimeSeconds: z.number().min(0),
});
export type HealthResponse = z.infer<typeof HealthResponse>;

export const ReadinessCheck = z.strictObject({ ok: z.boolean(), detail: z.string().max(500) });
export type ReadinessCheck = z.infer<typeof ReadinessCheck>;

export const ReadinessResponse = z.strictObject({
  ready: z.boolean(),
  /** Each check by name (e.g. `caughtUp`, `peersReachable`), with what it saw. */
  checks: z.record(z.string(), ReadinessCheck),
});
export type ReadinessResponse = z.infer<typeof ReadinessResponse>;

/** What a health answer needs of express's response (structural, so this package does not depend on express). */
export type HealthAnswerResponse = { status(code: number): { json(body: unknown): unknown } };

/** 200 while `running`, else 503 (the loop stopped: the process is going down or crashed). */
export function answerHealth(response: HealthAnswerResponse, running: boolean, uptimeSeconds: number): void {
  const body: HealthResponse = { status: running ? 'ok' : 'stopped', uptimeSeconds: Math.round(uptimeSeconds * 1000) / 1000 };
  response.status(running ? 200 : 503).json(body);
}

/** 200 when every check passes, else 503; the body names every check either way. */
export function answerReadiness(response: HealthAnswerResponse, checks: Record<string, ReadinessCheck>): void {
  const ready = Object.values(checks).every((check) => check.ok);
  const body: ReadinessResponse = { ready, checks };
  response.status(ready ? 200 : 503).json(body);
}
