// Proves the response schemas and their converters: each accepts what a
// replica really produces (built with the real ledger and consensus code),
// converts back to the in-code value exactly, and rejects malformed answers
// (wrong types, extra keys, bad hex, out-of-range amounts), since a client
// treats every replica answer as untrusted input.
import { toHex } from '@wedge/common';
import { signMessage, type Commit, type CommitCertificate, type ConsensusApp } from '@wedge/consensus';
import { keyPairFromSeed } from '@wedge/crypto';
import { applyBlock, createLedger, MAX_AMOUNT, signTx, txHash, type Block, type ChannelRecord } from '@wedge/ledger';
import { describe, expect, it } from 'vitest';
import {
  AccountResponse,
  accountFromWire,
  accountToWire,
  BlockResponse,
  blockFromWire,
  blockToWire,
  ChannelResponse,
  channelFromWire,
  channelToWire,
  MAX_SUBMIT_TXS,
  signedTxToWire,
  StatusResponse,
  SubmitTxsBody,
  SubmitTxsResponse,
  submittedTxsOf,
  TxStatusResponse,
} from '../src/index.ts';
import { CHAIN_ID, CHANNEL_ID, copy, hashOf, keys, sampleTxs, scheme } from './fixtures.ts';

type Json = Record<string, any>;
const edit = <T>(value: T, change: (copy: Json) => void): unknown => {
  const result = copy(value) as Json;
  change(result);
  return result;
};

describe('SubmitTxsBody', () => {
  const wire = signedTxToWire(sampleTxs().transfer);

  it('accepts one transaction or a batch of 1..MAX_SUBMIT_TXS', () => {
    expect(submittedTxsOf(SubmitTxsBody.parse(wire))).toHaveLength(1);
    expect(submittedTxsOf(SubmitTxsBody.parse([wire]))).toHaveLength(1);
    expect(SubmitTxsBody.parse(Array.from({ length: MAX_SUBMIT_TXS }, () => wire))).toHaveLength(MAX_SUBMIT_TXS);
  });

  it('rejects an empty or oversized batch, a batch with one bad transaction, and non-transactions', () => {
    expect(SubmitTxsBody.safeParse([]).success).toBe(false);
    expect(SubmitTxsBody.safeParse(Array.from({ length: MAX_SUBMIT_TXS + 1 }, () => wire)).success).toBe(false);
    expect(SubmitTxsBody.safeParse([wire, edit(wire, (tx) => (tx.body.amount = '-1'))]).success).toBe(false);
    for (const value of [null, 'tx', 5, {}, { txs: [wire] }]) expect(SubmitTxsBody.safeParse(value).success).toBe(false);
  });

  it('SubmitTxsResponse holds 1..MAX_SUBMIT_TXS hashes', () => {
    expect(SubmitTxsResponse.safeParse({ hashes: [hashOf('a')] }).success).toBe(true);
    expect(SubmitTxsResponse.safeParse({ hashes: [] }).success).toBe(false);
    expect(SubmitTxsResponse.safeParse({ hashes: [hashOf('a').toUpperCase()] }).success).toBe(false);
    expect(SubmitTxsResponse.safeParse({ hashes: [hashOf('a')], extra: true }).success).toBe(false);
  });
});

describe('TxStatusResponse', () => {
  const hash = hashOf('tx');

  it('accepts pending, committed (OK) and rejected (a ledger code)', () => {
    expect(TxStatusResponse.safeParse({ hash, status: 'pending' }).success).toBe(true);
    expect(TxStatusResponse.safeParse({ hash, status: 'committed', height: 3, index: 0, code: 'OK' }).success).toBe(true);
    expect(TxStatusResponse.safeParse({ hash, status: 'rejected', height: 3, index: 7, code: 'STALE_STATE' }).success).toBe(true);
  });

  it.each<[string, unknown]>([
    ['committed with a rejection code', { hash, status: 'committed', height: 3, index: 0, code: 'BAD_NONCE' }],
    ['rejected with OK', { hash, status: 'rejected', height: 3, index: 0, code: 'OK' }],
    ['rejected with an unknown code', { hash, status: 'rejected', height: 3, index: 0, code: 'NOPE' }],
    ['committed without a height', { hash, status: 'committed', index: 0, code: 'OK' }],
    ['pending with a height', { hash, status: 'pending', height: 3 }],
    ['an unknown status', { hash, status: 'lost' }],
    ['a negative index', { hash, status: 'committed', height: 3, index: -1, code: 'OK' }],
    ['a height as a string', { hash, status: 'committed', height: '3', index: 0, code: 'OK' }],
    ['a short hash', { hash: hash.slice(2), status: 'pending' }],
  ])('rejects %s', (_name, value) => {
    expect(TxStatusResponse.safeParse(value).success).toBe(false);
  });
});

describe('AccountResponse', () => {
  it('round trips an account and rejects bad balances', () => {
    const wire = accountToWire(keys[0]!.address, { balance: MAX_AMOUNT, nonce: 9 }, 41);
    expect(AccountResponse.parse(wire)).toEqual({ address: keys[0]!.address, balance: MAX_AMOUNT.toString(), nonce: 9, height: 41 });
    expect(accountFromWire(AccountResponse.parse(wire))).toEqual({ address: keys[0]!.address, balance: MAX_AMOUNT, nonce: 9, height: 41 });
    for (const balance of ['-1', 5, '1.0', (MAX_AMOUNT + 1n).toString()]) {
      expect(AccountResponse.safeParse({ ...wire, balance }).success).toBe(false);
    }
    expect(AccountResponse.safeParse({ ...wire, nonce: -1 }).success).toBe(false);
    for (const height of [-1, 1.5, '41', undefined]) expect(AccountResponse.safeParse({ ...wire, height }).success).toBe(false);
    expect(AccountResponse.safeParse({ ...wire, frozen: false }).success).toBe(false);
  });
});

/** A channel as the ledger records it: opened, then terminated with a signed state. */
function realChannel(): ChannelRecord {
  const [alice, bob] = [keys[0]!, keys[1]!];
  const ledger = createLedger({ chainId: CHAIN_ID, accounts: keys.map((key) => ({ address: key.address, balance: 1_000n })) });
  const open = signTx(
    scheme,
    {
      type: 'channel.open',
      chainId: CHAIN_ID,
      from: alice.address,
      nonce: 0,
      channelId: CHANNEL_ID,
      members: [alice, bob].map((key) => ({ publicKey: toHex(key.publicKey), deposit: 300n })),
      challengeBlocks: 5,
      topology: 'chain',
    },
    [alice, bob],
  );
  const terminate = signTx(
    scheme,
    { type: 'channel.terminate', chainId: CHAIN_ID, from: bob.address, nonce: 0, channelId: CHANNEL_ID, state: null, stateSignatures: [] },
    [bob],
  );
  const results = applyBlock(scheme, ledger, { height: 1, txs: [open, terminate] });
  expect(results.map((result) => result.code)).toEqual(['OK', 'OK']);
  return ledger.channels.get(CHANNEL_ID)!;
}

describe('ChannelResponse', () => {
  it('round trips a real ledger channel record exactly', () => {
    const record = realChannel();
    const wire = ChannelResponse.parse(JSON.parse(JSON.stringify(channelToWire(record, 7))));
    expect(wire.height).toBe(7);
    expect(channelFromWire(wire)).toEqual(record);
    expect(wire.status).toBe('frozen');
    expect(wire.deadline).toBe(6);
  });

  it('round trips a settled record', () => {
    const record: ChannelRecord = { ...realChannel(), status: 'closed', settledBalances: [100n, 500n], closedAt: 9, closedBy: 'dispute' };
    expect(channelFromWire(ChannelResponse.parse(channelToWire(record, 9)))).toEqual(record);
  });

  it.each<[string, (wire: Json) => void]>([
    ['an extra key', (wire) => (wire.owner = 'me')],
    ['a negative deposit', (wire) => (wire.deposits[0] = '-1')],
    ['a total as a number', (wire) => (wire.total = 600)],
    ['an unknown status', (wire) => (wire.status = 'paused')],
    ['an unknown closedBy', (wire) => (wire.closedBy = 'force')],
    ['a bad recorded state', (wire) => (wire.recorded.balances[0] = '1e2')],
    ['an extra key in a member', (wire) => (wire.members[0].deposit = '1')],
    ['an uppercase terminatedBy', (wire) => (wire.terminatedBy = wire.terminatedBy.toUpperCase())],
    ['no members', (wire) => (wire.members = [])],
    ['no height', (wire) => delete wire.height],
    ['a negative height', (wire) => (wire.height = -1)],
  ])('rejects %s', (_name, change) => {
    expect(ChannelResponse.safeParse(edit(channelToWire(realChannel(), 7), change)).success).toBe(false);
  });
});

function certifiedBlock(): { block: Block; certificate: CommitCertificate } {
  const txs = Object.values(sampleTxs());
  const block: Block = { height: 5, txs };
  const app = { txHash } as unknown as ConsensusApp<unknown, unknown>;
  const digest = hashOf('digest');
  const signatures = [0, 1, 2].map((replica) => {
    const secretKey = keyPairFromSeed(scheme, `api-test/replica/${replica}`).secretKey;
    const commit = signMessage<Commit>({ chainId: CHAIN_ID, scheme, secretKey, app }, { type: 'commit', view: 1, seq: 5, digest, replica });
    return { replica, signature: commit.signature };
  });
  return { block, certificate: { view: 1, height: 5, digest, signatures } };
}

describe('BlockResponse', () => {
  const { block, certificate } = certifiedBlock();
  const results = block.txs.map((tx, index) => ({ hash: txHash(tx), code: index === 2 ? ('STALE_STATE' as const) : ('OK' as const) }));
  const wire = blockToWire(block, certificate, results);

  it('round trips a block with every tx type, its certificate and results', () => {
    const parsed = BlockResponse.parse(JSON.parse(JSON.stringify(wire)));
    const back = blockFromWire(parsed);
    expect(back.block).toEqual(block);
    expect(back.certificate).toEqual(certificate);
    expect(back.results).toEqual(results);
  });

  it('accepts an empty block', () => {
    expect(BlockResponse.safeParse(blockToWire({ height: 1, txs: [] }, certificate, [])).success).toBe(true);
  });

  it.each<[string, (wire: Json) => void]>([
    ['height 0', (wire) => (wire.block.height = 0)],
    ['fewer results than txs', (wire) => wire.results.pop()],
    ['an unknown result code', (wire) => (wire.results[0].code = 'MAYBE')],
    ['an extra key in the certificate', (wire) => (wire.certificate.quorum = 3)],
    ['a certificate without signatures', (wire) => (wire.certificate.signatures = [])],
    ['a replica id of 64', (wire) => (wire.certificate.signatures[0].replica = 64)],
    ['a replica id as a string', (wire) => (wire.certificate.signatures[0].replica = '0')],
    ['a short certificate signature', (wire) => (wire.certificate.signatures[0].signature = 'ab')],
    ['an uppercase digest', (wire) => (wire.certificate.digest = wire.certificate.digest.toUpperCase())],
    ['a malformed tx', (wire) => (wire.block.txs[0].body.amount = 12)],
    ['an extra key in the block', (wire) => (wire.block.view = 1)],
  ])('rejects %s', (_name, change) => {
    expect(BlockResponse.safeParse(edit(wire, change)).success).toBe(false);
  });
});

describe('StatusResponse', () => {
  const status = {
    chainId: CHAIN_ID,
    genesisHash: hashOf('genesis'),
    replicaId: 2,
    view: 4,
    viewStatus: 'normal',
    height: 120,
    stableCheckpoint: { seq: 112, root: hashOf('root-112') },
    stateRoot: hashOf('root-120'),
    pendingTxs: 17,
    history: { missingBlocks: 0, backfilledBlocks: 0 },
    peers: [
      { id: 0, url: 'http://127.0.0.1:7000', reachable: true, lastSeenMs: 1_700_000_000_000 },
      { id: 1, url: 'http://127.0.0.1:7001', reachable: false, lastSeenMs: null },
    ],
  };

  it('accepts a real-looking status', () => {
    expect(StatusResponse.parse(status)).toEqual(status);
  });

  it.each<[string, (wire: Json) => void]>([
    ['an unknown view status', (wire) => (wire.viewStatus = 'syncing')],
    ['a negative height', (wire) => (wire.height = -1)],
    ['a bad chain id', (wire) => (wire.chainId = 'Main Net')],
    ['an extra key in a peer', (wire) => (wire.peers[0].latencyMs = 3)],
    ['a negative lastSeenMs', (wire) => (wire.peers[0].lastSeenMs = -1)],
    ['a short genesis hash', (wire) => (wire.genesisHash = 'ab')],
    ['a missing stable checkpoint root', (wire) => delete wire.stableCheckpoint.root],
  ])('rejects %s', (_name, change) => {
    expect(StatusResponse.safeParse(edit(status, change)).success).toBe(false);
  });
});
