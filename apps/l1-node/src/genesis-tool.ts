// Writes a network: a genesis file, one key file per replica (mode 0600), the
// funded accounts' keys (mode 0600) and a network description.
//   tsx apps/l1-node/src/genesis-tool.ts --out DIR [--replicas 4] [--accounts 8] [--balance 1000000] [--base-port 7100] [--hosts H0,H1,...] [--chain-id wedge-local]
// Replica i's URL is http://HOST_i:(base port + i); the hosts default to 127.0.0.1 (one machine).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { toHex } from '@wedge/common';
import { isChainId } from '@wedge/crypto';
import { fastSecp256k1, randomKeyPair } from '@wedge/crypto/node';
import { GenesisFile, genesisHash, type GenesisFile as Genesis } from '@wedge/api';
import { writeKeyFile, writeSecretFile } from './key-file.ts';

export type NetworkLayout = {
  genesisPath: string;
  genesis: Genesis;
  replicas: { id: number; url: string; port: number; keyPath: string; dataDir: string }[];
  accounts: { address: string; publicKey: string; secretKey: string }[];
  accountsPath: string;
};

/**
 * The parameters a genesis gets unless told otherwise — also what the tests
 * run with. The primary sends a heartbeat every 50 ms; a backup with work
 * that hears nothing from it for two windows of two heartbeats (200-300 ms)
 * complains, and f+1 complaints change the view — so a crashed primary is
 * replaced in well under a second. A primary that is alive but lets the
 * oldest request stall is complained about after two progress timeouts (2 s),
 * and a view change that does not complete in two view-change timeouts (1 s,
 * doubling per attempt) in turn. Every one of these stretches (up to 4x) to
 * the commit latency a replica observes and backs off after view changes
 * that commit nothing (docs/l1-view-changes.md), so a loaded network is not
 * mistaken for a faulty one; complaints move the view only when f+1 agree.
 */
export const DEFAULT_PARAMS: Genesis['params'] = {
  checkpointBlocks: 32,
  watermarkBlocks: 128,
  maxBlockTxs: 1_000,
  pipelineBlocks: 4,
  maxPendingTxs: 50_000,
  progressTimeoutMs: 1_000,
  viewChangeTimeoutMs: 1_000,
  heartbeatMs: 50,
  idleBlockMs: 300,
  fetchRetryMs: 1_000,
  maxFetchBlocks: 64,
};

export function writeNetwork(options: {
  out: string;
  replicas: number;
  accounts: number;
  balance: bigint;
  ports: number[];
  /** Each replica's host in its URL (where it listens and peers reach it); default 127.0.0.1 for all. */
  hosts?: readonly string[];
  chainId: string;
  params?: Partial<Genesis['params']>;
}): NetworkLayout {
  const out = resolve(options.out);
  mkdirSync(out, { recursive: true });
  const replicaKeys = Array.from({ length: options.replicas }, () => randomKeyPair(fastSecp256k1));
  const accountKeys = Array.from({ length: options.accounts }, () => randomKeyPair(fastSecp256k1));
  const replicas = replicaKeys.map((key, id) => {
    const port = options.ports[id]!;
    const host = options.hosts?.[id] ?? '127.0.0.1';
    return { id, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, port, keyPath: join(out, `replica-${id}.key`), dataDir: join(out, 'data', `replica-${id}`) };
  });
  const genesis = GenesisFile.parse({
    chainId: options.chainId,
    replicas: replicas.map((replica, id) => ({ id, publicKey: toHex(replicaKeys[id]!.publicKey), url: replica.url })),
    accounts: accountKeys.map((key) => ({ address: key.address, balance: options.balance.toString() })),
    params: { ...DEFAULT_PARAMS, ...options.params },
  });
  const genesisPath = join(out, 'genesis.json');
  writeFileSync(genesisPath, `${JSON.stringify(genesis, null, 2)}\n`);
  replicas.forEach((replica, id) => writeKeyFile(replica.keyPath, id, replicaKeys[id]!.secretKey));
  const accounts = accountKeys.map((key) => ({ address: key.address, publicKey: toHex(key.publicKey), secretKey: toHex(key.secretKey) }));
  const accountsPath = join(out, 'accounts.json');
  writeSecretFile(accountsPath, `${JSON.stringify(accounts, null, 2)}\n`);
  writeFileSync(join(out, 'network.json'), `${JSON.stringify({ genesisHash: genesisHash(genesis), replicas }, null, 2)}\n`);
  return { genesisPath, genesis, replicas, accounts, accountsPath };
}

function main(): void {
  const argv = process.argv.slice(2);
  const get = (flag: string, fallback: string) => {
    const index = argv.indexOf(flag);
    return index === -1 ? fallback : (argv[index + 1] ?? '');
  };
  const out = get('--out', '');
  const replicas = Number(get('--replicas', '4'));
  const accounts = Number(get('--accounts', '8'));
  const basePort = Number(get('--base-port', '7100'));
  const balance = get('--balance', '1000000');
  const chainId = get('--chain-id', 'wedge-local');
  const hostList = get('--hosts', '');
  const hosts = hostList === '' ? undefined : hostList.split(',');
  const problems: string[] = [];
  if (hosts !== undefined && (hosts.length !== replicas || hosts.some((host) => !/^(?:[A-Za-z0-9.-]+|[0-9a-fA-F:]+)$/.test(host)))) {
    problems.push('--hosts must name one host (a name, IPv4 or IPv6 address) per replica, comma-separated');
  }
  if (out === '') problems.push('--out DIR is required');
  if (!Number.isInteger(replicas) || replicas < 4 || replicas > 64) problems.push('--replicas must be an integer in 4..64');
  if (!Number.isInteger(accounts) || accounts < 0 || accounts > 100_000) problems.push('--accounts must be an integer in 0..100000');
  if (!Number.isInteger(basePort) || basePort < 1024 || basePort + replicas > 65_535) problems.push('--base-port must leave room for every replica below 65536');
  if (!/^[1-9][0-9]{0,29}$/.test(balance)) problems.push('--balance must be a positive decimal integer');
  if (!isChainId(chainId)) problems.push('--chain-id must be lowercase letters, digits and dashes');
  if (problems.length > 0) {
    process.stderr.write(`genesis: ${problems.join('; ')}\n`);
    process.exit(2);
  }
  const layout = writeNetwork({
    out,
    replicas,
    accounts,
    balance: BigInt(balance),
    ports: Array.from({ length: replicas }, (_, id) => basePort + id),
    hosts,
    chainId,
  });
  process.stdout.write(`wrote ${layout.genesisPath} (${replicas} replicas, ${accounts} accounts, genesis ${genesisHash(layout.genesis).slice(0, 16)}…)\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
