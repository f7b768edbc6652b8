// Starts and stops real L2 processes (channel members and watchtowers) on
// 127.0.0.1 for end-to-end tests, next to an L1Network. A channel is opened
// on L1 through the client (channel.open signed by every member), each member
// gets a key file (mode 0600) with its L1 account key, a data directory and a
// port. Every process a test starts, the test stops (stopAll / destroy in
// afterAll; kill -9 where a test needs a crash).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SeqCounter, signPayment, type Payment } from '@wedge/channel';
import type { WedgeClient } from '@wedge/client';
import { fromHex, toHex } from '@wedge/common';
import { keyPairFromSecret, type KeyPair } from '@wedge/crypto';
import { fastSecp256k1, randomKeyPair } from '@wedge/crypto/node';
import type { ChannelTopology } from '@wedge/ledger';
import { writeKeyFile } from '../../apps/l1-node/src/key-file.ts';
import { createMemberClient, createWatchtowerClient, type MemberClient, type WatchtowerClient } from '../../apps/l2-node/src/l2-client.ts';
import type { L1Network } from './l1-network.ts';
import { freePorts } from './ports.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'apps/l2-node/src/main.ts');
const START_TIMEOUT_MS = 30_000;

/** One L2 process: spawned with fixed arguments, restartable, its output kept for failure messages. */
export class L2Process {
  process: ChildProcess | null = null;
  readonly log: string[] = [];
  /** How the last run ended: exit code or signal name. */
  lastExit: string | null = null;

  constructor(
    readonly name: string,
    readonly url: string,
    private readonly args: readonly string[],
  ) {}

  /**
   * Starts the process and resolves when it listens. `env` adds environment
   * variables for this run only; `as`: another program that takes the same
   * arguments (the Byzantine member harness), with arguments of its own.
   */
  start(env: Record<string, string> = {}, as?: { readonly main: string; readonly args: readonly string[] }): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', as?.main ?? MAIN, ...this.args, ...(as?.args ?? [])], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process = child;
    this.lastExit = null;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name} did not start: ${this.tail()}`)), START_TIMEOUT_MS);
      child.stdout!.on('data', (chunk: Buffer) => {
        const text = chunk.toString();
        this.log.push(text);
        if (text.includes('"event":"listening"')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.stderr!.on('data', (chunk: Buffer) => this.log.push(chunk.toString()));
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        this.lastExit = signal ?? String(code);
        if (this.process === child) this.process = null;
        reject(new Error(`${this.name} exited (${this.lastExit}): ${this.tail()}`));
      });
    });
  }

  /** Resolves when the running process exits by itself (e.g. a crash hook), within `timeoutMs`. */
  async exited(timeoutMs = 30_000): Promise<string> {
    const child = this.process;
    if (child === null) return this.lastExit ?? 'not running';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name} did not exit in ${timeoutMs} ms`)), timeoutMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    return this.lastExit ?? 'unknown';
  }

  /** kill -9: no chance to flush or say goodbye. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  /** JSON lines the process printed with this `event`. */
  events(event: string): Record<string, unknown>[] {
    return this.log
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{') && line.includes(`"event":"${event}"`))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  tail(characters = 3_000): string {
    return this.log.join('').slice(-characters);
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.process;
    if (child === null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
    this.process = null;
  }
}

export type ChannelOptions = {
  /** L1 accounts (funded in the genesis) that become the members, in member order. */
  readonly keys: readonly KeyPair[];
  readonly deposits: readonly bigint[];
  readonly topology: ChannelTopology;
  readonly challengeBlocks: number;
  readonly watchtowerUrl?: string;
  /** Extra arguments for every member process. */
  readonly memberArgs?: readonly string[];
  /** Each member's host in its URL (so where it listens); default 127.0.0.1. */
  readonly hosts?: readonly string[];
};

/** A channel opened on L1 and one member process per member (not started until asked). */
export class L2Channel {
  readonly members: L2Process[];
  private readonly seqs = new Map<number, SeqCounter>();

  private constructor(
    readonly network: L1Network,
    readonly id: string,
    readonly keys: readonly KeyPair[],
    readonly deposits: readonly bigint[],
    readonly topology: ChannelTopology,
    members: L2Process[],
  ) {
    this.members = members;
  }

  /** Opens the channel on L1 (signed by every member, proven final) and prepares the member processes. */
  static async open(network: L1Network, client: WedgeClient, options: ChannelOptions): Promise<L2Channel> {
    const id = toHex(randomBytes(32));
    const opener = options.keys[0]!;
    const nonce = (await client.getAccount(opener.address)).nonce;
    const final = await client.sendTx(
      {
        type: 'channel.open',
        from: opener.address,
        nonce,
        channelId: id,
        members: options.keys.map((key, index) => ({ publicKey: toHex(key.publicKey), deposit: options.deposits[index]! })),
        challengeBlocks: options.challengeBlocks,
        topology: options.topology,
      },
      options.keys,
      { timeoutMs: 30_000 },
    );
    if (final.code !== 'OK') throw new Error(`channel.open rejected: ${final.code}`);
    const dir = join(network.dir, 'l2', id.slice(0, 12));
    mkdirSync(dir, { recursive: true });
    const ports = await freePorts(options.keys.length);
    const urls = ports.map((port, index) => `http://${options.hosts?.[index] ?? '127.0.0.1'}:${port}`);
    const members = options.keys.map((key, index) => {
      const keyPath = join(dir, `member-${index}.key`);
      writeKeyFile(keyPath, index, key.secretKey);
      const args = [
        '--genesis', network.layout.genesisPath,
        '--channel', id,
        '--key', keyPath,
        '--peers', urls.join(','),
        '--data', join(dir, `member-${index}`),
        '--port', String(ports[index]),
        ...(options.watchtowerUrl === undefined ? [] : ['--watchtower', options.watchtowerUrl]),
        ...(options.memberArgs ?? []),
      ];
      return new L2Process(`${options.topology} member ${index}`, urls[index]!, args);
    });
    return new L2Channel(network, id, options.keys, options.deposits, options.topology, members);
  }

  get chainId(): string {
    return this.network.genesis.chainId;
  }

  client(member: number): MemberClient {
    return createMemberClient(this.members[member]!.url);
  }

  /** A payment signed by its payer's key, with a fresh random id, at the payer's next seq unless told. */
  payment(from: number, to: number, amount: bigint, paymentId = toHex(randomBytes(32)), seq = this.seqOf(from).next()): Payment {
    return signPayment(fastSecp256k1, { chainId: this.chainId, channelId: this.id }, { from, to, amount, seq, paymentId }, this.keys[from]!.secretKey);
  }

  /**
   * Moves each payer's count past the seqs member `member` knows of: after
   * payments this object did not sign (the dashboard's, the CLI's), so that
   * its next ones take fresh seqs.
   */
  async syncSeqs(member = 0): Promise<void> {
    const view = await this.client(member).channel();
    view.nextSeqs.forEach((hint, payer) => this.seqOf(payer).atLeast(hint));
  }

  private seqOf(from: number): SeqCounter {
    let counter = this.seqs.get(from);
    if (counter === undefined) {
      counter = new SeqCounter();
      this.seqs.set(from, counter);
    }
    return counter;
  }

  async startAll(): Promise<void> {
    await Promise.all(this.members.map((member) => member.start()));
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.members.map((member) => member.stop()));
  }

  async killAll(): Promise<void> {
    await Promise.all(this.members.map((member) => member.kill()));
  }

  logs(): string {
    return this.members.map((member) => `--- ${member.name}\n${member.tail()}`).join('\n');
  }
}

/** A watchtower process with its own, unfunded, L1 account. */
export class WatchtowerProcess extends L2Process {
  readonly account: KeyPair;

  private constructor(url: string, args: readonly string[], account: KeyPair) {
    super('watchtower', url, args);
    this.account = account;
  }

  /** `host`: where it listens (its URL's host); default 127.0.0.1. */
  static async create(network: L1Network, name = 'watchtower', host = '127.0.0.1'): Promise<WatchtowerProcess> {
    const dir = join(network.dir, 'l2', name);
    mkdirSync(dir, { recursive: true });
    const account = randomKeyPair(fastSecp256k1);
    const keyPath = join(dir, 'watchtower.key');
    writeKeyFile(keyPath, 0, account.secretKey);
    const [port] = await freePorts(1);
    const url = `http://${host}:${port}`;
    const args = ['--watchtower', '--genesis', network.layout.genesisPath, '--key', keyPath, '--data', join(dir, 'data'), '--url', url];
    return new WatchtowerProcess(url, args, account);
  }

  get client(): WatchtowerClient {
    return createWatchtowerClient(this.url);
  }
}

/** The funded L1 accounts of a network as key pairs. */
export function accountKeys(network: L1Network): KeyPair[] {
  return network.layout.accounts.map((account) => keyPairFromSecret(fastSecp256k1, fromHex(account.secretKey)));
}

/** Polls `probe` until it returns a value that is not undefined, at most `timeoutMs`. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError === null ? '' : `: ${(lastError as Error).message}`}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Runs `task` for each item with at most `concurrency` in flight; results in item order. */
export async function boundedMap<T, R>(items: readonly T[], concurrency: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!, index);
    }
  });
  await Promise.all(workers);
  return results;
}
