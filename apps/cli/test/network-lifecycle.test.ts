// Proves the CLI runs a real local network end to end as separate processes:
// `network up` starts 4 replicas in the background, `account new` and
// `account transfer` move funds and wait for finality, `network status
// --json` shows every replica up at or past the transfer's height, a replica's
// refusal is reported with its code and exit 1, and `network down` stops
// every process it started (checked by pid).
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive, jsonOf, killSurvivors, runCli } from './run-cli.ts';

let dir: string;
const seenPids = new Set<number>();

function recordedPids(): number[] {
  const file = JSON.parse(readFileSync(join(dir, 'pids.json'), 'utf8')) as { processes: { pid: number }[] };
  const pids = file.processes.map((entry) => entry.pid);
  for (const pid of pids) seenPids.add(pid);
  return pids;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wedge-cli-'));
});

afterAll(async () => {
  // Whatever happened above, nothing this test started may outlive it.
  await runCli(['network', 'down', '--dir', dir]);
  killSurvivors(seenPids);
  rmSync(dir, { recursive: true, force: true });
});

describe('wedge network and account commands over real processes', () => {
  it('up → transfer → status → down, and every process is stopped', async () => {
    const up = await runCli(['network', 'up', '--dir', dir, '--json']);
    expect(up.code, up.stderr).toBe(0);
    expect(jsonOf(up)).toMatchObject({ ok: true, created: true, started: ['replica-0', 'replica-1', 'replica-2', 'replica-3'] });
    const pids = recordedPids();
    expect(pids).toHaveLength(4);
    expect(pids.every(isAlive)).toBe(true);

    const created = await runCli(['account', 'new', '--dir', dir, '--name', 'alice', '--json']);
    expect(created.code, created.stderr).toBe(0);
    const alice = jsonOf(created) as { address: string };
    expect(statSync(join(dir, 'keys', 'alice.json')).mode & 0o777).toBe(0o600);

    const transfer = await runCli(['account', 'transfer', '--dir', dir, '--from', 'account-0', '--to', 'alice', '--amount', '123456789', '--json']);
    expect(transfer.code, transfer.stderr).toBe(0);
    const final = jsonOf(transfer) as { code: string; height: number; to: string; amount: string };
    expect(final).toMatchObject({ code: 'OK', to: alice.address, amount: '123456789' });
    expect(final.height).toBeGreaterThanOrEqual(1);

    const balance = jsonOf(await runCli(['account', 'balance', alice.address, '--dir', dir, '--json']));
    expect(balance).toMatchObject({ name: 'alice', balance: '123456789', nonce: 0 });

    // More than alice holds: the replicas refuse it; the CLI says which code and exits 1.
    const refused = await runCli(['account', 'transfer', '--dir', dir, '--from', 'alice', '--to', 'account-0', '--amount', '999999999999999999999999999999']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/error: INSUFFICIENT_FUNDS: /);

    const status = await runCli(['network', 'status', '--dir', dir, '--json']);
    expect(status.code, status.stderr).toBe(0);
    const replicas = (jsonOf(status) as { replicas: { up: boolean; process: string; height: number; peersUp: number; stateRoot: string }[] }).replicas;
    expect(replicas).toHaveLength(4);
    for (const replica of replicas) {
      expect(replica).toMatchObject({ up: true, process: 'running', peersUp: 3 });
      expect(replica.height).toBeGreaterThanOrEqual(final.height);
    }

    const table = await runCli(['network', 'status', '--dir', dir]);
    expect(table.stdout).toMatch(/REPLICA\s+URL\s+STATE\s+VIEW\s+HEIGHT\s+STATE ROOT\s+PEERS UP\s+PENDING/);
    expect(table.stdout).toContain('4 of 4 replicas answer');

    const down = await runCli(['network', 'down', '--dir', dir, '--json']);
    expect(down.code, down.stderr).toBe(0);
    const stopped = (jsonOf(down) as { stopped: { pid: number; result: string }[] }).stopped;
    expect(stopped.map((entry) => entry.pid).sort()).toEqual([...pids].sort());
    expect(stopped.every((entry) => entry.result === 'terminated' || entry.result === 'killed')).toBe(true);
    expect(pids.filter(isAlive)).toEqual([]);
    expect(recordedPids()).toEqual([]);

    const after = jsonOf(await runCli(['network', 'status', '--dir', dir, '--json'])) as { up: number };
    expect(after.up).toBe(0);
  });
});
