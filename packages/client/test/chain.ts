// A tiny in-test stand-in for an L1 network's data: a real ledger, real
// blocks executed by the real ledger code, and real commit certificates signed
// by the genesis replica keys with the consensus package's own signMessage.
// Only consensus itself is skipped: a block is committed when the test says.
// Tests can also forge certificates (too few signers, wrong digest, foreign
// keys) to play a lying replica.
import { blockToWire, signedTxFromWire, submittedTxsOf, type BlockResponse, type GenesisFile, type SubmitTxsBody, type TxStatusResponse } from '@wedge/api';
import { toHex } from '@wedge/common';
import { blockDigest, signMessage, type Commit, type CommitCertificate, type ConsensusApp } from '@wedge/consensus';
import { keyPairFromSeed, type KeyPair } from '@wedge/crypto';
import { fastSecp256k1 } from '@wedge/crypto/node';
import { applyBlock, createLedger, txHash, type Block, type LedgerState, type SignedTx, type TxResult } from '@wedge/ledger';

export const scheme = fastSecp256k1;
export const CHAIN_ID = 'wedge-client-test';
const DIGEST_APP = { txHash } as unknown as ConsensusApp<unknown, unknown>;

export const replicaKeys: KeyPair[] = Array.from({ length: 4 }, (_, id) => keyPairFromSeed(scheme, `client-test/replica/${id}`));
export const outsiderKeys: KeyPair[] = Array.from({ length: 4 }, (_, id) => keyPairFromSeed(scheme, `client-test/outsider/${id}`));
export const users: KeyPair[] = Array.from({ length: 3 }, (_, index) => keyPairFromSeed(scheme, `client-test/user/${index}`));

export function makeGenesis(urls: readonly string[]): GenesisFile {
  return {
    chainId: CHAIN_ID,
    replicas: replicaKeys.map((key, id) => ({ id, publicKey: toHex(key.publicKey), url: urls[id] ?? `http://127.0.0.1:${9 + id}` })),
    // The last user starts empty, so a transfer from it is rejected (INSUFFICIENT_FUNDS) when executed.
    accounts: users.slice(0, 2).map((user) => ({ address: user.address, balance: '1000' })),
    params: {
      checkpointBlocks: 8,
      watermarkBlocks: 32,
      maxBlockTxs: 500,
      pipelineBlocks: 4,
      maxPendingTxs: 10_000,
      progressTimeoutMs: 800,
      viewChangeTimeoutMs: 1_000,
      idleBlockMs: 150,
      fetchRetryMs: 400,
      maxFetchBlocks: 32,
    },
  };
}

export type CertifyOptions = { signers?: number[]; keys?: readonly KeyPair[]; digest?: string; view?: number };

/** A commit certificate for `block`: by default 2f+1 = 3 genuine genesis replica signatures. */
export function certify(block: Block, options: CertifyOptions = {}): CommitCertificate {
  const { signers = [0, 1, 2], keys = replicaKeys, view = 0 } = options;
  const digest = options.digest ?? blockDigest(CHAIN_ID, block, DIGEST_APP);
  const signatures = signers.map((replica) => {
    const signer = { chainId: CHAIN_ID, scheme, secretKey: keys[replica]!.secretKey, app: DIGEST_APP };
    const commit = signMessage<Commit>(signer, { type: 'commit', view, seq: block.height, digest, replica });
    return { replica, signature: commit.signature };
  });
  return { view, height: block.height, digest, signatures };
}

type Committed = { block: Block; certificate: CommitCertificate; results: TxResult[] };

export class FakeChain {
  readonly ledger: LedgerState;
  readonly blocks = new Map<number, Committed>();
  readonly pending = new Map<string, SignedTx>();

  constructor(readonly genesis: GenesisFile) {
    this.ledger = createLedger({
      chainId: genesis.chainId,
      accounts: genesis.accounts.map((account) => ({ address: account.address, balance: BigInt(account.balance) })),
    });
  }

  submit(body: SubmitTxsBody): string[] {
    const txs = submittedTxsOf(body).map(signedTxFromWire);
    for (const tx of txs) this.pending.set(txHash(tx), tx);
    return txs.map((tx) => txHash(tx));
  }

  /** Executes the pending transactions as the next block, with a genuine certificate. */
  commitPending(): Committed {
    const block: Block = { height: this.ledger.height + 1, txs: [...this.pending.values()] };
    this.pending.clear();
    const results = applyBlock(scheme, this.ledger, block);
    const committed = { block, certificate: certify(block), results };
    this.blocks.set(block.height, committed);
    return committed;
  }

  statusOf(hash: string): TxStatusResponse | null {
    if (this.pending.has(hash)) return { hash, status: 'pending' };
    for (const { block, results } of this.blocks.values()) {
      const index = results.findIndex((result) => result.hash === hash);
      if (index < 0) continue;
      const code = results[index]!.code;
      return code === 'OK'
        ? { hash, status: 'committed', height: block.height, index, code }
        : { hash, status: 'rejected', height: block.height, index, code };
    }
    return null;
  }

  blockResponse(height: number): BlockResponse | null {
    const committed = this.blocks.get(height);
    return committed === undefined ? null : blockToWire(committed.block, committed.certificate, committed.results);
  }
}
