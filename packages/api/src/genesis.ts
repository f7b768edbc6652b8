// The genesis file (DESIGN §3): chain id, the replica set, initial balances and
// protocol parameters. Every replica and client reads it through this schema
// and names it by `genesisHash` (genesis-derive.ts), so two processes agree on
// a network only if they agree on every byte of meaning in the file.
import { MAX_AMOUNT, MAX_BLOCK_TXS, MAX_GENESIS_ACCOUNTS } from '@wedge/ledger';
import { z } from 'zod';
import { WireAddress, WireAmount, WireChainId, WirePublicKey } from './fields.ts';
import { MAX_REPLICAS, MAX_URL_LENGTH, MIN_REPLICAS } from './limits.ts';

const HOUR_MS = 3_600_000;

function boundedInt(min: number, max: number) {
  return z.int().min(min).max(max);
}

/** An http(s) base URL without credentials, query or fragment: paths are appended to it. */
export const WireReplicaUrl = z
  .string()
  .max(MAX_URL_LENGTH)
  .refine((value) => {
    if (!URL.canParse(value)) return false;
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password && !url.search && !url.hash;
  }, 'expected an http(s) URL without credentials, query or fragment');

export const GenesisParams = z.strictObject({
  checkpointBlocks: boundedInt(1, 10_000),
  watermarkBlocks: boundedInt(2, 100_000),
  maxBlockTxs: boundedInt(1, MAX_BLOCK_TXS),
  pipelineBlocks: boundedInt(1, 1_000),
  maxPendingTxs: boundedInt(1, 1_000_000),
  progressTimeoutMs: boundedInt(1, HOUR_MS),
  viewChangeTimeoutMs: boundedInt(1, HOUR_MS),
  // Optional: a genesis without it gets DEFAULT_HEARTBEAT_MS (and keeps its hash).
  heartbeatMs: boundedInt(1, HOUR_MS).optional(),
  idleBlockMs: boundedInt(1, HOUR_MS),
  fetchRetryMs: boundedInt(1, HOUR_MS),
  maxFetchBlocks: boundedInt(1, 10_000),
});
export type GenesisParams = z.infer<typeof GenesisParams>;

const GenesisReplica = z.strictObject({ id: boundedInt(0, MAX_REPLICAS - 1), publicKey: WirePublicKey, url: WireReplicaUrl });
const GenesisAccount = z.strictObject({ address: WireAddress, balance: WireAmount });

function hasDuplicates(values: readonly string[]): boolean {
  return new Set(values).size !== values.length;
}

export const GenesisFile = z
  .strictObject({
    chainId: WireChainId,
    replicas: z.array(GenesisReplica).min(MIN_REPLICAS).max(MAX_REPLICAS),
    accounts: z.array(GenesisAccount).max(MAX_GENESIS_ACCOUNTS),
    params: GenesisParams,
  })
  .superRefine((file, context) => {
    const issue = (path: (string | number)[], message: string) => context.addIssue({ code: 'custom', path, message });
    // Consensus addresses replicas by position, and a commit certificate by id.
    file.replicas.forEach((replica, index) => {
      if (replica.id !== index) issue(['replicas', index, 'id'], `replica ids must be 0..n-1 in order; expected ${index}`);
    });
    if (hasDuplicates(file.replicas.map((replica) => replica.publicKey))) issue(['replicas'], 'replica public keys must be distinct');
    if (hasDuplicates(file.replicas.map((replica) => replica.url))) issue(['replicas'], 'replica urls must be distinct');
    if (hasDuplicates(file.accounts.map((account) => account.address))) issue(['accounts'], 'account addresses must be distinct');
    // Capping the supply caps every balance the ledger will ever hold.
    const supply = file.accounts.reduce((sum, account) => sum + BigInt(account.balance), 0n);
    if (supply > MAX_AMOUNT) issue(['accounts'], `total supply exceeds ${MAX_AMOUNT}`);
    const { params } = file;
    // A frozen channel's idle blocks must come before backups suspect the primary.
    if (params.progressTimeoutMs <= params.idleBlockMs) issue(['params', 'progressTimeoutMs'], 'must exceed idleBlockMs');
    // Room for the next checkpoint to become stable while the primary keeps proposing.
    if (params.watermarkBlocks < 2 * params.checkpointBlocks) {
      issue(['params', 'watermarkBlocks'], 'must be at least 2 * checkpointBlocks');
    }
    if (params.pipelineBlocks > params.watermarkBlocks) issue(['params', 'pipelineBlocks'], 'must not exceed watermarkBlocks');
  });
export type GenesisFile = z.infer<typeof GenesisFile>;
