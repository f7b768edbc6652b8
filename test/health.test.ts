// Proves the health probes answer as orchestrators expect, over real
// processes (four L1 replicas, a two-member channel, a watchtower):
// `/healthz` is 200 on every process while it runs; `/readyz` is 200 once a
// process should take traffic and 503 — naming the failed check — when it
// should not: replicas that reach fewer than 2f peers (two of four stopped)
// are not ready and become ready again once the peers are back and they are
// caught up; a wedged member is not ready (it takes no payments) but still
// healthy; both answers match their schemas in @wedge/api.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthResponse, ReadinessResponse } from '@wedge/api';
import { createClient } from '@wedge/client';
import { L1Network } from './support/l1-network.ts';
import { L2Channel, WatchtowerProcess, accountKeys, eventually } from './support/l2-network.ts';

let network: L1Network;
let channel: L2Channel;
let watchtower: WatchtowerProcess;

beforeAll(async () => {
  network = await L1Network.create({ replicas: 4, accounts: 2, params: { idleBlockMs: 100 } });
  await network.startAll();
  watchtower = await WatchtowerProcess.create(network);
  await watchtower.start();
  const client = createClient({ genesis: network.genesis });
  channel = await L2Channel.open(network, client, { keys: accountKeys(network), deposits: [1_000n, 1_000n], topology: 'star', challengeBlocks: 50, watchtowerUrl: watchtower.url });
  await channel.startAll();
}, 90_000);

afterAll(async () => {
  await Promise.all([channel?.killAll(), watchtower?.kill()]);
  await network?.destroy();
});

async function probe(url: string, path: '/healthz' | '/readyz') {
  const response = await fetch(`${url}${path}`);
  const json: unknown = await response.json();
  if (path === '/healthz') return { status: response.status, body: HealthResponse.parse(json) };
  return { status: response.status, body: ReadinessResponse.parse(json) };
}

async function readiness(url: string) {
  const response = await fetch(`${url}/readyz`);
  return { status: response.status, body: ReadinessResponse.parse(await response.json()) };
}

function allUrls(): string[] {
  return [...network.urls, ...channel.members.map((member) => member.url), watchtower.url];
}

describe('/healthz and /readyz', () => {
  it('every process is healthy and, once settled, ready', async () => {
    for (const url of allUrls()) {
      const health = await probe(url, '/healthz');
      expect(health.status, url).toBe(200);
      expect(health.body).toMatchObject({ status: 'ok' });
    }
    await eventually('every process ready', async () => {
      const answers = await Promise.all(allUrls().map(readiness));
      return answers.every((answer) => answer.status === 200 && answer.body.ready) ? answers : undefined;
    });
    const replica = await readiness(network.urls[0]!);
    expect(Object.keys(replica.body.checks).sort()).toEqual(['caughtUp', 'normalOperation', 'peersReachable']);
    const member = await readiness(channel.members[0]!.url);
    expect(Object.keys(member.body.checks).sort()).toEqual(['followingL1', 'peersReachable', 'takesPayments']);
  });

  it('replicas that reach fewer than 2f peers are not ready, and are again once the peers are back', async () => {
    await Promise.all([network.stop(2), network.stop(3)]);
    // Reachability is the outcome of the last exchange: a request makes the
    // survivors propose and vote, which they send to the stopped peers too.
    const [payer, payee] = accountKeys(network);
    const lone = createClient({ genesis: network.genesis, urls: [network.urls[0]!], resultConfirmations: 1 });
    const nonce = (await lone.getAccount(payer!.address)).nonce;
    await lone.submit(lone.buildTx({ type: 'transfer', from: payer!.address, nonce, to: payee!.address, amount: 1n }, [payer!]));
    for (const id of [0, 1]) {
      const answer = await eventually(`replica ${id} not ready`, async () => {
        const now = await readiness(network.urls[id]!);
        return now.status === 503 ? now : undefined;
      });
      expect(answer.body.ready).toBe(false);
      expect(answer.body.checks.peersReachable).toMatchObject({ ok: false });
      expect(answer.body.checks.peersReachable!.detail).toMatch(/1 of 3 peers reachable, 2 needed/);
      expect((await probe(network.urls[id]!, '/healthz')).status).toBe(200);
    }
    await Promise.all([network.start(2), network.start(3)]);
    await eventually('all four replicas ready again', async () => {
      const answers = await Promise.all(network.urls.map(readiness));
      return answers.every((answer) => answer.status === 200) ? true : undefined;
    }, 60_000);
  });

  it('a wedged member is healthy but not ready: it takes no payments', async () => {
    await channel.client(1).wedge();
    const answer = await readiness(channel.members[1]!.url);
    expect(answer.status).toBe(503);
    expect(answer.body.checks.takesPayments).toEqual({ ok: false, detail: 'wedged (user)' });
    expect((await probe(channel.members[1]!.url, '/healthz')).status).toBe(200);
  });
});
