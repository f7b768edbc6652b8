// What a replica takes from the genesis file: the network it belongs to (chain
// id, genesis hash, replica set and URLs, the ledger's opening state). The
// replica process and the test harnesses that run a ReplicaNode of their own
// (the Byzantine replica) build it the same way.
import { consensusConfigOf, genesisHash, ledgerGenesisOf, type GenesisFile } from '@wedge/api';
import type { ReplicaNodeOptions } from './replica-node.ts';

export type NetworkOptions = Pick<ReplicaNodeOptions, 'chainId' | 'genesisHash' | 'config' | 'replicaUrls' | 'ledgerGenesis'>;

export function networkOptionsOf(genesis: GenesisFile): NetworkOptions {
  return {
    chainId: genesis.chainId,
    genesisHash: genesisHash(genesis),
    config: consensusConfigOf(genesis),
    replicaUrls: genesis.replicas.map((replica) => replica.url),
    ledgerGenesis: ledgerGenesisOf(genesis),
  };
}
