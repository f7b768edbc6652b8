// Proves that the client accepts finality only by proof: a transaction is
// final when a block whose commit certificate verifies against the GENESIS
// replica set holds it at the claimed index, and f+1 replicas report the same
// outcome. Replicas that serve a certificate with only 2f signatures, a wrong
// digest, signatures of non-genesis keys, a block without the transaction, or
// results contradicting their status are caught (UNVERIFIABLE_PROOF), while
// honest replicas still prove finality past a liar. Unknown or pending
// transactions end in NOT_FINAL at the timeout.
import { blockToWire } from '@wedge/api';
import { signTx, txHash, type SignedTx } from '@wedge/ledger';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, createClient, type WedgeClient } from '../src/index.ts';
import { certify, CHAIN_ID, FakeChain, makeGenesis, outsiderKeys, scheme, users } from './chain.ts';
import { startNetwork, type Override } from './servers.ts';

type Network = Awaited<ReturnType<typeof startNetwork>>;

function transfer(fromIndex: number, nonce: number, amount: bigint): SignedTx {
  const from = users[fromIndex]!;
  return signTx(scheme, { type: 'transfer', chainId: CHAIN_ID, from: from.address, nonce, to: users[(fromIndex + 1) % 3]!.address, amount }, [from]);
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

let network: Network;
let client: WedgeClient;
/** A block at height 1 holding an accepted transfer (index 0) and one rejected for lack of funds (index 1). */
let ok: SignedTx;
let broke: SignedTx;

beforeEach(async () => {
  network = await startNetwork(4, (urls) => new FakeChain(makeGenesis(urls)));
  client = createClient({ genesis: network.chain.genesis, timeoutMs: 1_000 });
  ok = transfer(0, 0, 10n);
  broke = transfer(2, 0, 10n);
  await client.submit([ok, broke]);
  network.chain.commitPending();
});

afterEach(() => network.close());

function withSignatures(block: any, signatures: unknown[]): unknown {
  return { ...block, certificate: { ...block.certificate, signatures } };
}

/** Makes every replica (or those listed) answer block requests with `block` instead of the real one. */
function serveBlock(mutate: (real: ReturnType<FakeChain['blockResponse']> & {}) => unknown, which = [0, 1, 2, 3]): void {
  const override: Override = (request) =>
    request.path === '/v1/blocks/1' ? { status: 200, json: mutate(structuredClone(network.chain.blockResponse(1)!)) } : undefined;
  for (const id of which) network.servers[id]!.override = override;
}

describe('finality with a valid certificate', () => {
  it('proves an accepted transaction: height, index, OK and the certificate', async () => {
    const final = await client.waitForFinality(txHash(ok), { timeoutMs: 5_000 });
    const committed = network.chain.blocks.get(1)!;
    expect(final).toEqual({ hash: txHash(ok), height: 1, index: 0, code: 'OK', certificate: committed.certificate });
  });

  it('proves a transaction the ledger rejected, with its code', async () => {
    const final = await client.waitForFinality(txHash(broke), { timeoutMs: 5_000 });
    expect(final).toMatchObject({ height: 1, index: 1, code: 'INSUFFICIENT_FUNDS' });
  });

  it('waits while the transaction is pending, then proves it', async () => {
    const later = transfer(0, 1, 5n);
    const [hash] = await client.submit(later);
    setTimeout(() => network.chain.commitPending(), 150);
    const final = await client.waitForFinality(hash!, { timeoutMs: 5_000 });
    expect(final).toMatchObject({ height: 2, index: 0, code: 'OK' });
  });

  it('asks f+1 = 2 replicas for the outcome', async () => {
    await client.waitForFinality(txHash(ok), { timeoutMs: 5_000 });
    const asked = network.servers.filter((server) => server.requests.some((request) => request.path === `/v1/txs/${txHash(ok)}`));
    expect(asked.length).toBeGreaterThanOrEqual(2);
  });
});

describe('finality is refused when every replica lies', () => {
  it.each<[string, (block: any) => unknown]>([
    ['a certificate with only 2f signatures', (block) => withSignatures(block, block.certificate.signatures.slice(0, 2))],
    [
      'a duplicated signer padding 2f signatures',
      (block) => withSignatures(block, [...block.certificate.signatures.slice(0, 2), block.certificate.signatures[0]]),
    ],
    ['a certificate for another digest', (block) => {
      const real = network.chain.blocks.get(1)!;
      return blockToWire(real.block, certify(real.block, { digest: 'ab'.repeat(32) }), real.results);
    }],
    ['a certificate for another height', (block) => ({ ...block, certificate: { ...block.certificate, height: 2 } })],
    ['signers that are not genesis replicas', () => {
      const real = network.chain.blocks.get(1)!;
      return blockToWire(real.block, certify(real.block, { keys: outsiderKeys }), real.results);
    }],
    ['a block without the transaction (swapped order, certified for the swap by outsiders)', () => {
      const real = network.chain.blocks.get(1)!;
      const swapped = { height: 1, txs: [...real.block.txs].reverse() };
      return blockToWire(swapped, certify(swapped, { keys: outsiderKeys }), [...real.results].reverse());
    }],
  ])('%s', async (_name, mutate) => {
    serveBlock(mutate);
    const error = await rejection(client.waitForFinality(txHash(ok), { timeoutMs: 5_000 }));
    expect(error.code).toBe('UNVERIFIABLE_PROOF');
  });

  it('a status claiming an index where the certified block holds another transaction', async () => {
    for (const server of network.servers) {
      server.override = (request) =>
        request.path === `/v1/txs/${txHash(ok)}` ? { status: 200, json: { hash: txHash(ok), status: 'committed', height: 1, index: 1, code: 'OK' } } : undefined;
    }
    const error = await rejection(client.waitForFinality(txHash(ok), { timeoutMs: 5_000 }));
    expect(error.code).toBe('UNVERIFIABLE_PROOF');
    expect(error.message).toMatch(/does not hold the transaction/);
  });

  it('results that contradict the status', async () => {
    serveBlock((block) => ({ ...block, results: block.results.map((result: any) => ({ ...result, code: 'BAD_NONCE' })) }));
    const error = await rejection(client.waitForFinality(txHash(ok), { timeoutMs: 5_000 }));
    expect(error.code).toBe('UNVERIFIABLE_PROOF');
  });
});

describe('finality past a lying replica', () => {
  it('excludes a replica with a forged certificate and proves finality from the honest ones', async () => {
    serveBlock((block) => withSignatures(block, block.certificate.signatures.slice(0, 2)), [0, 1]);
    const final = await client.waitForFinality(txHash(ok), { timeoutMs: 5_000 });
    expect(final).toMatchObject({ height: 1, index: 0, code: 'OK' });
  });

  it('does not take one replica’s word for the outcome: a lone false code is outvoted', async () => {
    // Replica 0 claims the rejected transfer succeeded; the block and certificate are genuine.
    network.servers[0]!.override = (request) =>
      request.path === `/v1/txs/${txHash(broke)}` ? { status: 200, json: { hash: txHash(broke), status: 'committed', height: 1, index: 1, code: 'OK' } } : undefined;
    for (let round = 0; round < 4; round++) {
      const final = await client.waitForFinality(txHash(broke), { timeoutMs: 5_000 });
      expect(final.code).toBe('INSUFFICIENT_FUNDS');
    }
  });
});

describe('no finality in time', () => {
  it('NOT_FINAL for a transaction that stays pending, after about the timeout', async () => {
    const [hash] = await client.submit(transfer(0, 1, 5n));
    const started = Date.now();
    const error = await rejection(client.waitForFinality(hash!, { timeoutMs: 300 }));
    expect(error.code).toBe('NOT_FINAL');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('NOT_FINAL for a transaction no replica knows', async () => {
    const error = await rejection(client.waitForFinality('cd'.repeat(32), { timeoutMs: 200 }));
    expect(error.code).toBe('NOT_FINAL');
  });

  it('refuses a malformed hash at once', async () => {
    const error = await rejection(client.waitForFinality('CD'.repeat(32)));
    expect(error.code).toBe('INVALID_BODY');
  });
});
