// Checking that a block is final from the genesis file alone (DESIGN §3): the
// certificate is for this block's height and digest, and 2f+1 distinct
// genesis replicas signed commit(view, height, digest). Nothing a replica says
// about itself is trusted. Pure: no I/O.
import { consensusConfigOf, type BlockResultsView, type CommittedBlockView, type GenesisFile } from '@wedge/api';
import {
  blockDigest,
  faultsTolerated,
  HONEST_RULES,
  verifyCommitCertificate,
  type ConsensusApp,
  type ConsensusConfig,
  type Verifier,
} from '@wedge/consensus';
import type { SignatureScheme } from '@wedge/crypto';
import { txHash } from '@wedge/ledger';

export type ProofContext = {
  readonly config: ConsensusConfig;
  readonly verifier: Verifier;
  /** Byzantine replicas tolerated: floor((n-1)/3). */
  readonly f: number;
};

// The block digest names transactions by their ledger ids; that is all of the
// application the digest and certificate checks use.
const DIGEST_APP = { txHash } as unknown as ConsensusApp<unknown, unknown>;

export function createProofContext(genesis: GenesisFile, scheme: SignatureScheme): ProofContext {
  const config = consensusConfigOf(genesis);
  return { config, verifier: { config, scheme, app: DIGEST_APP, rules: HONEST_RULES }, f: faultsTolerated(config) };
}

/** The ledger ids of the block's transactions, or null if one cannot be encoded (so the block cannot be final). */
function txHashesOf(view: CommittedBlockView): string[] | null {
  try {
    return view.block.txs.map((tx) => txHash(tx));
  } catch {
    return null;
  }
}

export type BlockProof = { readonly height: number; readonly txHashes: readonly string[]; readonly view: CommittedBlockView };

/**
 * The proven block, or the reason it is not proven. Also requires the
 * answering replica's results to name the block's transactions in order:
 * results are not covered by the certificate, but an answer whose results
 * contradict its own block is a lie.
 */
export function checkCommittedBlock(context: ProofContext, view: CommittedBlockView): BlockProof | string {
  const { block, certificate, results } = view;
  if (certificate.height !== block.height) return `certificate is for height ${certificate.height}, block is ${block.height}`;
  const txHashes = txHashesOf(view);
  if (txHashes === null) return 'block holds a transaction without an id';
  if (blockDigest(context.config.chainId, block, DIGEST_APP) !== certificate.digest) return 'block does not match the certified digest';
  if (!verifyCommitCertificate(context.verifier, certificate, context.f)) {
    return `certificate lacks ${2 * context.f + 1} valid commit signatures of distinct genesis replicas`;
  }
  if (results.length !== txHashes.length || results.some((result, index) => result.hash !== txHashes[index])) {
    return 'results do not name the block transactions in order';
  }
  return { height: block.height, txHashes, view };
}

// A block named by its transactions' ids: the digest is computed from the ids themselves.
const IDS_APP = { txHash: (id: unknown) => id } as unknown as ConsensusApp<unknown, unknown>;

/**
 * Null when the results view is proven — the certificate is for this height
 * and for the digest of exactly these ids, in this order, and 2f+1 distinct
 * genesis replicas signed it — else the reason. (The codes are the answering
 * replica's execution, as in the whole view.)
 */
export function checkBlockResults(context: ProofContext, view: BlockResultsView): string | null {
  const { height, certificate, results } = view;
  if (certificate.height !== height) return `certificate is for height ${certificate.height}, results are for ${height}`;
  const ids = results.map((result) => result.hash);
  if (blockDigest(context.config.chainId, { height, txs: ids }, IDS_APP) !== certificate.digest) return 'results do not match the certified digest';
  if (!verifyCommitCertificate(context.verifier, certificate, context.f)) {
    return `certificate lacks ${2 * context.f + 1} valid commit signatures of distinct genesis replicas`;
  }
  return null;
}
