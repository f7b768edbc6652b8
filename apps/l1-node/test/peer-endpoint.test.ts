// Proves the peer endpoint's plain node:http fast path answers exactly as the
// express route it bypasses: the same status and error code for a valid
// envelope, a wrong MAC, an unknown or self sender, malformed JSON and an
// oversized body — the express route being reached by the same requests sent
// to the trailing-slash form of the path, which the fast path leaves to it.
// Also that a replica's own transport delivers envelopes through it.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consensusConfigOf, genesisHash, ledgerGenesisOf } from '@wedge/api';
import { readKeyFile } from '../src/key-file.ts';
import { writeNetwork, type NetworkLayout } from '../src/genesis-tool.ts';
import { HistoryBackfill } from '../src/history-backfill.ts';
import { createRequestListener } from '../src/http-api.ts';
import { macOf } from '../src/peer-auth.ts';
import { PEER_BODY_LIMIT_BYTES } from '../src/peer-endpoint.ts';
import { ReplicaNode } from '../src/replica-node.ts';
import { PEER_PATH } from '../src/transport.ts';

let dir: string;
let layout: NetworkLayout;
let nodes: ReplicaNode[];
let server: Server;
let url: string;

function nodeFor(id: number, urls: string[]): ReplicaNode {
  const { secretKey } = readKeyFile(layout.replicas[id]!.keyPath);
  return new ReplicaNode({
    chainId: layout.genesis.chainId,
    genesisHash: genesisHash(layout.genesis),
    config: consensusConfigOf(layout.genesis),
    replicaUrls: urls,
    ledgerGenesis: ledgerGenesisOf(layout.genesis),
    id,
    secretKey,
    dataDir: join(dir, `data-${id}`),
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wedge-peer-endpoint-'));
  layout = writeNetwork({ out: dir, replicas: 4, accounts: 1, balance: 1_000n, ports: [1, 2, 3, 4], chainId: 'wedge-test' });
  server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  // Replica 0 serves; replica 1 (not started) only lends its transport's MAC key and sending path.
  const urls = [url, 'http://127.0.0.1:9', 'http://127.0.0.1:9', 'http://127.0.0.1:9'];
  nodes = [nodeFor(0, urls), nodeFor(1, [url, url, url, url])];
  const history = HistoryBackfill.forReplica(nodes[0]!, layout.genesis);
  server.on('request', createRequestListener(nodes[0]!, { chainId: layout.genesis.chainId, genesisHash: genesisHash(layout.genesis), history }));
});

afterAll(async () => {
  for (const node of nodes ?? []) node.stop();
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function send(body: string, headers: Record<string, string>, viaExpress: boolean): Promise<{ status: number; code: string | undefined }> {
  // The fast path takes the exact path only; express routes the trailing-slash form to the same route.
  const response = await fetch(`${url}${PEER_PATH}${viaExpress ? '/' : ''}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await response.text();
  return { status: response.status, code: text === '' ? undefined : (JSON.parse(text) as { error: { code: string } }).error.code };
}

describe('peer endpoint', () => {
  const keyOf = (from: number) => nodes[0]!.peerKeys.macKeyFor(from)!;
  const envelope = (from: number) => JSON.stringify({ from, messages: [{ type: 'new-view-request', view: 3 }] });

  it('answers like the express route, case by case', async () => {
    const cases: { name: string; body: string; headers: Record<string, string>; status: number; code?: string }[] = [
      { name: 'authenticated', body: envelope(1), headers: { 'x-wedge-mac': macOf(keyOf(1), envelope(1)) }, status: 204 },
      { name: 'wrong MAC', body: envelope(1), headers: { 'x-wedge-mac': macOf(keyOf(2), envelope(1)) }, status: 401, code: 'UNAUTHORIZED_PEER' },
      { name: 'no MAC', body: envelope(1), headers: {}, status: 401, code: 'UNAUTHORIZED_PEER' },
      { name: 'from itself', body: envelope(0), headers: { 'x-wedge-mac': '00'.repeat(32) }, status: 401, code: 'UNAUTHORIZED_PEER' },
      { name: 'unknown sender', body: envelope(9), headers: { 'x-wedge-mac': '00'.repeat(32) }, status: 401, code: 'UNAUTHORIZED_PEER' },
      { name: 'malformed JSON', body: '{"from":', headers: {}, status: 400, code: 'INVALID_BODY' },
      { name: 'not an envelope', body: '[1,2]', headers: {}, status: 400, code: 'INVALID_BODY' },
    ];
    for (const testCase of cases) {
      const expected = { name: testCase.name, status: testCase.status, code: testCase.code };
      for (const viaExpress of [false, true]) {
        const { status, code } = await send(testCase.body, testCase.headers, viaExpress);
        expect({ name: testCase.name, status, code }).toEqual(expected);
      }
    }
  });

  it('refuses an oversized envelope with 413 on both paths', async () => {
    const body = 'x'.repeat(PEER_BODY_LIMIT_BYTES + 1);
    for (const viaExpress of [false, true]) expect(await send(body, {}, viaExpress)).toMatchObject({ status: 413, code: 'BODY_TOO_LARGE' });
  });

  it('takes envelopes from a replica transport', async () => {
    const before = nodes[0]!.transport.reachability().find((peer) => peer.id === 1)!.lastSeenMs;
    nodes[1]!.transport.send(0, { type: 'new-view-request', view: 5 });
    for (let attempt = 0; attempt < 100; attempt++) {
      const seen = nodes[0]!.transport.reachability().find((peer) => peer.id === 1)!.lastSeenMs;
      if (seen !== null && seen !== before) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error('the envelope never arrived');
  });
});
