// Proves `wedge network up --hosts` puts each replica on its own host: with
// 127.0.0.2-5 the genesis URLs name those hosts, the replicas commit a
// transfer, `network status` reaches all four there, and none answers on
// 127.0.0.1; a host list of the wrong length, or one that differs from the
// network already in the directory, exits 2 and says why.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, killSurvivors, runCli } from './run-cli.ts';

const HOSTS = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'];
let dir: string;
const seenPids = new Set<number>();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wedge-cli-hosts-'));
});

afterAll(async () => {
  await runCli(['network', 'down', '--dir', dir]);
  killSurvivors(seenPids);
  rmSync(dir, { recursive: true, force: true });
});

describe('wedge network up --hosts', () => {
  it('refuses a host list that does not name one host per replica', async () => {
    const short = await runCli(['network', 'up', '--dir', join(dir, 'unused'), '--hosts', '127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5', '--replicas', '7']);
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/--hosts names 4 hosts for 7 replicas/);
    const odd = await runCli(['network', 'up', '--dir', join(dir, 'unused'), '--hosts', '127.0.0.2,bad host!,127.0.0.4,127.0.0.5']);
    expect(odd.code).toBe(2);
    expect(odd.stderr).toMatch(/expected a host name, IPv4 or IPv6 address/);
  });

  it('starts each replica on its own host; none answers on 127.0.0.1', async () => {
    const up = await runCli(['network', 'up', '--dir', dir, '--hosts', HOSTS.join(','), '--json']);
    expect(up.code, up.stderr).toBe(0);
    for (const entry of (JSON.parse(readFileSync(join(dir, 'pids.json'), 'utf8')) as { processes: { pid: number }[] }).processes) seenPids.add(entry.pid);
    const replicas = (jsonOf(up) as { replicas: { url: string }[] }).replicas;
    expect(replicas.map((replica) => new URL(replica.url).hostname)).toEqual(HOSTS);

    const transfer = await runCli(['account', 'transfer', '--dir', dir, '--from', 'account-0', '--to', 'account-1', '--amount', '5', '--json']);
    expect(transfer.code, transfer.stderr).toBe(0);
    const status = jsonOf(await runCli(['network', 'status', '--dir', dir, '--json'])) as { replicas: { up: boolean; peersUp: number }[] };
    expect(status.replicas.every((replica) => replica.up && replica.peersUp === 3)).toBe(true);
    for (const replica of replicas) {
      const elsewhere = await fetch(`http://127.0.0.1:${new URL(replica.url).port}/v1/status`, { signal: AbortSignal.timeout(2_000) }).catch((error: Error) => error);
      expect(elsewhere, `${replica.url} answered on 127.0.0.1`).toBeInstanceOf(Error);
    }

    const other = await runCli(['network', 'up', '--dir', dir, '--hosts', '127.0.0.6,127.0.0.7,127.0.0.8,127.0.0.9']);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/already holds a network on hosts 127\.0\.0\.2,127\.0\.0\.3,127\.0\.0\.4,127\.0\.0\.5/);
  });
});
