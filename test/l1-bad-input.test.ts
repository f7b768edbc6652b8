// Proves the replica HTTP API answers bad input with a typed error — JSON
// {"error":{"code","message"}} and a 4xx status — and that nothing changes:
// malformed JSON, an oversized body, wrong types, negative and huge amounts,
// a bad signature, the wrong chain id, a replayed transaction, an out-of-order
// nonce, an overdraft, a batch with one bad transaction, unknown resources,
// and an unauthenticated peer envelope. Balances, nonces and heights are
// compared on every replica before and after.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHex } from '@wedge/common';
import { MAX_WAITING_REQUESTS, signedTxToWire } from '@wedge/api';
import { createClient, type WedgeClient } from '@wedge/client';
import { keyPairFromSecret, type KeyPair } from '@wedge/crypto';
import { fastSecp256k1 } from '@wedge/crypto/node';
import { signTx, type SignedTx } from '@wedge/ledger';
import { L1Network } from './support/l1-network.ts';

let network: L1Network;
let client: WedgeClient;
let alice: KeyPair;
let bob: KeyPair;
let url: string;

function transferBody(nonce: number, amount: bigint, chainId = 'wedge-test') {
  return { type: 'transfer' as const, chainId, from: alice.address, nonce, to: bob.address, amount };
}

async function post(path: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const response = await fetch(`${url}${path}`, { method: 'POST', headers, body });
  return { status: response.status, body: (await response.json()) as { error?: { code: string; message: string } } };
}

async function snapshot() {
  return Promise.all(
    network.urls.map(async (replicaUrl) => {
      const at = createClient({ genesis: network.genesis, urls: [replicaUrl], resultConfirmations: 1 });
      const status = await at.getStatus(replicaUrl);
      return { height: status.height, root: status.stateRoot, pending: status.pendingTxs, alice: await at.getAccount(alice.address), bob: await at.getAccount(bob.address) };
    }),
  );
}

beforeAll(async () => {
  network = await L1Network.create({ replicas: 4, accounts: 2, balance: 1_000n });
  await network.startAll();
  client = createClient({ genesis: network.genesis });
  [alice, bob] = network.layout.accounts.map((account) => keyPairFromSecret(fastSecp256k1, fromHex(account.secretKey))) as [KeyPair, KeyPair];
  url = network.urls[0]!;
  // One committed transfer, so that a replay has something to replay.
  const [hash] = await client.submit(signTx(fastSecp256k1, transferBody(0, 10n), [alice]));
  await client.waitForFinality(hash!, { timeoutMs: 30_000 });
  // Finality needs f+1 replicas to have executed it; the snapshot compares all four, so wait for the rest.
  await network.converged();
}, 60_000);

afterAll(async () => {
  await network?.destroy();
});

describe('bad input to the L1 HTTP API changes nothing', () => {
  it('rejects each kind of bad request with its code and a 4xx', async () => {
    const before = await snapshot();
    const wire = (tx: SignedTx) => JSON.stringify(signedTxToWire(tx));
    const good = signTx(fastSecp256k1, transferBody(1, 5n), [alice]);
    const goodWire = signedTxToWire(good);
    const cases: { name: string; request: () => Promise<{ status: number; body: { error?: { code: string; message?: string } } }>; status: number; code: string }[] = [
      { name: 'malformed JSON', request: () => post('/v1/txs', '{"body": '), status: 400, code: 'MALFORMED_JSON' },
      { name: 'oversized body', request: () => post('/v1/txs', JSON.stringify({ pad: 'x'.repeat(5 * 1024 * 1024) })), status: 413, code: 'BODY_TOO_LARGE' },
      {
        name: 'amount as a number',
        request: () => post('/v1/txs', JSON.stringify({ ...goodWire, body: { ...goodWire.body, amount: 5 } })),
        status: 400,
        code: 'INVALID_BODY',
      },
      {
        name: 'nonce as a string',
        request: () => post('/v1/txs', JSON.stringify({ ...goodWire, body: { ...goodWire.body, nonce: '1' } })),
        status: 400,
        code: 'INVALID_BODY',
      },
      {
        name: 'negative amount',
        request: () => post('/v1/txs', JSON.stringify({ ...goodWire, body: { ...goodWire.body, amount: '-5' } })),
        status: 400,
        code: 'INVALID_BODY',
      },
      {
        name: 'huge amount',
        request: () => post('/v1/txs', JSON.stringify({ ...goodWire, body: { ...goodWire.body, amount: '1'.padEnd(45, '0') } })),
        status: 400,
        code: 'INVALID_BODY',
      },
      {
        name: 'bad signature (signed by someone else)',
        request: () => post('/v1/txs', wire({ ...signTx(fastSecp256k1, transferBody(1, 5n), [bob]), body: transferBody(1, 5n) })),
        status: 400,
        code: 'BAD_SIGNATURE',
      },
      {
        name: 'signature over different contents',
        request: () => post('/v1/txs', wire({ ...good, body: transferBody(1, 6n) })),
        status: 400,
        code: 'BAD_SIGNATURE',
      },
      { name: 'wrong chain id', request: () => post('/v1/txs', wire(signTx(fastSecp256k1, transferBody(1, 5n, 'other-chain'), [alice]))), status: 400, code: 'WRONG_CHAIN' },
      { name: 'replayed transaction', request: () => post('/v1/txs', wire(signTx(fastSecp256k1, transferBody(0, 10n), [alice]))), status: 409, code: 'BAD_NONCE' },
      { name: 'out-of-order nonce', request: () => post('/v1/txs', wire(signTx(fastSecp256k1, transferBody(5_000, 5n), [alice]))), status: 409, code: 'BAD_NONCE' },
      { name: 'overdraft', request: () => post('/v1/txs', wire(signTx(fastSecp256k1, transferBody(1, 1_000_000n), [alice]))), status: 422, code: 'INSUFFICIENT_FUNDS' },
      { name: 'zero amount', request: () => post('/v1/txs', wire(signTx(fastSecp256k1, transferBody(1, 0n), [alice]))), status: 400, code: 'INVALID_AMOUNT' },
      {
        name: 'a batch with one bad transaction',
        request: () => post('/v1/txs', JSON.stringify([goodWire, signedTxToWire(signTx(fastSecp256k1, transferBody(2, 5n, 'other-chain'), [alice]))])),
        status: 400,
        code: 'WRONG_CHAIN',
      },
      { name: 'empty batch', request: () => post('/v1/txs', '[]'), status: 400, code: 'INVALID_BODY' },
      {
        name: 'unauthenticated peer envelope',
        request: () => post('/v1/peer/messages', JSON.stringify({ from: 1, messages: [] }), { 'content-type': 'application/json', 'x-wedge-mac': '00'.repeat(32) }),
        status: 401,
        code: 'UNAUTHORIZED_PEER',
      },
    ];
    for (const testCase of cases) {
      const { status, body } = await testCase.request();
      expect({ name: testCase.name, status, code: body.error?.code }).toEqual({ name: testCase.name, status: testCase.status, code: testCase.code });
      expect(typeof body.error?.message).toBe('string');
    }
    for (const [path, status, code] of [
      ['/v1/accounts/XYZ', 400, 'INVALID_BODY'],
      ['/v1/channels/' + 'ab'.repeat(32), 404, 'UNKNOWN_CHANNEL'],
      ['/v1/txs/' + 'cd'.repeat(32), 404, 'UNKNOWN_TX'],
      ['/v1/blocks/999999', 404, 'UNKNOWN_BLOCK'],
      ['/v1/blocks/-1', 400, 'INVALID_BODY'],
      ['/v1/blocks/999999/results', 404, 'UNKNOWN_BLOCK'],
      ['/v1/blocks/0/results', 400, 'INVALID_BODY'],
      ['/v1/blocks/1/results?waitMs=soon', 400, 'INVALID_BODY'],
      ['/v1/blocks/1/results?waitMs=-5', 400, 'INVALID_BODY'],
      ['/v1/blocks/1/results?waitMs=30001', 400, 'INVALID_BODY'],
      ['/v1/blocks/1/results?waitMs=1&waitMs=2', 400, 'INVALID_BODY'],
      ['/v1/blocks/999999/results?waitMs=50', 404, 'UNKNOWN_BLOCK'],
      ['/v1/nowhere', 404, 'NOT_FOUND'],
    ] as const) {
      const response = await fetch(`${url}${path}`);
      expect({ path, status: response.status, code: ((await response.json()) as { error: { code: string } }).error.code }).toEqual({ path, status, code });
    }
    // Waiting requests are bounded: with MAX_WAITING_REQUESTS waiting for a
    // block that will not come, one more is refused BUSY, and the waiting ones
    // end with UNKNOWN_BLOCK when their wait is up.
    const far = `${url}/v1/blocks/999999/results?waitMs=3000`;
    const waiting = Array.from({ length: MAX_WAITING_REQUESTS }, () => fetch(far));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const refused = await fetch(far);
    expect({ status: refused.status, code: ((await refused.json()) as { error: { code: string } }).error.code }).toEqual({ status: 503, code: 'BUSY' });
    const ended = await Promise.all(waiting.map(async (answer) => (await answer).status));
    expect(new Set(ended)).toEqual(new Set([404]));
    // Give any wrongly admitted transaction time to commit, then compare.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await snapshot()).toEqual(before);
  });
});
