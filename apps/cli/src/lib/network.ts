// The local L1 network of a directory: create it (genesis, keys, accounts),
// start its replicas as detached processes, wait until they answer, and read
// their status. The commands under commands/network-*.ts are thin wrappers.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient, type WedgeClient } from '@wedge/client';
import type { StatusResponse } from '@wedge/api';
import { writeNetwork } from '../../../l1-node/src/genesis-tool.ts';
import { CliError, UsageError } from './cli-error.ts';
import { ensureDir, hasNetwork, readGenesis, readNetworkFile, type Home } from './home.ts';
import { freePorts } from './ports.ts';
import { isRunning, logTail, REPO_ROOT, spawnDetached } from './processes.ts';
import { readProcesses, recordProcess, type ProcessRecord } from './registry.ts';

export const REPLICA_SCRIPT = join(REPO_ROOT, 'apps/l1-node/src/main.ts');
export const CHAIN_ID = 'wedge-local';
/** Every genesis account starts with this many units. */
export const GENESIS_BALANCE = 1_000_000_000n;
const READY_TIMEOUT_MS = 60_000;
const READY_POLL_MS = 200;
const STATUS_TIMEOUT_MS = 1_500;

/** `hosts`: each replica's host in its genesis URL, where it listens; absent or null: 127.0.0.1 for all (one machine). */
export type CreateOptions = { replicas: number; accounts: number; basePort: number | null; hosts?: readonly string[] | null };

/** Writes a new network into `home` unless one is there; returns whether it wrote one. */
export async function createNetworkIfMissing(home: Home, options: CreateOptions, explicit: Partial<CreateOptions>): Promise<boolean> {
  if (hasNetwork(home)) {
    const genesis = readGenesis(home);
    // Options that would shape a new network cannot reshape an existing one: say so rather than ignore them.
    if (explicit.replicas !== undefined && explicit.replicas !== genesis.replicas.length) {
      throw new UsageError(`${home.dir} already holds a network of ${genesis.replicas.length} replicas; use another --dir for ${explicit.replicas}`);
    }
    if (explicit.accounts !== undefined && explicit.accounts !== genesis.accounts.length) {
      throw new UsageError(`${home.dir} already holds a network with ${genesis.accounts.length} accounts; use another --dir for ${explicit.accounts}`);
    }
    const firstPort = Number(new URL(genesis.replicas[0]!.url).port);
    if (explicit.basePort !== undefined && explicit.basePort !== null && explicit.basePort !== firstPort) {
      throw new UsageError(`${home.dir} already holds a network on ports from ${firstPort}; use another --dir for --base-port ${explicit.basePort}`);
    }
    const hosts = genesis.replicas.map((replica) => new URL(replica.url).hostname.replace(/^\[(.*)\]$/, '$1'));
    if (explicit.hosts !== undefined && explicit.hosts !== null && explicit.hosts.join(',') !== hosts.join(',')) {
      throw new UsageError(`${home.dir} already holds a network on hosts ${hosts.join(',')}; use another --dir for --hosts ${explicit.hosts.join(',')}`);
    }
    return false;
  }
  if (options.hosts !== undefined && options.hosts !== null && options.hosts.length !== options.replicas) {
    throw new UsageError(`--hosts names ${options.hosts.length} hosts for ${options.replicas} replicas; give one per replica`);
  }
  const ports =
    options.basePort === null ? await freePorts(options.replicas) : Array.from({ length: options.replicas }, (_, id) => options.basePort! + id);
  ensureDir(home.dir);
  writeNetwork({ out: home.dir, replicas: options.replicas, accounts: options.accounts, balance: GENESIS_BALANCE, ports, hosts: options.hosts ?? undefined, chainId: CHAIN_ID });
  return true;
}

export function replicaName(id: number): string {
  return `replica-${id}`;
}

/** Starts every replica of `home` that is not running; returns the names it started. */
export function startReplicas(home: Home): string[] {
  const network = readNetworkFile(home);
  const running = new Set(readProcesses(home).filter((record) => isRunning(record.pid, record.script)).map((record) => record.name));
  ensureDir(home.logs);
  const started: string[] = [];
  for (const replica of network.replicas) {
    const name = replicaName(replica.id);
    if (running.has(name)) continue;
    const log = join(home.logs, `${name}.log`);
    const pid = spawnDetached({
      script: REPLICA_SCRIPT,
      args: ['--genesis', home.genesis, '--key', replica.keyPath, '--data', replica.dataDir],
      logPath: log,
    });
    recordProcess(home, { name, kind: 'replica', pid, script: REPLICA_SCRIPT, url: replica.url, log, startedAt: new Date().toISOString() });
    started.push(name);
  }
  return started;
}

export function clientOf(home: Home, timeoutMs = 5_000): WedgeClient {
  return createClient({ genesis: readGenesis(home), timeoutMs });
}

/** Waits until every replica answers GET /v1/status; fails early, with its log, if one exits. */
export async function waitForReplicas(home: Home, timeoutMs = READY_TIMEOUT_MS): Promise<void> {
  const client = clientOf(home, STATUS_TIMEOUT_MS);
  const network = readNetworkFile(home);
  const records = new Map(readProcesses(home).map((record) => [record.name, record]));
  const waiting = new Set(network.replicas.map((replica) => replica.id));
  const deadline = Date.now() + timeoutMs;
  while (waiting.size > 0) {
    for (const id of [...waiting]) {
      const record = records.get(replicaName(id));
      if (record !== undefined && !isRunning(record.pid, record.script)) {
        throw new CliError('START_FAILED', `replica ${id} exited while starting; the end of ${record.log}:\n${logTail(record.log)}`);
      }
      try {
        await client.getStatus(network.replicas.find((replica) => replica.id === id)!.url);
        waiting.delete(id);
      } catch {
        // Not listening yet.
      }
    }
    if (waiting.size === 0) return;
    if (Date.now() > deadline) throw new CliError('START_TIMEOUT', `replicas ${[...waiting].join(', ')} did not answer within ${timeoutMs} ms`);
    await sleep(READY_POLL_MS);
  }
}

export type ReplicaStatus = {
  replica: number;
  url: string;
  process: 'running' | 'stopped' | 'unknown';
  pid: number | null;
  status: StatusResponse | null;
  error: string | null;
};

/** Every replica's status, or why it has none; never throws for a replica that is down. */
export async function replicaStatuses(home: Home): Promise<ReplicaStatus[]> {
  const network = readNetworkFile(home);
  const client = clientOf(home, STATUS_TIMEOUT_MS);
  const records = new Map<string, ProcessRecord>(readProcesses(home).map((record) => [record.name, record]));
  return Promise.all(
    network.replicas.map(async (replica): Promise<ReplicaStatus> => {
      const record = records.get(replicaName(replica.id));
      const process = record === undefined ? 'unknown' : isRunning(record.pid, record.script) ? 'running' : 'stopped';
      try {
        const status = await client.getStatus(replica.url);
        return { replica: replica.id, url: replica.url, process, pid: record?.pid ?? null, status, error: null };
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        return { replica: replica.id, url: replica.url, process, pid: record?.pid ?? null, status: null, error: why };
      }
    }),
  );
}
