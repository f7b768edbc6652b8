// Proves channel members and the watchtower listen on the host of their own
// URL, not on a hard-coded 127.0.0.1: replicas at 127.0.0.2-5, a 2-member
// star channel at 127.0.0.6 and 127.0.0.7 (their URLs in --peers) and a
// watchtower at 127.0.0.8 (its --url; members reach it there) commit a
// payment, the watchtower receives the certificate, and none of the L2
// processes answers on 127.0.0.1 at its port.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@wedge/client';
import { L1Network } from './support/l1-network.ts';
import { L2Channel, WatchtowerProcess, accountKeys, eventually } from './support/l2-network.ts';

const DEPOSIT = 1_000_000n;

let network: L1Network;
let channel: L2Channel | null = null;
let watchtower: WatchtowerProcess | null = null;

beforeAll(async () => {
  network = await L1Network.create({ replicas: 4, accounts: 2, hosts: ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'], params: { idleBlockMs: 100 } });
  await network.startAll();
  watchtower = await WatchtowerProcess.create(network, 'watchtower', '127.0.0.8');
  await watchtower.start();
  channel = await L2Channel.open(network, createClient({ genesis: network.genesis }), {
    keys: accountKeys(network),
    deposits: [DEPOSIT, DEPOSIT],
    topology: 'star',
    challengeBlocks: 5,
    hosts: ['127.0.0.6', '127.0.0.7'],
    watchtowerUrl: watchtower.url,
  });
  await channel.startAll();
}, 90_000);

afterAll(async () => {
  await channel?.killAll();
  await watchtower?.kill();
  await network?.destroy();
});

describe('members and the watchtower on their own addresses', () => {
  it('pay and push certificates, each reachable at its own address only', async () => {
    expect(channel!.members.map((member) => new URL(member.url).hostname)).toEqual(['127.0.0.6', '127.0.0.7']);
    expect(new URL(watchtower!.url).hostname).toBe('127.0.0.8');
    const answer = await channel!.client(1).pay(channel!.payment(1, 0, 25n));
    expect(answer.version).toBeGreaterThan(0);
    await eventually('the watchtower holds the certificate', async () => {
      const watched = await watchtower!.client.channel(channel!.id);
      return (watched.best?.state.version ?? 0) >= answer.version ? true : undefined;
    });
    for (const process of [...channel!.members, watchtower!]) {
      const port = new URL(process.url).port;
      const elsewhere = await fetch(`http://127.0.0.1:${port}/v1/channel`, { signal: AbortSignal.timeout(2_000) }).catch((error: Error) => error);
      expect(elsewhere, `${process.name} answered on 127.0.0.1`).toBeInstanceOf(Error);
    }
  });
});
