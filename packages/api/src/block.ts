// GET /v1/blocks/:height: a committed block, its commit certificate (2f+1
// replica signatures over view, height and block digest) and the outcome of
// each transaction. The certificate proves the block (so the inclusion of
// each transaction); the results are the answering replica's execution.
import type { CommitCertificate } from '@wedge/consensus';
import { MAX_BLOCK_TXS, type Block, type TxResult } from '@wedge/ledger';
import { z } from 'zod';
import { WireCommittedTx } from './committed-tx.ts';
import { WireCount, WireHash, WireSignature } from './fields.ts';
import { MAX_REPLICAS } from './limits.ts';
import { WireTxCode } from './tx-status.ts';
import { signedTxFromWire, signedTxToWire } from './tx-convert.ts';

export const WireCommitCertificate = z.strictObject({
  view: WireCount,
  height: WireCount,
  digest: WireHash,
  signatures: z
    .array(z.strictObject({ replica: z.int().min(0).max(MAX_REPLICAS - 1), signature: WireSignature }))
    .min(1)
    .max(MAX_REPLICAS),
});
export type WireCommitCertificate = z.infer<typeof WireCommitCertificate>;

export const WireTxResult = z.strictObject({ hash: WireHash, code: WireTxCode });

export const BlockResponse = z
  .strictObject({
    block: z.strictObject({
      // Height 0 is the genesis state, which has no block.
      height: WireCount.min(1),
      txs: z.array(WireCommittedTx).max(MAX_BLOCK_TXS),
    }),
    certificate: WireCommitCertificate,
    results: z.array(WireTxResult).max(MAX_BLOCK_TXS),
  })
  .refine((response) => response.results.length === response.block.txs.length, {
    message: 'one result per transaction',
    path: ['results'],
  });
export type BlockResponse = z.infer<typeof BlockResponse>;

export type CommittedBlockView = { block: Block; certificate: CommitCertificate; results: TxResult[] };

/**
 * GET /v1/blocks/:height/results: a committed block by its transactions' ids
 * (their results, in block order) and its commit certificate — a few percent
 * of the whole block. The block digest covers exactly the height and those
 * ids, so the certificate proves this view as it proves the whole block
 * (every id in turn commits to its transaction); the codes are the answering
 * replica's execution, as in the whole view.
 */
export const BlockResultsResponse = z.strictObject({
  height: WireCount.min(1),
  certificate: WireCommitCertificate,
  results: z.array(WireTxResult).max(MAX_BLOCK_TXS),
});
export type BlockResultsResponse = z.infer<typeof BlockResultsResponse>;

export type BlockResultsView = { height: number; certificate: CommitCertificate; results: TxResult[] };

export function blockResultsToWire(height: number, certificate: CommitCertificate, results: readonly TxResult[]): BlockResultsResponse {
  return { height, certificate: certificateToWire(certificate), results: results.map((result) => ({ hash: result.hash, code: result.code })) };
}

export function blockResultsFromWire(wire: BlockResultsResponse): BlockResultsView {
  return {
    height: wire.height,
    certificate: certificateFromWire(wire.certificate),
    results: wire.results.map((result) => ({ hash: result.hash, code: result.code })),
  };
}

export function certificateToWire(certificate: CommitCertificate): WireCommitCertificate {
  return {
    view: certificate.view,
    height: certificate.height,
    digest: certificate.digest,
    signatures: certificate.signatures.map((entry) => ({ replica: entry.replica, signature: entry.signature })),
  };
}

export function blockToWire(block: Block, certificate: CommitCertificate, results: readonly TxResult[]): BlockResponse {
  return {
    block: { height: block.height, txs: block.txs.map(signedTxToWire) },
    certificate: certificateToWire(certificate),
    results: results.map((result) => ({ hash: result.hash, code: result.code })),
  };
}

export function blockFromWire(wire: BlockResponse): CommittedBlockView {
  return {
    block: { height: wire.block.height, txs: wire.block.txs.map(signedTxFromWire) },
    certificate: certificateFromWire(wire.certificate),
    results: wire.results.map((result) => ({ hash: result.hash, code: result.code })),
  };
}

export function certificateFromWire(wire: WireCommitCertificate): CommitCertificate {
  return {
    view: wire.view,
    height: wire.height,
    digest: wire.digest,
    signatures: wire.signatures.map((entry) => ({ replica: entry.replica, signature: entry.signature })),
  };
}
