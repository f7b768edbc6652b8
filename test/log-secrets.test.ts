// Proves the processes' logs are structured and never hold a secret, over
// real processes logging at the most verbose level (WEDGE_LOG_LEVEL=trace):
// four L1 replicas, a two-member channel and its watchtower go through the
// events that matter — start, payments, a member's restart (recovery), a
// wedge, the dispute it starts and the settlement, checkpoints, the primary
// stopped (a view change) and restarted (recovery) — and then every line any
// of them wrote on stdout is one JSON object with a level, an ISO time and an
// event; those events are there; and no output (stdout or stderr) contains a
// replica's, member's or watchtower's secret key, in either case, nor a key
// file's contents.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type WedgeClient } from '@wedge/client';
import { toHex } from '@wedge/common';
import { readKeyFile } from '../apps/l1-node/src/key-file.ts';
import { L1Network } from './support/l1-network.ts';
import { L2Channel, WatchtowerProcess, accountKeys, eventually } from './support/l2-network.ts';

let network: L1Network;
let client: WedgeClient;
let channel: L2Channel;
let watchtower: WatchtowerProcess;
const previousLevel = process.env.WEDGE_LOG_LEVEL;

/** Lines with this event in the output of one process. */
function events(log: readonly string[], event: string): Record<string, unknown>[] {
  return log
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes(`"event":"${event}"`))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

beforeAll(async () => {
  // Every process started below inherits the environment: all log at trace.
  process.env.WEDGE_LOG_LEVEL = 'trace';
  network = await L1Network.create({ replicas: 4, accounts: 3, params: { idleBlockMs: 100, checkpointBlocks: 5, watermarkBlocks: 20, progressTimeoutMs: 1_000 } });
  await network.startAll();
  client = createClient({ genesis: network.genesis });
  watchtower = await WatchtowerProcess.create(network);
  await watchtower.start();
  channel = await L2Channel.open(network, client, { keys: accountKeys(network).slice(0, 2), deposits: [1_000n, 1_000n], topology: 'star', challengeBlocks: 5, watchtowerUrl: watchtower.url });
  await channel.startAll();
}, 90_000);

afterAll(async () => {
  if (previousLevel === undefined) delete process.env.WEDGE_LOG_LEVEL;
  else process.env.WEDGE_LOG_LEVEL = previousLevel;
  await Promise.all([channel?.killAll(), watchtower?.kill()]);
  await network?.destroy();
});

describe('process logs', () => {
  it('go through start, recovery, wedge, dispute, settlement, checkpoints and a view change', async () => {
    for (let index = 0; index < 3; index++) await channel.client(index % 2).pay(channel.payment(index % 2, 1 - (index % 2), 5n));
    await channel.members[1]!.stop();
    await channel.members[1]!.start();
    await channel.client(0).wedge();
    await eventually('the channel settled on L1', async () => ((await client.getChannel(channel.id)).status === 'closed' ? true : undefined), 60_000);
    // The primary of view 0 stops; a transfer then makes the others change view.
    await network.stop(0);
    const [payer, payee] = [accountKeys(network)[2]!, accountKeys(network)[0]!];
    const backups = createClient({ genesis: network.genesis, urls: network.urls.slice(1) });
    await backups.transfer(payer, payee.address, 1n, { timeoutMs: 60_000 });
    await network.start(0);
    await eventually('replica 0 recovered', async () => (events(network.replicas[0]!.log, 'recovered').length >= 2 ? true : undefined));

    for (const replica of network.replicas) {
      for (const event of ['listening', 'recovered', 'checkpoint']) expect(events(replica.log, event).length, `replica ${replica.id}: ${event}`).toBeGreaterThan(0);
    }
    expect(events(network.replicas[0]!.log, 'stopping')).toHaveLength(1);
    expect(network.replicas.slice(1).every((replica) => events(replica.log, 'view-change').some((line) => line.view === 1))).toBe(true);
    const member0 = channel.members[0]!.log;
    expect(events(member0, 'wedged')[0]).toMatchObject({ level: 'info', role: 'member', member: 0, reason: 'user' });
    expect(events(member0, 'dispute')[0]).toMatchObject({ action: 'terminate', channelId: channel.id });
    expect(events(channel.members[1]!.log, 'recovered').length).toBe(2);
    const settled = [...channel.members.map((member) => member.log), watchtower.log].some((log) => events(log, 'settlement').length > 0);
    expect(settled).toBe(true);
  });

  it('are one JSON object per line with level, time and event', () => {
    for (const log of [...network.replicas.map((replica) => replica.log), ...channel.members.map((member) => member.log), watchtower.log]) {
      const lines = log.join('').split('\n').filter((line) => line !== '');
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        // stderr is in the same log: only the process's own JSON lines are checked for shape.
        if (!line.startsWith('{')) continue;
        const entry = JSON.parse(line) as Record<string, unknown>;
        if (entry.event === 'crash-after-persist') continue;
        expect(['trace', 'debug', 'info', 'warn', 'error', 'fatal'], line).toContain(entry.level);
        expect(Number.isNaN(Date.parse(String(entry.time))), line).toBe(false);
        expect(typeof entry.event, line).toBe('string');
      }
    }
  });

  it('never hold a secret key or a key file', () => {
    const secrets = [
      ...network.layout.replicas.flatMap((replica) => [toHex(readKeyFile(replica.keyPath).secretKey), readFileSync(replica.keyPath, 'utf8').trim()]),
      ...network.layout.accounts.map((account) => account.secretKey),
      ...channel.keys.map((key) => toHex(key.secretKey)),
      toHex(watchtower.account.secretKey),
    ];
    expect(secrets.length).toBe(4 * 2 + 3 + 2 + 1);
    const outputs = [...network.replicas.map((replica) => replica.log), ...channel.members.map((member) => member.log), watchtower.log].map((log) => log.join(''));
    expect(outputs.every((output) => output.length > 0)).toBe(true);
    for (const output of outputs) {
      for (const secret of secrets) {
        expect(output.includes(secret)).toBe(false);
        expect(output.includes(secret.toUpperCase())).toBe(false);
      }
    }
  });
});
