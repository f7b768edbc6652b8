// Proves the genesis file schema (bounded replica set with ids 0..n-1,
// bounded accounts and supply, sane parameters) and what is derived from it:
// a hash that changes with every field and with the chain, the ledger genesis
// the ledger accepts, and the consensus configuration.
import { createLedger, MAX_AMOUNT } from '@wedge/ledger';
import { describe, expect, it } from 'vitest';
import { consensusConfigOf, GenesisFile, genesisHash, ledgerGenesisOf } from '../src/index.ts';
import { copy, sampleGenesis } from './fixtures.ts';

type Json = Record<string, any>;
function edited(change: (file: Json) => void, replicaCount = 4): unknown {
  const file = copy(sampleGenesis(replicaCount)) as Json;
  change(file);
  return file;
}

describe('GenesisFile', () => {
  it('accepts a valid file with 4 and with 64 replicas', () => {
    expect(GenesisFile.parse(sampleGenesis())).toEqual(sampleGenesis());
    expect(GenesisFile.safeParse(sampleGenesis(64)).success).toBe(true);
  });

  it.each<[string, (file: Json) => void]>([
    ['3 replicas', (file) => file.replicas.pop()],
    ['replica ids out of order', (file) => ([file.replicas[0].id, file.replicas[1].id] = [1, 0])],
    ['replica ids not starting at 0', (file) => file.replicas.forEach((replica: Json) => (replica.id += 1))],
    ['a duplicated replica key', (file) => (file.replicas[1].publicKey = file.replicas[0].publicKey)],
    ['a duplicated replica url', (file) => (file.replicas[1].url = file.replicas[0].url)],
    ['a non-http url', (file) => (file.replicas[0].url = 'ftp://127.0.0.1:7000')],
    ['a url with a query', (file) => (file.replicas[0].url = 'http://127.0.0.1:7000/?x=1')],
    ['a url with credentials', (file) => (file.replicas[0].url = 'http://user:pw@127.0.0.1:7000')],
    ['not a url', (file) => (file.replicas[0].url = 'replica-0')],
    ['an extra key in a replica', (file) => (file.replicas[0].weight = 1)],
    ['an uppercase replica key', (file) => (file.replicas[0].publicKey = file.replicas[0].publicKey.toUpperCase())],
    ['a duplicated account', (file) => (file.accounts[1].address = file.accounts[0].address)],
    ['a negative balance', (file) => (file.accounts[0].balance = '-1')],
    ['a balance as a number', (file) => (file.accounts[0].balance = 1000)],
    ['a supply above MAX_AMOUNT', (file) => ((file.accounts[0].balance = MAX_AMOUNT.toString()), (file.accounts[1].balance = '1'))],
    ['more than 100000 accounts', (file) => (file.accounts = Array.from({ length: 100_001 }, (_, i) => ({ address: i.toString(16).padStart(40, '0'), balance: '1' })))],
    ['a bad chain id', (file) => (file.chainId = 'Wedge Main')],
    ['an extra top-level key', (file) => (file.comment = 'hi')],
    ['a missing parameter', (file) => delete file.params.maxFetchBlocks],
    ['an extra parameter', (file) => (file.params.blockTimeMs = 100)],
    ['a zero parameter', (file) => (file.params.checkpointBlocks = 0)],
    ['a fractional parameter', (file) => (file.params.idleBlockMs = 1.5)],
    ['a parameter as a string', (file) => (file.params.maxBlockTxs = '500')],
    ['maxBlockTxs above the ledger limit', (file) => (file.params.maxBlockTxs = 2001)],
    ['a timeout above an hour', (file) => (file.params.viewChangeTimeoutMs = 3_600_001)],
    ['progressTimeoutMs not above idleBlockMs', (file) => (file.params.progressTimeoutMs = file.params.idleBlockMs)],
    ['watermarkBlocks below 2 * checkpointBlocks', (file) => (file.params.watermarkBlocks = 2 * file.params.checkpointBlocks - 1)],
    ['pipelineBlocks above watermarkBlocks', (file) => (file.params.pipelineBlocks = file.params.watermarkBlocks + 1)],
  ])('rejects %s', (_name, change) => {
    expect(GenesisFile.safeParse(edited(change)).success).toBe(false);
  });

  it('rejects 65 replicas', () => {
    const file = sampleGenesis(64);
    const extra = { ...file.replicas[0]!, id: 64, url: 'http://127.0.0.1:9999', publicKey: `03${'1'.repeat(64)}` };
    expect(GenesisFile.safeParse({ ...file, replicas: [...file.replicas, extra] }).success).toBe(false);
  });
});

describe('genesisHash', () => {
  const base = genesisHash(sampleGenesis());

  it('is 64 hex and the same for the same file (including after JSON)', () => {
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(genesisHash(GenesisFile.parse(JSON.parse(JSON.stringify(sampleGenesis()))))).toBe(base);
  });

  it.each<[string, (file: Json) => void]>([
    ['the chain id', (file) => (file.chainId = 'wedge-api-test-2')],
    ['a replica key', (file) => (file.replicas[3].publicKey = sampleGenesis(5).replicas[4]!.publicKey)],
    ['a replica url', (file) => (file.replicas[0].url = 'http://127.0.0.1:7100')],
    ['a balance', (file) => (file.accounts[0].balance = '1000001')],
    ['the account order', (file) => file.accounts.reverse()],
  ])('changes with %s', (_name, change) => {
    expect(genesisHash(GenesisFile.parse(edited(change)))).not.toBe(base);
  });

  it('changes with every parameter', () => {
    for (const key of Object.keys(sampleGenesis().params)) {
      expect(genesisHash(GenesisFile.parse(edited((file) => (file.params[key] += 1))))).not.toBe(base);
    }
  });
});

describe('derived configuration', () => {
  it('ledgerGenesisOf gives bigint balances the ledger accepts', () => {
    const file = sampleGenesis();
    const genesis = ledgerGenesisOf(file);
    expect(genesis.accounts[1]).toEqual({ address: file.accounts[1]!.address, balance: 2_000_000n });
    expect(createLedger(genesis).supply).toBe(10_000_000n);
  });

  it('consensusConfigOf keeps the replica set in order and every parameter', () => {
    const file = sampleGenesis();
    const config = consensusConfigOf(file);
    expect(config.chainId).toBe(file.chainId);
    expect(config.replicas).toEqual(file.replicas.map(({ id, publicKey }) => ({ id, publicKey })));
    expect(config).toMatchObject(file.params);
  });
});
