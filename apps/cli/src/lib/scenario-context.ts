// Everything a scenario needs to drive a live local network: fresh funded
// accounts (so balances can be checked exactly), channels with member
// processes, payments, process faults (stop, restart, pause), L1 moves, and
// waiting with a bound. Checks and facts recorded here make the report. The
// context stops every process it started when the scenario ends.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { SeqCounter, signPayment, type Certificate, type Payment } from '@wedge/channel';
import { toHex } from '@wedge/common';
import type { FinalTx, WedgeClient } from '@wedge/client';
import { fastSecp256k1 } from '@wedge/crypto/node';
import type { ChannelRecord, ChannelTopology } from '@wedge/ledger';
import { createKey, resolveKey, type NamedKey } from './accounts.ts';
import { CliError } from './cli-error.ts';
import { openChannel } from './channel-open.ts';
import type { ChannelEntry } from './channel-registry.ts';
import { certificateAt, challenge, settle, terminate, waitForChannel, waitForDeadline } from './channel-l1.ts';
import type { Home } from './home.ts';
import { createMemberClient, memberView, type ChannelViewResponse } from './l2-http.ts';
import { pauseMember, startMember, stopMember } from './members.ts';
import { readProcesses, stopRecorded } from './registry.ts';
import { startWatchtower, WATCHTOWER_PROCESS } from './watchtower.ts';

export type Check = { name: string; ok: boolean; detail: unknown };

const DEFAULT_WAIT_MS = 30_000;
const POLL_MS = 150;
const FUNDER = 'account-0';

export class ScenarioContext {
  readonly checks: Check[] = [];
  readonly facts: Record<string, unknown> = {};
  private readonly channels: ChannelEntry[] = [];
  /** Per channel and payer, the seqs its payments took. */
  private readonly seqs = new Map<string, SeqCounter>();
  private startedWatchtower = false;
  private accounts = 0;

  constructor(
    readonly home: Home,
    readonly client: WedgeClient,
    readonly chainId: string,
    /** Short and unique per run: names the run's accounts. */
    readonly runId: string,
    private readonly progress: (message: string) => void,
  ) {}

  log(message: string): void {
    this.progress(`  · ${message}`);
  }

  /** Records a check; returns `ok` so a scenario can stop early when a later step depends on it. */
  check(name: string, ok: boolean, detail: unknown = null): boolean {
    this.checks.push({ name, ok, detail });
    this.progress(`  ${ok ? '✓' : '✗'} ${name}`);
    return ok;
  }

  fact(key: string, value: unknown): void {
    this.facts[key] = value;
  }

  /** `count` new local accounts, each funded with `amount` by one batch of transfers from account-0. */
  async fundedAccounts(count: number, amount: bigint): Promise<NamedKey[]> {
    const keys = Array.from({ length: count }, () => createKey(this.home, `s${this.runId}-m${this.accounts++}`));
    const funder = resolveKey(this.home, FUNDER).keyPair;
    const nonce = (await this.client.getAccount(funder.address)).nonce;
    const txs = keys.map((key, index) =>
      this.client.buildTx({ type: 'transfer', from: funder.address, nonce: nonce + index, to: key.keyPair.address, amount }, [funder]),
    );
    const hashes = await this.client.submit(txs);
    for (const hash of hashes) {
      const final = await this.client.waitForFinality(hash, { timeoutMs: DEFAULT_WAIT_MS });
      if (final.code !== 'OK') throw new CliError(final.code, `funding a scenario account failed: ${final.code}`);
    }
    return keys;
  }

  async openChannel(options: {
    members: readonly NamedKey[];
    deposits: readonly bigint[];
    topology?: ChannelTopology;
    challengeBlocks?: number;
    progressTimeoutMs?: number;
    watchtower?: string | null;
  }): Promise<ChannelEntry> {
    const { channel } = await openChannel(this.home, this.client, {
      members: options.members,
      deposits: options.deposits,
      topology: options.topology ?? 'star',
      challengeBlocks: options.challengeBlocks ?? 12,
      progressTimeoutMs: options.progressTimeoutMs ?? 3_000,
      watchtower: options.watchtower ?? null,
    });
    this.channels.push(channel);
    this.log(`opened ${channel.topology} channel ${channel.id.slice(0, 12)} with ${channel.members.length} members`);
    return channel;
  }

  key(channel: ChannelEntry, member: number): NamedKey {
    return resolveKey(this.home, channel.members[member]!.name);
  }

  /** A payment signed by member `from`, at the next seq this scenario counts for it (payers start fresh with their channel). */
  payment(channel: ChannelEntry, from: number, to: number, amount: bigint): Payment {
    const payer = this.key(channel, from).keyPair;
    const key = `${channel.id}/${from}`;
    let counter = this.seqs.get(key);
    if (counter === undefined) {
      counter = new SeqCounter();
      this.seqs.set(key, counter);
    }
    return signPayment(fastSecp256k1, { chainId: this.chainId, channelId: channel.id }, { from, to, amount, seq: counter.next(), paymentId: toHex(randomBytes(32)) }, payer.secretKey);
  }

  /** Pays through member `via` (default the payer); returns the version that committed it. */
  async pay(channel: ChannelEntry, from: number, to: number, amount: bigint, via = from): Promise<number> {
    return (await createMemberClient(channel.members[via]!.url).pay(this.payment(channel, from, to, amount), 20_000)).version;
  }

  /**
   * Member `member` tops the channel up from its L1 account (POST
   * /v1/deposit, final on L1 when it answers); then waits until every member
   * holds a certificate that accounts for it, and returns that version.
   */
  async deposit(channel: ChannelEntry, member: number, amount: bigint): Promise<{ version: number; height: number }> {
    const before = BigInt((await this.view(channel, member)).latest.state.deposited[member]!);
    const { height } = await this.depositOnly(channel, member, amount);
    const views = await this.waitFor(`every member taking in the deposit of ${amount}`, async () => {
      const all = await Promise.all(channel.members.map((_, index) => this.view(channel, index)));
      const version = all[0]!.latest.state.version;
      return all.every((view) => view.latest.state.version === version && BigInt(view.latest.state.deposited[member]!) >= before + amount) ? all : undefined;
    });
    return { version: views[0]!.latest.state.version, height };
  }

  /** Member `member` tops up (POST /v1/deposit), returning once it is final on L1, without waiting for a state to take it in. */
  async depositOnly(channel: ChannelEntry, member: number, amount: bigint): Promise<{ height: number }> {
    this.log(`member ${member} deposits ${amount}`);
    return createMemberClient(channel.members[member]!.url).deposit(amount);
  }

  /**
   * Member `member` withdraws `amount` to its L1 account (POST /v1/withdraw,
   * answered once certified); then waits until L1 has paid it
   * (channel.withdraw) and returns the certified version and L1's record.
   */
  async withdraw(channel: ChannelEntry, member: number, amount: bigint): Promise<{ version: number; record: ChannelRecord }> {
    this.log(`member ${member} withdraws ${amount}`);
    const { version } = await createMemberClient(channel.members[member]!.url).withdraw(amount, 20_000);
    const certified = await this.certificate(channel, version, member);
    const withdrawnTo = certified!.state.withdrawn[member]!;
    const record = await this.waitForL1(channel, `the withdrawal of ${amount} paid`, (entry) => entry.withdrawn[member]! >= withdrawnTo);
    return { version, record };
  }

  /** Member `member` asks for a cooperative close (POST /v1/close). */
  async requestClose(channel: ChannelEntry, member: number): Promise<void> {
    this.log(`member ${member} asks for a cooperative close`);
    await createMemberClient(channel.members[member]!.url).close();
  }

  /** Member `member` wedges on its user's request (POST /v1/wedge): it never signs a new state again. */
  async wedge(channel: ChannelEntry, member: number): Promise<void> {
    this.log(`member ${member} wedges`);
    await createMemberClient(channel.members[member]!.url).wedge();
  }

  /**
   * Waits until every given member holds the certificate of `version` (a
   * payment is answered as soon as the sequencer completes its certificate;
   * the others receive it a moment later) and returns its balances.
   */
  async agreed(channel: ChannelEntry, version: number, members = channel.members.map((_, index) => index)): Promise<bigint[]> {
    const views = await this.waitFor(`every member at version ${version}`, async () => {
      const all = await Promise.all(members.map((member) => this.view(channel, member)));
      return all.every((view) => view.latest.state.version === version) ? all : undefined;
    });
    return views[0]!.latest.state.balances.map(BigInt);
  }

  view(channel: ChannelEntry, member: number): Promise<ChannelViewResponse> {
    return memberView(channel.members[member]!.url);
  }

  certificate(channel: ChannelEntry, version: number, preferred = 0): Promise<Certificate | null> {
    return certificateAt(channel, version, preferred);
  }

  l1(channel: ChannelEntry): Promise<ChannelRecord> {
    return this.client.getChannel(channel.id);
  }

  /**
   * The account's balance as of block `atLeastHeight` or later. Replicas
   * execute the same blocks but not at the same instant, and each call of the
   * client may ask another replica: a balance read just after a block was seen
   * at one replica (the one that settled a channel, say) can come from another
   * that has not executed it yet. An answer as of an earlier block is asked
   * again; with every account read at or after the last block that moved
   * funds, the reads agree with one another.
   */
  async balance(address: string, atLeastHeight = 0, timeoutMs = DEFAULT_WAIT_MS): Promise<bigint> {
    const view = await this.waitFor(
      `account ${address} as of block ${atLeastHeight} or later`,
      async () => {
        const answer = await this.client.getAccount(address);
        return answer.height >= atLeastHeight ? answer : undefined;
      },
      timeoutMs,
    );
    return view.balance;
  }

  /** Polls `probe` until it returns something other than undefined, null or false. */
  async waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = DEFAULT_WAIT_MS): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown = null;
    for (;;) {
      try {
        const value = await probe();
        if (value !== undefined && value !== null && value !== false) return value;
      } catch (error) {
        last = error;
      }
      if (Date.now() > deadline) {
        const why = last instanceof Error ? `: ${last.message}` : '';
        throw new CliError('TIMEOUT', `timed out after ${timeoutMs} ms waiting for ${what}${why}`);
      }
      await sleep(POLL_MS);
    }
  }

  stopMember(channel: ChannelEntry, member: number): Promise<void> {
    this.log(`stopping member ${member} (${channel.members[member]!.name})`);
    return stopMember(this.home, channel, member);
  }

  startMember(channel: ChannelEntry, member: number): Promise<void> {
    this.log(`starting member ${member} (${channel.members[member]!.name})`);
    return startMember(this.home, channel, member);
  }

  pauseMember(channel: ChannelEntry, member: number, paused: boolean): void {
    this.log(`${paused ? 'pausing (SIGSTOP)' : 'resuming (SIGCONT)'} member ${member}`);
    pauseMember(this.home, channel, member, paused);
  }

  /** channel.terminate from member `member`'s account with the certificate of `version` (0: the opening state). */
  async terminateWith(channel: ChannelEntry, member: number, version: number, certificate?: Certificate | null): Promise<FinalTx> {
    const chosen = certificate === undefined ? await certificateAt(channel, version, member) : certificate;
    return terminate(this.client, channel, this.key(channel, member).keyPair, chosen);
  }

  challengeWith(channel: ChannelEntry, member: number, certificate: Certificate): Promise<FinalTx> {
    return challenge(this.client, channel, this.key(channel, member).keyPair, certificate);
  }

  waitForL1(channel: ChannelEntry, what: string, accept: (record: ChannelRecord, height: number) => boolean, timeoutMs = DEFAULT_WAIT_MS): Promise<ChannelRecord> {
    return waitForChannel(this.client, channel.id, what, accept, timeoutMs);
  }

  /**
   * Waits for the channel to close. Honest members (and watchtowers) settle
   * by themselves after the deadline; if none has a little after it, the
   * scenario settles from member `fallback`'s account, as anyone may.
   */
  async closed(channel: ChannelEntry, fallback = 0, timeoutMs = 60_000): Promise<ChannelRecord> {
    await waitForDeadline(this.client, channel.id, timeoutMs);
    try {
      return await this.waitForL1(channel, 'closed', (record) => record.status === 'closed', 5_000);
    } catch {
      this.log('nobody settled yet after the deadline; settling from the scenario');
      await settle(this.client, channel, this.key(channel, fallback).keyPair);
      return this.waitForL1(channel, 'closed', (record) => record.status === 'closed', 10_000);
    }
  }

  async watchtower(): Promise<{ url: string; address: string }> {
    const tower = await startWatchtower(this.home);
    if (tower.started) this.startedWatchtower = true;
    return tower;
  }

  /** Stops the member processes of every channel this run opened, and the watchtower if it started it. */
  async cleanup(): Promise<void> {
    const names = new Set(this.channels.flatMap((channel) => channel.members.map((member) => member.process)));
    if (this.startedWatchtower) names.add(WATCHTOWER_PROCESS);
    const records = readProcesses(this.home).filter((record) => names.has(record.name));
    await stopRecorded(this.home, records);
  }
}
