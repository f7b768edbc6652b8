// The demo's two outputs: the one JSON object of `--json`, and the readable
// summary printed after the narrative.
import { fields, table } from '../lib/output.ts';
import type { DemoRun } from './run-demo.ts';

export type DemoJson = {
  ok: boolean;
  replicas: number;
  channels: { id: string; members: number; topology: string; payments: number; finalVersion: number; closedBy: string | null; settled: boolean }[];
  staleRejected: boolean;
  conserved: boolean;
  l1Height: number;
  durationMs: number;
  paymentsPerSecond: number;
  phasesMs: Record<string, number>;
  failedChecks: { name: string; detail: unknown }[];
  dir?: string;
  dashboard?: string | null;
};

export function demoJson(run: DemoRun, durationMs: number): DemoJson {
  const failed = run.ctx.checks.filter((check) => !check.ok);
  return {
    ok: failed.length === 0 && run.channels.every((channel) => channel.settled),
    replicas: 4,
    channels: run.channels.map(({ id, members, topology, payments, finalVersion, closedBy, settled }) => ({ id, members, topology, payments, finalVersion, closedBy, settled })),
    staleRejected: run.dispute !== null && run.dispute.staleChallengeCode === 'STALE_STATE' && run.channels[0]!.finalVersion === run.dispute.newestVersion,
    conserved: run.supplyAfter === run.supplyBefore,
    l1Height: run.l1Height,
    durationMs,
    paymentsPerSecond: Math.round(run.paymentsPerSecond),
    phasesMs: run.phasesMs,
    failedChecks: failed.map(({ name, detail }) => ({ name, detail })),
  };
}

export function demoText(run: DemoRun, json: DemoJson): string {
  const balances = table(
    run.balances.map((entry) => ({
      account: entry.name,
      before: entry.before,
      after: entry.after,
      change: `${entry.after >= entry.before ? '+' : ''}${entry.after - entry.before}`,
    })),
  );
  const channels = table(
    run.channels.map((channel) => ({
      channel: `${channel.id.slice(0, 12)}…`,
      topology: channel.topology,
      members: channel.names.join(', '),
      payments: channel.payments,
      'final version': channel.finalVersion,
      'closed by': channel.closedBy,
      'paid out': channel.settledBalances.join(' / '),
    })),
  );
  const phases = Object.entries(run.phasesMs)
    .map(([name, ms]) => `${name} ${(ms / 1000).toFixed(1)} s`)
    .join(', ');
  const checks = run.ctx.checks.map((check) => `  ${check.ok ? '✓' : '✗'} ${check.name}`).join('\n');
  return [
    '',
    'Channels',
    channels,
    '',
    'L1 balances of the members (before the channels opened → after they closed)',
    balances,
    '',
    'Checks',
    checks,
    '',
    fields([
      ['stale state', json.staleRejected ? 'overridden by the newest state and refused again (STALE_STATE)' : 'NOT rejected'],
      ['conservation', json.conserved ? `L1 supply ${run.supplyAfter} before and after` : `supply changed: ${run.supplyBefore} → ${run.supplyAfter}`],
      ['L1 height', run.l1Height],
      ['time per phase', phases],
      ['took', `${(json.durationMs / 1000).toFixed(1)} s`],
    ]),
    '',
    json.ok ? 'Demo complete: every check held.' : 'Demo FAILED: see the checks marked ✗ above.',
  ].join('\n');
}
