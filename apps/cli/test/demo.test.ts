// Proves `npm run demo` works end to end as real processes: with --json it
// exits 0 and prints exactly one JSON object in which both channels (a
// 2-member star settled by dispute, a 3-member chain closed cooperatively)
// are settled, the stale state was rejected and the supply conserved; no
// process it started outlives it; bad arguments exit 2 with a message.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const demo = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'apps/cli/src/demo.ts', ...args], { cwd: root, encoding: 'utf8', timeout: 180_000 });

/** Pids of live processes whose command line mentions `text`. */
function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z') continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

describe('npm run demo', () => {
  it('--json prints one object: both channels settled, stale state rejected, supply conserved; every process stopped', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wedge-demo-test-'));
    try {
      const run = demo('--json', '--payments', '60', '--dir', dir);
      expect(run.status, run.stderr).toBe(0);
      const lines = run.stdout.trim().split('\n');
      expect(lines).toHaveLength(1);
      const summary = JSON.parse(lines[0]!);
      expect(summary).toMatchObject({ ok: true, replicas: 4, staleRejected: true, conserved: true, failedChecks: [] });
      expect(summary.channels).toMatchObject([
        { members: 2, topology: 'star', payments: 31, closedBy: 'dispute', settled: true },
        { members: 3, topology: 'chain', payments: 30, closedBy: 'cooperative', settled: true },
      ]);
      for (const channel of summary.channels) {
        expect(channel.id).toMatch(/^[0-9a-f]{64}$/);
        expect(channel.finalVersion).toBeGreaterThanOrEqual(2);
      }
      expect(summary.l1Height).toBeGreaterThan(0);
      expect(summary.durationMs).toBeGreaterThan(0);
      expect(processesMentioning(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects bad arguments with exit code 2 and a message', () => {
    for (const [args, message] of [
      [['--bogus'], /unknown option '--bogus'/],
      [['--payments', '1'], /must be between 2 and 100000/],
      [['--payments', 'many'], /expected a whole number/],
    ] as const) {
      const run = demo(...args);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
    }
  });
});
