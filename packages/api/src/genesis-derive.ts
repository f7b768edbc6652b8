// What the processes derive from a parsed genesis file: its hash (the name of
// the network), the ledger's genesis and the consensus configuration.
import { DEFAULT_HEARTBEAT_MS, type ConsensusConfig } from '@wedge/consensus';
import { domainTag, hashTaggedHex, type Canonical } from '@wedge/crypto';
import type { LedgerGenesis } from '@wedge/ledger';
import { amountFromWire } from './fields.ts';
import type { GenesisFile } from './genesis.ts';

/** Every field, balances as bigint, parameters by name: the bytes that name the network. */
function canonicalGenesis(file: GenesisFile): Canonical {
  const { params } = file;
  return {
    chainId: file.chainId,
    replicas: file.replicas.map((replica) => ({ id: replica.id, publicKey: replica.publicKey, url: replica.url })),
    accounts: file.accounts.map((account) => ({ address: account.address, balance: amountFromWire(account.balance) })),
    params: {
      checkpointBlocks: params.checkpointBlocks,
      watermarkBlocks: params.watermarkBlocks,
      maxBlockTxs: params.maxBlockTxs,
      pipelineBlocks: params.pipelineBlocks,
      maxPendingTxs: params.maxPendingTxs,
      progressTimeoutMs: params.progressTimeoutMs,
      viewChangeTimeoutMs: params.viewChangeTimeoutMs,
      // Named only when present, so that a genesis written before it existed keeps its hash.
      ...(params.heartbeatMs === undefined ? {} : { heartbeatMs: params.heartbeatMs }),
      idleBlockMs: params.idleBlockMs,
      fetchRetryMs: params.fetchRetryMs,
      maxFetchBlocks: params.maxFetchBlocks,
    },
  };
}

/** 64 hex: the tagged hash of the genesis file, under `wedge/<chainId>/genesis`. */
export function genesisHash(file: GenesisFile): string {
  return hashTaggedHex(domainTag(file.chainId, 'genesis'), canonicalGenesis(file));
}

export function ledgerGenesisOf(file: GenesisFile): LedgerGenesis {
  return {
    chainId: file.chainId,
    accounts: file.accounts.map((account) => ({ address: account.address, balance: amountFromWire(account.balance) })),
  };
}

export function consensusConfigOf(file: GenesisFile): ConsensusConfig {
  const { params } = file;
  return {
    chainId: file.chainId,
    replicas: file.replicas.map((replica) => ({ id: replica.id, publicKey: replica.publicKey })),
    checkpointBlocks: params.checkpointBlocks,
    watermarkBlocks: params.watermarkBlocks,
    maxBlockTxs: params.maxBlockTxs,
    pipelineBlocks: params.pipelineBlocks,
    maxPendingTxs: params.maxPendingTxs,
    progressTimeoutMs: params.progressTimeoutMs,
    viewChangeTimeoutMs: params.viewChangeTimeoutMs,
    heartbeatMs: params.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
    idleBlockMs: params.idleBlockMs,
    fetchRetryMs: params.fetchRetryMs,
    maxFetchBlocks: params.maxFetchBlocks,
  };
}
