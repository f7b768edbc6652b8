// Proves GET /v1/openapi.json describes exactly what the servers serve, over
// real processes (four L1 replicas, a two-member channel, a watchtower): each
// kind's document is valid OpenAPI 3.1 (checked against OpenAPI's own JSON
// Schema by @seriousme/openapi-schema-validator); every route of the express
// app — built in this process around a real, unstarted node, as main.ts
// builds it — is described, and every described route exists there; and on
// the running servers every described operation is answered by its handler,
// never by the catch-all "no such endpoint" (which an undescribed path gets).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consensusConfigOf, genesisHash, ledgerGenesisOf, routeKey } from '@wedge/api';
import { createClient } from '@wedge/client';
import { HistoryBackfill } from '../apps/l1-node/src/history-backfill.ts';
import { createApiApp } from '../apps/l1-node/src/http-api.ts';
import { readKeyFile } from '../apps/l1-node/src/key-file.ts';
import { ReplicaNode } from '../apps/l1-node/src/replica-node.ts';
import { L1Reader } from '../apps/l2-node/src/l1-reader.ts';
import { createMemberApi } from '../apps/l2-node/src/member-api.ts';
import { MemberNode } from '../apps/l2-node/src/member-node.ts';
import { createWatchtowerApi } from '../apps/l2-node/src/watchtower-api.ts';
import { WatchtowerNode } from '../apps/l2-node/src/watchtower-node.ts';
import { fastSecp256k1 } from '@wedge/crypto/node';
import { expressRoutes } from './support/express-routes.ts';
import { L1Network } from './support/l1-network.ts';
import { L2Channel, WatchtowerProcess, accountKeys } from './support/l2-network.ts';

type Document = { openapi: string; paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>> };

let network: L1Network;
let channel: L2Channel;
let watchtower: WatchtowerProcess;
let scratch: string;

beforeAll(async () => {
  network = await L1Network.create({ replicas: 4, accounts: 2, params: { idleBlockMs: 100 } });
  await network.startAll();
  watchtower = await WatchtowerProcess.create(network);
  await watchtower.start();
  const client = createClient({ genesis: network.genesis });
  channel = await L2Channel.open(network, client, { keys: accountKeys(network), deposits: [1_000n, 1_000n], topology: 'star', challengeBlocks: 50, watchtowerUrl: watchtower.url });
  await channel.startAll();
  scratch = mkdtempSync(join(tmpdir(), 'wedge-openapi-'));
}, 90_000);

afterAll(async () => {
  await Promise.all([channel?.killAll(), watchtower?.kill()]);
  await network?.destroy();
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
});

async function documentOf(url: string): Promise<Document> {
  const response = await fetch(`${url}/v1/openapi.json`);
  expect(response.status).toBe(200);
  return (await response.json()) as Document;
}

/** `METHOD /path` in express syntax for every operation of the document. */
function describedRoutes(document: Document): string[] {
  const keys: string[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of Object.keys(item)) keys.push(routeKey(method, path.replace(/\{([^}]+)\}/g, ':$1')));
  }
  return keys.sort();
}

/** A value of the right shape for each path parameter, so the request reaches the handler. */
const EXAMPLE_PARAMS: Record<string, string> = { hash: '0'.repeat(64), id: '0'.repeat(64), address: '0'.repeat(40), height: '1', version: '0' };

/** Every described operation is answered by its own handler on the running server (not the catch-all). */
async function expectServed(url: string, document: Document): Promise<void> {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      for (const parameter of operation.parameters ?? []) if (parameter.in === 'path') expect(EXAMPLE_PARAMS, `an example for {${parameter.name}}`).toHaveProperty(parameter.name);
      // Bodies are empty objects: a handler refuses them with its own code (and
      // POST /v1/wedge does wedge this member: nothing after needs the channel).
      const concrete = path.replace(/\{([^}]+)\}/g, (_match, name: string) => EXAMPLE_PARAMS[name]!);
      const response = await fetch(`${url}${concrete}`, { method: method.toUpperCase(), headers: { 'content-type': 'application/json' }, body: method === 'post' ? '{}' : undefined });
      const body = await response.text();
      expect(body, `${method.toUpperCase()} ${concrete} on ${url} reaches its handler`).not.toContain('no such endpoint');
    }
  }
  const missing = await fetch(`${url}/v1/not-described`);
  expect(await missing.text()).toContain('no such endpoint');
}

async function expectValid31(document: Document): Promise<void> {
  expect(document.openapi).toBe('3.1.0');
  const validator = new Validator();
  const result = await validator.validate(document as unknown as Record<string, unknown>);
  expect(result.errors ?? [], 'valid OpenAPI 3.1').toEqual([]);
  expect(result.valid).toBe(true);
}

describe('GET /v1/openapi.json', () => {
  it('a replica: valid 3.1, every route of its app described and every described route served', async () => {
    const document = await documentOf(network.urls[0]!);
    await expectValid31(document);
    const genesis = network.genesis;
    const spec = network.layout.replicas[1]!;
    const node = new ReplicaNode({
      chainId: genesis.chainId,
      genesisHash: genesisHash(genesis),
      config: consensusConfigOf(genesis),
      replicaUrls: genesis.replicas.map((replica) => replica.url),
      ledgerGenesis: ledgerGenesisOf(genesis),
      id: 1,
      secretKey: readKeyFile(spec.keyPath).secretKey,
      dataDir: join(scratch, 'replica'),
    });
    try {
      const app = createApiApp(node, { chainId: genesis.chainId, genesisHash: genesisHash(genesis), history: HistoryBackfill.forReplica(node, genesis) });
      expect(expressRoutes(app)).toEqual(describedRoutes(document));
    } finally {
      node.stop();
    }
    await expectServed(network.urls[0]!, document);
  });

  it('a member: valid 3.1, every route of its app described and every described route served', async () => {
    const document = await documentOf(channel.members[0]!.url);
    await expectValid31(document);
    const reader = new L1Reader(network.genesis);
    const verified = await reader.channel(channel.id);
    expect(verified).not.toBeNull();
    const node = new MemberNode({
      chainId: network.genesis.chainId,
      record: verified!.record,
      self: 0,
      account: channel.keys[0]!,
      scheme: fastSecp256k1,
      peers: channel.members.map((member) => member.url),
      dataDir: join(scratch, 'member'),
      maxBatchPayments: 100,
      progressTimeoutMs: 5_000,
      l1PollMs: 1_000,
      reader,
      watchtowerUrl: null,
      crashAfterPersist: null,
      log: { info: () => {} },
    });
    try {
      expect(expressRoutes(createMemberApi(node, { paymentWaitMs: 1_000 }))).toEqual(describedRoutes(document));
    } finally {
      node.stop();
    }
    await expectServed(channel.members[1]!.url, document);
  });

  it('the watchtower: valid 3.1, every route of its app described and every described route served', async () => {
    const document = await documentOf(watchtower.url);
    await expectValid31(document);
    const reader = new L1Reader(network.genesis);
    const node = new WatchtowerNode({
      chainId: network.genesis.chainId,
      account: watchtower.account,
      scheme: fastSecp256k1,
      dataDir: join(scratch, 'watchtower'),
      l1PollMs: 1_000,
      reader,
      log: { info: () => {} },
    });
    try {
      expect(expressRoutes(createWatchtowerApi(node, reader))).toEqual(describedRoutes(document));
    } finally {
      node.stop();
    }
    await expectServed(watchtower.url, document);
  });
});
