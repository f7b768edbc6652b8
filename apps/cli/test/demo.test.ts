// Proves `npm run demo` works as a process: it exits 0 and, with --json,
// prints exactly one JSON object showing a cooperative close and a dispute
// settled at the expected balances with every invariant held; bad arguments
// exit 2 with a message.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const demo = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'apps/cli/src/demo.ts', ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });

describe('npm run demo', () => {
  it('--json prints one object with both channels settled as expected', () => {
    const run = demo('--json');
    expect(run.status, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary.ok).toBe(true);
    expect(summary.violations).toEqual([]);
    expect(summary.views).toBeGreaterThanOrEqual(1);
    expect(summary.staleRejected).toBeGreaterThanOrEqual(1);
    expect(summary.channels.map((channel: { path: string }) => channel.path)).toEqual(['cooperative', 'dispute']);
    for (const channel of summary.channels) {
      expect(channel.status).toBe('closed');
      expect(channel.settledBalances).toEqual(channel.expectedBalances);
    }
  });

  it('rejects an unknown argument with exit code 2', () => {
    const run = demo('--bogus');
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('unknown or malformed argument');
  });
});
