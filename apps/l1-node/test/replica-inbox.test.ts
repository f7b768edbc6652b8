// Proves the replica's inbox is bounded, with the answers the shell promises:
// client requests are taken only while fewer than 40,000 events wait, and one
// beyond that is refused with a BUSY error (the HTTP route's answer) — a batch of
// requests whole or not at all; a
// peer's message beyond the cap of 50,000 is dropped, not queued; the shell's
// own events (start, timeouts) are taken even then, so a full inbox never
// loses a timer. The inbox is filled synchronously, before its first drain
// runs, and the replica is stopped before it does.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { consensusConfigOf, genesisHash, ledgerGenesisOf } from '@wedge/api';
import { WedgeError } from '@wedge/common';
import { keyPairFromSeed } from '@wedge/crypto';
import { fastSecp256k1 } from '@wedge/crypto/node';
import { signTx } from '@wedge/ledger';
import { writeNetwork } from '../src/genesis-tool.ts';
import { readKeyFile } from '../src/key-file.ts';
import { MAX_INBOX_EVENTS, ReplicaNode } from '../src/replica-node.ts';

const dir = mkdtempSync(join(tmpdir(), 'wedge-replica-inbox-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function replica(): ReplicaNode {
  const layout = writeNetwork({ out: dir, replicas: 4, accounts: 1, balance: 1_000n, ports: [1, 2, 3, 4], chainId: 'wedge-test' });
  return new ReplicaNode({
    chainId: layout.genesis.chainId,
    genesisHash: genesisHash(layout.genesis),
    config: consensusConfigOf(layout.genesis),
    replicaUrls: layout.genesis.replicas.map(() => 'http://127.0.0.1:9'),
    ledgerGenesis: ledgerGenesisOf(layout.genesis),
    id: 0,
    secretKey: readKeyFile(layout.replicas[0]!.keyPath).secretKey,
    dataDir: join(dir, 'data-0'),
  });
}

describe('replica inbox', () => {
  it('refuses requests with BUSY past their share, drops peer messages past the cap, always takes its own events', () => {
    const node = replica();
    try {
      const alice = keyPairFromSeed(fastSecp256k1, 'inbox-alice');
      const tx = signTx(fastSecp256k1, { type: 'transfer', chainId: 'wedge-test', from: alice.address, nonce: 0, to: alice.address, amount: 1n }, [alice]);
      for (let index = 0; index < 39_990; index++) node.enqueue({ type: 'request', tx });
      // A batch is taken whole or not at all: 11 do not fit in the 10 places left, and none is queued.
      expect(() => node.submit(Array.from({ length: 11 }, () => tx))).toThrow(WedgeError);
      expect(node.queued).toBe(39_990);
      node.submit(Array.from({ length: 10 }, () => tx));
      expect(node.queued).toBe(40_000);
      let refused: unknown = null;
      try {
        node.enqueue({ type: 'request', tx });
      } catch (error) {
        refused = error;
      }
      expect(refused).toBeInstanceOf(WedgeError);
      expect((refused as WedgeError).code).toBe('BUSY');
      expect(node.queued).toBe(40_000);

      // Peers' messages still find room, up to the cap; beyond it they are dropped.
      for (let index = 0; index < MAX_INBOX_EVENTS; index++) node.receive(1, { type: 'new-view-request', view: 3 });
      expect(node.queued).toBe(MAX_INBOX_EVENTS);

      node.start();
      expect(node.queued).toBe(MAX_INBOX_EVENTS + 1);
    } finally {
      node.stop();
    }
    expect(node.queued).toBe(0);
  });
});
