// A Wedge network in the lab: each replica in a network namespace of its own
// with its own address on the lab bridge, started from the same binary as on
// one machine (apps/l1-node/src/main.ts) with a genesis that names those
// addresses — so every replica listens on its own host, port 7100 on each.
// The lab object is what tests and the soak driver hold: per-node URLs,
// partition / isolate / heal, kill / restart / pause of any node, status,
// and destroy, which removes every namespace, link, bridge and process the
// lab made, also when the owner fails (exit and signal handlers, and stale
// cleanup by prefix the next time a lab starts).
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StatusResponse, apiPaths, type GenesisFile } from '@wedge/api';
import { writeNetwork, type NetworkLayout } from '../../l1-node/src/genesis-tool.ts';
import { LAB_ERROR, LabError } from './lab-error.ts';
import { LabProcess, REPO_ROOT } from './lab-process.ts';
import { claimLab, saveLab, type LabNodeRecord, type LabProcessRecord, type LabRecord } from './lab-registry.ts';
import { requireLabSupport } from './lab-support.ts';
import { createTopology, cut, heal, isolate, leftoversWithPrefix, partition, subnetOf } from './net-topology.ts';
import { cleanStaleLabs, teardownLab } from './teardown.ts';
import { registerTeardownOnExit, unregisterTeardownOnExit } from './exit-hooks.ts';

export const REPLICA_SCRIPT = join(REPO_ROOT, 'apps/l1-node/src/main.ts');
/** Every replica listens on this port at its own address. */
export const REPLICA_PORT = 7100;
const STATUS_TIMEOUT_MS = 2_000;

export type StartLabOptions = {
  /** Replicas, 4..64 (default 4). */
  readonly replicas?: number;
  /** Funded genesis accounts (default 8), each with `balance` (default 1e9). */
  readonly accounts?: number;
  readonly balance?: bigint;
  /** Genesis parameters over the genesis tool's defaults. */
  readonly params?: Partial<GenesisFile['params']>;
  readonly chainId?: string;
  /** Where genesis, keys, data and logs go; default a new temporary directory, deleted by destroy. */
  readonly dir?: string;
  /**
   * A lab that outlives this process (the CLI's `lab up`): its processes are
   * detached, no exit hook tears it down and stale cleanup leaves it alone;
   * only `destroy` (the CLI's `lab down`) removes it.
   */
  readonly persistent?: boolean;
  /** Start the replicas (default true); false builds the network and the genesis only. */
  readonly start?: boolean;
};

export type LabNodeKind = 'replica';

/** A node of the lab as a caller sees it. */
export type LabNode = {
  readonly name: string;
  readonly kind: LabNodeKind;
  /** The node's address on the lab bridge (its namespace's eth0). */
  readonly address: string;
  readonly namespace: string;
  /** Where the node's process listens (its URL in the genesis for a replica). */
  readonly url: string;
  /** Replica id, for replicas. */
  readonly replicaId: number | null;
};

export type LabNodeStatus = LabNode & { readonly pid: number | null; readonly running: boolean; readonly status: StatusResponse | null; readonly error: string | null };

export class WedgeLab {
  private readonly processes = new Map<string, LabProcess>();

  private constructor(
    private readonly record: LabRecord,
    /** The genesis file's path, the genesis and the replicas' key and data paths. */
    readonly layout: NetworkLayout,
    readonly nodes: readonly LabNode[],
  ) {
    for (const entry of record.processes) {
      const node = this.node(entry.name);
      const spec = { name: entry.name, namespace: node.namespace, script: entry.script, args: entry.args, logPath: entry.logPath, detached: record.ownerPid === null };
      this.processes.set(entry.name, entry.pid === null ? new LabProcess(spec) : LabProcess.adopt(spec, entry.pid));
    }
  }

  /**
   * Builds a lab and starts its replicas. Fails with LabError NOT_ROOT (or
   * NO_IPROUTE2) where the lab cannot run; a failure half-way tears down
   * whatever was made before it rethrows.
   */
  static async start(options: StartLabOptions = {}): Promise<WedgeLab> {
    requireLabSupport();
    cleanStaleLabs();
    const replicas = options.replicas ?? 4;
    if (!Number.isInteger(replicas) || replicas < 4 || replicas > 64) throw new LabError(LAB_ERROR.UNKNOWN_NODE, `a lab runs 4..64 replicas, not ${replicas}`);
    const madeDir = options.dir === undefined;
    const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'wedge-lab-'));
    mkdirSync(join(dir, 'logs'), { recursive: true });
    const persistent = options.persistent ?? false;
    const record = claimLab({ dir, ownerPid: persistent ? null : process.pid, meta: { madeDir } });
    if (!persistent) registerTeardownOnExit(record);
    try {
      const names = Array.from({ length: replicas }, (_, id) => replicaName(id));
      createTopology(record, names);
      const layout = writeNetwork({
        out: dir,
        replicas,
        accounts: options.accounts ?? 8,
        balance: options.balance ?? 1_000_000_000n,
        ports: names.map(() => REPLICA_PORT),
        hosts: record.nodes.map((node) => node.address),
        chainId: options.chainId ?? 'wedge-lab',
        params: options.params,
      });
      record.meta.genesisPath = layout.genesisPath;
      record.meta.layout = layout;
      record.processes = layout.replicas.map(
        (replica): LabProcessRecord => ({
          name: replicaName(replica.id),
          pid: null,
          script: REPLICA_SCRIPT,
          args: ['--genesis', layout.genesisPath, '--key', replica.keyPath, '--data', replica.dataDir],
          logPath: join(dir, 'logs', `${replicaName(replica.id)}.log`),
        }),
      );
      saveLab(record);
      const lab = new WedgeLab(record, layout, nodesOf(record, layout));
      if (options.start ?? true) await Promise.all(lab.replicas.map((node) => lab.startNode(node.name)));
      return lab;
    } catch (error) {
      unregisterTeardownOnExit(record);
      teardownLab(record, { removeDir: madeDir });
      throw error;
    }
  }

  /** Reopens a lab another process started (the CLI's persistent lab) from its record. */
  static fromRecord(record: LabRecord): WedgeLab {
    const layout = record.meta.layout as NetworkLayout | undefined;
    if (layout === undefined) throw new LabError(LAB_ERROR.NO_LAB, `lab ${record.prefix} has no network yet (still starting, or it failed)`);
    return new WedgeLab(record, layout, nodesOf(record, layout));
  }

  /** The lab's unique prefix: every namespace, link and bridge it made starts with it. */
  get prefix(): string {
    return this.record.prefix;
  }

  get dir(): string {
    return this.record.dir;
  }

  /** The lab's addresses, 10.77.X.0/24 (the bridge, reachable from the root namespace, is .1). */
  get subnet(): string {
    return subnetOf(this.record);
  }

  get genesis(): GenesisFile {
    return this.layout.genesis;
  }

  get genesisPath(): string {
    return this.layout.genesisPath;
  }

  get replicas(): LabNode[] {
    return this.nodes.filter((node) => node.kind === 'replica');
  }

  /** The replicas' URLs in replica order (as in the genesis). */
  get replicaUrls(): string[] {
    return this.replicas.map((node) => node.url);
  }

  /** Pairs of nodes that cannot reach each other now. */
  get cuts(): readonly (readonly [string, string])[] {
    return this.record.cuts;
  }

  node(name: string): LabNode & LabNodeRecord {
    const node = this.nodes.find((candidate) => candidate.name === name);
    if (node === undefined) throw new LabError(LAB_ERROR.UNKNOWN_NODE, `no node ${JSON.stringify(name)} in lab ${this.prefix} (it has ${this.nodes.map((n) => n.name).join(', ')})`);
    return { ...node, hostLink: this.record.nodes.find((entry) => entry.name === name)!.hostLink };
  }

  url(name: string): string {
    return this.node(name).url;
  }

  /** The pid of the node's process, or null when it is not running. */
  pid(name: string): number | null {
    return this.process(name).running ? this.process(name).pid : null;
  }

  /** The last part of the node's log (stdout and stderr). */
  logTail(name: string, characters?: number): string {
    return this.process(name).tail(characters);
  }

  /** Splits nodes into groups that cannot reach each other, e.g. [['r0','r1'],['r2','r3']]; nodes in no group keep every link. */
  partition(groups: readonly (readonly string[])[]): void {
    partition(this.record, groups);
  }

  /** Cuts one node off from every other node; the root namespace (tests, clients) still reaches it. */
  isolate(name: string): void {
    isolate(this.record, name);
  }

  /** Cuts the link between two nodes only, both ways. */
  cut(a: string, b: string): void {
    cut(this.record, a, b);
  }

  /** Removes every cut. */
  heal(): void {
    heal(this.record);
  }

  /** Starts (or restarts) the node's process from its data directory; resolves once it listens. */
  async startNode(name: string): Promise<void> {
    const process = this.process(name);
    await process.start();
    this.saveProcesses();
  }

  /** kill -9 of the node's process. */
  async kill(name: string): Promise<void> {
    await this.process(name).kill();
    this.saveProcesses();
  }

  /** SIGTERM (SIGKILL after a grace period). */
  async stopNode(name: string): Promise<void> {
    await this.process(name).stop();
    this.saveProcesses();
  }

  /** SIGSTOP: the process holds its sockets and does nothing until resume. */
  pause(name: string): void {
    this.process(name).pause();
  }

  resume(name: string): void {
    this.process(name).resume();
  }

  /** Every node with its process and, for a replica, its /v1/status (asked from the root namespace, so cuts do not hide it). */
  async status(): Promise<LabNodeStatus[]> {
    return Promise.all(
      this.nodes.map(async (node): Promise<LabNodeStatus> => {
        const pid = this.pid(node.name);
        const base = { ...node, pid, running: pid !== null };
        try {
          const answer = await fetch(`${node.url}${apiPaths.status()}`, { signal: AbortSignal.timeout(STATUS_TIMEOUT_MS) });
          return { ...base, status: StatusResponse.parse(await answer.json()), error: null };
        } catch (error) {
          return { ...base, status: null, error: (error as Error).message };
        }
      }),
    );
  }

  /**
   * Kills every process, removes every namespace, link and the bridge, and
   * the lab's directory if the lab made it. Throws LEFTOVERS if anything with
   * the lab's prefix is still there afterwards.
   */
  async destroy(): Promise<void> {
    unregisterTeardownOnExit(this.record);
    teardownLab(this.record, { removeDir: this.record.meta.madeDir === true });
    await Promise.all([...this.processes.values()].map((process) => process.exited()));
    for (const process of this.processes.values()) process.pid = null;
    const left = leftoversWithPrefix(this.prefix);
    if (left.length > 0) throw new LabError(LAB_ERROR.LEFTOVERS, `lab ${this.prefix} left ${left.join(', ')} behind`, { left });
  }

  private process(name: string): LabProcess {
    this.node(name);
    const process = this.processes.get(name);
    if (process === undefined) throw new LabError(LAB_ERROR.UNKNOWN_NODE, `node ${name} runs no process`);
    return process;
  }

  private saveProcesses(): void {
    for (const entry of this.record.processes) entry.pid = this.processes.get(entry.name)?.pid ?? null;
    saveLab(this.record);
  }
}

/** A replica's node name: r0, r1, ... */
export function replicaName(id: number): string {
  return `r${id}`;
}

function nodesOf(record: LabRecord, layout: NetworkLayout): LabNode[] {
  return record.nodes.map((node) => {
    const replica = /^r(\d+)$/.exec(node.name);
    if (replica === null) throw new LabError(LAB_ERROR.UNKNOWN_NODE, `unexpected node ${node.name}`);
    const id = Number(replica[1]);
    return { name: node.name, kind: 'replica', address: node.address, namespace: node.namespace, url: layout.replicas[id]!.url, replicaId: id };
  });
}
