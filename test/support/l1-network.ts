// Starts and stops real L1 replica processes on 127.0.0.1 for end-to-end
// tests and benchmarks. Every process a test starts, the test stops (stopAll
// in afterAll; kill -9 where a test needs a crash).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeNetwork, type NetworkLayout } from '../../apps/l1-node/src/genesis-tool.ts';
import { StatusResponse, type GenesisFile } from '@wedge/api';
import { freePorts } from './ports.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'apps/l1-node/src/main.ts');

export type Replica = { id: number; process: ChildProcess | null; port: number; url: string; log: string[] };

export class L1Network {
  readonly replicas: Replica[];
  private constructor(
    readonly layout: NetworkLayout,
    readonly dir: string,
    private readonly nodeArgs: readonly string[],
  ) {
    this.replicas = layout.replicas.map((replica) => ({ id: replica.id, process: null, port: replica.port, url: replica.url, log: [] }));
  }

  /** `nodeArgs`: extra node options for every replica process, e.g. `--cpu-prof` (profiles are written on a graceful stop). */
  static async create(
    options: {
      replicas?: number;
      accounts?: number;
      balance?: bigint;
      params?: Partial<GenesisFile['params']>;
      nodeArgs?: readonly string[];
      /** Each replica's host (its URL's, so where it listens); default 127.0.0.1. */
      hosts?: readonly string[];
    } = {},
  ): Promise<L1Network> {
    const replicas = options.replicas ?? 4;
    const dir = mkdtempSync(join(tmpdir(), 'wedge-l1-'));
    const layout = writeNetwork({
      out: dir,
      replicas,
      accounts: options.accounts ?? 8,
      balance: options.balance ?? 1_000_000_000n,
      ports: await freePorts(replicas),
      hosts: options.hosts,
      chainId: 'wedge-test',
      params: options.params,
    });
    return new L1Network(layout, dir, options.nodeArgs ?? []);
  }

  get genesis(): GenesisFile {
    return this.layout.genesis;
  }

  get urls(): string[] {
    return this.replicas.map((replica) => replica.url);
  }

  async startAll(): Promise<void> {
    await Promise.all(this.replicas.map((replica) => this.start(replica.id)));
  }

  /**
   * Starts replica `id` and resolves when it listens. `as`: another program
   * that takes the replica's arguments (the Byzantine replica harness), with
   * arguments of its own.
   */
  start(id: number, as?: { readonly main: string; readonly args: readonly string[] }): Promise<void> {
    const replica = this.replicas[id]!;
    const spec = this.layout.replicas[id]!;
    const main = as?.main ?? MAIN;
    const child = spawn(process.execPath, [...this.nodeArgs, '--import', 'tsx', main, '--genesis', this.layout.genesisPath, '--key', spec.keyPath, '--data', spec.dataDir, ...(as?.args ?? [])], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    replica.process = child;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`replica ${id} did not start: ${replica.log.join('')}`)), 30_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        const text = chunk.toString();
        replica.log.push(text);
        if (text.includes('"listening"')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.stderr!.on('data', (chunk: Buffer) => replica.log.push(chunk.toString()));
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (replica.process === child) replica.process = null;
        reject(new Error(`replica ${id} exited (${code ?? signal}): ${replica.log.join('').slice(-2000)}`));
      });
    });
  }

  /** kill -9: no chance to flush or say goodbye. */
  async kill(id: number): Promise<void> {
    const child = this.replicas[id]!.process;
    if (child === null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    this.replicas[id]!.process = null;
  }

  async stop(id: number): Promise<void> {
    const child = this.replicas[id]!.process;
    if (child === null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    this.replicas[id]!.process = null;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.replicas.map((replica) => this.stop(replica.id)));
  }

  /**
   * Waits until the replicas `ids` report the same height and state root and
   * an empty mempool — every one has executed everything submitted — and
   * returns their statuses.
   */
  async converged(ids: readonly number[] = this.urls.map((_, id) => id), timeoutMs = 60_000): Promise<StatusResponse[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const statuses = await Promise.all(ids.map(async (id) => StatusResponse.parse(await (await fetch(`${this.urls[id]}/v1/status`)).json())));
      const agree = statuses.every((status) => status.height === statuses[0]!.height && status.stateRoot === statuses[0]!.stateRoot);
      if (agree && statuses.every((status) => status.pendingTxs === 0)) return statuses;
      if (Date.now() > deadline) throw new Error(`replicas did not converge: ${JSON.stringify(statuses.map((s) => [s.replicaId, s.height, s.stateRoot.slice(0, 8), s.pendingTxs]))}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Stops everything and deletes the data directory. */
  async destroy(): Promise<void> {
    await Promise.all(this.replicas.map((replica) => this.kill(replica.id)));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
