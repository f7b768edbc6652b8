// A Wedge network in the lab: each replica — and, when asked, each channel
// member and a watchtower — in a network namespace of its own with its own
// address on the lab bridge, started from the same binaries as on one machine
// (apps/l1-node/src/main.ts, apps/l2-node/src/main.ts) with a genesis and
// member URLs that name those addresses, so every process listens on its own
// host: replicas on port 7100, members on 7200, the watchtower on 7300.
// The lab object is what tests and the soak driver hold: per-node URLs,
// partition / isolate / heal, kill / restart / pause of any node, status,
// and destroy, which removes every namespace, link, bridge and process the
// lab made, also when the owner fails (exit and signal handlers, and stale
// cleanup by prefix the next time a lab starts).
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StatusResponse, apiPaths, type GenesisFile } from '@wedge/api';
import { createClient } from '@wedge/client';
import { fastSecp256k1, randomKeyPair } from '@wedge/crypto/node';
import { fromHex } from '@wedge/common';
import { writeNetwork, type NetworkLayout } from '../../l1-node/src/genesis-tool.ts';
import { writeKeyFile } from '../../l1-node/src/key-file.ts';
import { memberArgs, memberNodeName, openChannelOnL1, planChannels, type LabChannel } from './lab-channels.ts';
import { LAB_ERROR, LabError } from './lab-error.ts';
import { LabProcess, REPO_ROOT } from './lab-process.ts';
import { claimLab, saveLab, type LabNodeRecord, type LabProcessRecord, type LabRecord } from './lab-registry.ts';
import { requireLabSupport } from './lab-support.ts';
import { createTopology, cut, heal, isolate, leftoversWithPrefix, partition, subnetOf } from './net-topology.ts';
import { cleanStaleLabs, teardownLab } from './teardown.ts';
import { registerTeardownOnExit, unregisterTeardownOnExit } from './exit-hooks.ts';

export const REPLICA_SCRIPT = join(REPO_ROOT, 'apps/l1-node/src/main.ts');
export const L2_SCRIPT = join(REPO_ROOT, 'apps/l2-node/src/main.ts');
/** Every replica listens on this port at its own address, every member on the next, the watchtower on the third. */
export const REPLICA_PORT = 7100;
export const MEMBER_PORT = 7200;
export const WATCHTOWER_PORT = 7300;
export const WATCHTOWER_NODE = 'tower';
const DEFAULT_DEPOSIT = 1_000_000n;
const DEFAULT_CHALLENGE_BLOCKS = 10;
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
   * detached and, once it has started, no exit hook tears it down and stale
   * cleanup leaves it alone; only `destroy` (the CLI's `lab down`) removes it.
   */
  readonly persistent?: boolean;
  /** Channels to open and run, e.g. ['star2', 'chain3']: star or chain, 2..8 members, each member a node of its own. */
  readonly channels?: readonly string[];
  /** Run a watchtower node (`tower`) that every member pushes to. */
  readonly watchtower?: boolean;
  /** Each member's deposit (default 1e6; its genesis account holds `balance`). */
  readonly deposit?: bigint;
  readonly challengeBlocks?: number;
};

export type LabNodeKind = 'replica' | 'member' | 'watchtower';

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
  /** The channel's label (e.g. `star2`) and the member's index in it, for members. */
  readonly channel: string | null;
  readonly memberIndex: number | null;
};

export type LabNodeStatus = LabNode & {
  readonly pid: number | null;
  readonly running: boolean;
  /** Whether the node answered HTTP (from the root namespace, so cuts do not hide it). */
  readonly answering: boolean;
  /** A replica's /v1/status; null for other nodes and when it did not answer. */
  readonly status: StatusResponse | null;
  readonly error: string | null;
};

export class WedgeLab {
  private readonly processes = new Map<string, LabProcess>();

  private constructor(
    private readonly record: LabRecord,
    /** The genesis file's path, the genesis and the replicas' key and data paths. */
    readonly layout: NetworkLayout,
    readonly nodes: readonly LabNode[],
  ) {
    for (const entry of record.processes) this.track(entry);
  }

  private track(entry: LabProcessRecord): void {
    const node = this.node(entry.name);
    const spec = { name: entry.name, namespace: node.namespace, script: entry.script, args: entry.args, logPath: entry.logPath, detached: this.record.meta.persistent === true };
    this.processes.set(entry.name, entry.pid === null ? new LabProcess(spec) : LabProcess.adopt(spec, entry.pid));
  }

  /** Records a channel opened on L1 and its member processes (not started). */
  private addChannel(channel: LabChannel): void {
    (this.record.meta.channels as LabChannel[]).push(channel);
    const peerUrls = channel.memberNodes.map((name) => this.url(name));
    channel.memberNodes.forEach((name, index) => {
      const dir = join(this.dir, 'l2', name);
      mkdirSync(dir, { recursive: true });
      const keyPath = join(dir, 'member.key');
      writeKeyFile(keyPath, index, fromHex(this.layout.accounts[channel.accountIndexes[index]!]!.secretKey));
      const entry: LabProcessRecord = {
        name,
        pid: null,
        script: L2_SCRIPT,
        args: memberArgs({ genesisPath: this.genesisPath, channel, index, keyPath, peerUrls, dir, watchtowerUrl: this.watchtowerUrl }),
        logPath: join(this.dir, 'logs', `${name}.log`),
      };
      this.record.processes.push(entry);
      this.track(entry);
    });
    saveLab(this.record);
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
    const plans = planChannels(options.channels ?? []);
    const madeDir = options.dir === undefined;
    const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'wedge-lab-'));
    mkdirSync(join(dir, 'logs'), { recursive: true });
    const persistent = options.persistent ?? false;
    const record = claimLab({ dir, ownerPid: process.pid, meta: { madeDir, persistent } });
    registerTeardownOnExit(record);
    try {
      const replicaNames = Array.from({ length: replicas }, (_, id) => replicaName(id));
      const memberNames = plans.flatMap((plan) => Array.from({ length: plan.members }, (_, index) => memberNodeName(plan.label, index)));
      const towerNames = options.watchtower === true ? [WATCHTOWER_NODE] : [];
      createTopology(record, [...replicaNames, ...memberNames, ...towerNames]);
      const freeAccounts = options.accounts ?? 8;
      const layout = writeNetwork({
        out: dir,
        replicas,
        // The members' L1 accounts come after the free ones.
        accounts: freeAccounts + memberNames.length,
        balance: options.balance ?? 1_000_000_000n,
        ports: replicaNames.map(() => REPLICA_PORT),
        hosts: record.nodes.slice(0, replicas).map((node) => node.address),
        chainId: options.chainId ?? 'wedge-lab',
        params: options.params,
      });
      const nodes = describeNodes(record, layout);
      record.meta.layout = layout;
      record.meta.nodes = nodes;
      record.meta.channels = [];
      record.processes = layout.replicas.map(
        (replica): LabProcessRecord => ({
          name: replicaName(replica.id),
          pid: null,
          script: REPLICA_SCRIPT,
          args: ['--genesis', layout.genesisPath, '--key', replica.keyPath, '--data', replica.dataDir],
          logPath: join(dir, 'logs', `${replicaName(replica.id)}.log`),
        }),
      );
      if (options.watchtower === true) record.processes.push(watchtowerProcess(dir, layout, nodes.find((node) => node.name === WATCHTOWER_NODE)!));
      saveLab(record);
      const lab = new WedgeLab(record, layout, nodes);
      await Promise.all(lab.replicas.map((node) => lab.startNode(node.name)));
      if (options.watchtower === true) await lab.startNode(WATCHTOWER_NODE);
      let nextAccount = freeAccounts;
      for (const plan of plans) {
        const accountIndexes = Array.from({ length: plan.members }, () => nextAccount++);
        const channel = await openChannelOnL1(
          createClient({ genesis: layout.genesis }),
          plan,
          layout.accounts,
          accountIndexes,
          options.deposit ?? DEFAULT_DEPOSIT,
          options.challengeBlocks ?? DEFAULT_CHALLENGE_BLOCKS,
        );
        lab.addChannel(channel);
        await Promise.all(channel.memberNodes.map((name) => lab.startNode(name)));
      }
      if (persistent) {
        // Started: from now on the lab lives until `lab down`, whatever becomes of this process.
        record.ownerPid = null;
        saveLab(record);
        unregisterTeardownOnExit(record);
      }
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
    const nodes = record.meta.nodes as LabNode[] | undefined;
    if (layout === undefined || nodes === undefined) throw new LabError(LAB_ERROR.NO_LAB, `lab ${record.prefix} has no network yet (still starting, or it failed)`);
    return new WedgeLab(record, layout, nodes);
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

  /** The channels the lab opened and runs, in the order asked. */
  get channels(): readonly LabChannel[] {
    return (this.record.meta.channels as LabChannel[] | undefined) ?? [];
  }

  /** A channel by its label (`star2`). */
  channel(label: string): LabChannel {
    const channel = this.channels.find((candidate) => candidate.label === label);
    if (channel === undefined) throw new LabError(LAB_ERROR.UNKNOWN_NODE, `no channel ${JSON.stringify(label)} in lab ${this.prefix}`);
    return channel;
  }

  /** The watchtower's URL, or null when the lab runs none. */
  get watchtowerUrl(): string | null {
    return this.nodes.find((node) => node.kind === 'watchtower')?.url ?? null;
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

  /** Every node with its process, whether it answers HTTP and, for a replica, its /v1/status (asked from the root namespace, so cuts do not hide it). */
  async status(): Promise<LabNodeStatus[]> {
    return Promise.all(
      this.nodes.map(async (node): Promise<LabNodeStatus> => {
        const pid = this.pid(node.name);
        const base = { ...node, pid, running: pid !== null };
        const path = node.kind === 'replica' ? apiPaths.status() : node.kind === 'member' ? '/v1/channel' : `/v1/channels/${'0'.repeat(64)}`;
        try {
          const answer = await fetch(`${node.url}${path}`, { signal: AbortSignal.timeout(STATUS_TIMEOUT_MS) });
          if (node.kind !== 'replica') {
            await answer.body?.cancel();
            return { ...base, answering: true, status: null, error: null };
          }
          return { ...base, answering: true, status: StatusResponse.parse(await answer.json()), error: null };
        } catch (error) {
          return { ...base, answering: false, status: null, error: (error as Error).message };
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

/** Each node's kind and URL: replicas as in the genesis, members and the watchtower on their fixed ports at their addresses. */
function describeNodes(record: LabRecord, layout: NetworkLayout): LabNode[] {
  return record.nodes.map((node): LabNode => {
    const base = { name: node.name, address: node.address, namespace: node.namespace, replicaId: null, channel: null, memberIndex: null };
    const replica = /^r(\d+)$/.exec(node.name);
    if (replica !== null) return { ...base, kind: 'replica', url: layout.replicas[Number(replica[1])]!.url, replicaId: Number(replica[1]) };
    if (node.name === WATCHTOWER_NODE) return { ...base, kind: 'watchtower', url: `http://${node.address}:${WATCHTOWER_PORT}` };
    const member = /^(.+)-m(\d+)$/.exec(node.name);
    if (member === null) throw new LabError(LAB_ERROR.UNKNOWN_NODE, `unexpected node ${node.name}`);
    return { ...base, kind: 'member', url: `http://${node.address}:${MEMBER_PORT}`, channel: member[1]!, memberIndex: Number(member[2]) };
  });
}

/** The watchtower's process: its own, unfunded L1 account (key mode 0600), listening at its URL. */
function watchtowerProcess(dir: string, layout: NetworkLayout, node: LabNode): LabProcessRecord {
  const towerDir = join(dir, 'l2', WATCHTOWER_NODE);
  mkdirSync(towerDir, { recursive: true });
  const keyPath = join(towerDir, 'watchtower.key');
  writeKeyFile(keyPath, 0, randomKeyPair(fastSecp256k1).secretKey);
  return {
    name: WATCHTOWER_NODE,
    pid: null,
    script: L2_SCRIPT,
    args: ['--watchtower', '--genesis', layout.genesisPath, '--key', keyPath, '--data', join(towerDir, 'data'), '--url', node.url],
    logPath: join(dir, 'logs', `${WATCHTOWER_NODE}.log`),
  };
}
