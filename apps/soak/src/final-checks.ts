// The checks at the end of a soak, once the nemesis and the load have
// stopped: the replicas converge (one view, normal, same height and root,
// nothing pending, no history missing); every block's digest is the same on
// every replica and every transaction a client saw final is in one of them;
// supply is conserved; every channel's latest certificate holds exactly the
// deposits moved by the payments known to have committed, and no member or
// the watchtower shows a different state for any version; and a cooperative
// close of each channel settles exactly its final balances on L1.
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from '@wedge/client';
import { channelStateFromWire } from '@wedge/api';
import { Cluster } from './cluster.ts';
import type { L1Observer } from './l1-observer.ts';
import type { TransferSender } from './l1-load.ts';
import type { ChannelPayers } from './l2-load.ts';
import { memberView, watchedChannel, type L2Observer } from './l2-observer.ts';
import type { ChannelName } from './schedule.ts';
import type { Violations } from './violations.ts';
import { certificateFromWire } from '../../../apps/l2-node/src/wire.ts';

const CONVERGE_BOUND_MS = 120_000;
const L2_QUIET_BOUND_MS = 60_000;
const CLOSE_BOUND_MS = 60_000;
/** Versions asked of every member at the end, spread over the channel's history. */
const VERSIONS_ASKED = 300;

export type FinalCheckDeps = {
  cluster: Cluster;
  observer: L1Observer;
  l2Observer: L2Observer;
  senders: readonly TransferSender[];
  payers: Readonly<Record<ChannelName, ChannelPayers>>;
  violations: Violations;
};

export type FinalFacts = { height: number; unknownPaymentsResolved: number; closed: ChannelName[] };

export async function runFinalChecks(deps: FinalCheckDeps): Promise<FinalFacts> {
  const height = await checkL1Converged(deps);
  await checkEveryBlockAndFinalTx(deps, height);
  await checkConservation(deps, 'after the soak');
  let unknownPaymentsResolved = 0;
  const closed: ChannelName[] = [];
  for (const name of ['star', 'chain'] as const) {
    unknownPaymentsResolved += await checkChannelBalances(deps, name);
    await checkCertificatesAgree(deps, name);
    if (await checkCooperativeClose(deps, name)) closed.push(name);
  }
  await checkConservation(deps, 'after the channels closed');
  return { height, unknownPaymentsResolved, closed };
}

/** Waits until all replicas agree and are idle; returns the common height (or the highest seen, after a violation). */
async function checkL1Converged({ cluster, violations }: FinalCheckDeps): Promise<number> {
  const deadline = Date.now() + CONVERGE_BOUND_MS;
  let statuses = await cluster.statuses();
  for (;;) {
    const view = Cluster.quorumView(statuses);
    const first = statuses[0];
    const agree =
      first !== null &&
      first !== undefined &&
      statuses.every(
        (status) =>
          status !== null &&
          status.viewStatus === 'normal' &&
          status.view === view &&
          status.height === first.height &&
          status.stateRoot === first.stateRoot &&
          status.pendingTxs === 0 &&
          status.history.missingBlocks === 0,
      );
    if (agree) return first.height;
    if (Date.now() > deadline) {
      const summary = statuses.map((status) => status && { view: status.view, viewStatus: status.viewStatus, height: status.height, root: status.stateRoot.slice(0, 12), pending: status.pendingTxs, missing: status.history.missingBlocks });
      violations.add('replica-not-recovered', { when: 'at the end', boundMs: CONVERGE_BOUND_MS, statuses: summary });
      return Math.max(0, ...statuses.map((status) => status?.height ?? 0));
    }
    await sleep(200);
    statuses = await cluster.statuses();
  }
}

async function checkEveryBlockAndFinalTx({ observer, senders, violations }: FinalCheckDeps, height: number): Promise<void> {
  if (!(await observer.followedAll(height, CONVERGE_BOUND_MS))) {
    violations.add('soak-error', { what: 'could not read every replica chain up to the end', height, followedUpTo: observer.followedUpTo });
  }
  const deadline = Date.now() + CONVERGE_BOUND_MS;
  while (!(await observer.recheckIncomplete())) {
    if (Date.now() > deadline) {
      violations.add('final-tx-not-committed', { what: 'blocks a replica never fetched back', heights: observer.incomplete.map((set) => [...set].slice(0, 20)) });
      break;
    }
    await sleep(500);
  }
  for (let at = 1; at <= height; at++) if (!observer.digests.has(at)) violations.add('block-digest-mismatch', { height: at, what: 'no replica served this block' });
  for (const sender of senders) {
    for (const tx of sender.final) {
      const committedAt = observer.committed.get(tx.hash);
      if (committedAt === undefined || committedAt > tx.height) {
        violations.add('final-tx-not-committed', { tx: tx.hash, finalAtHeight: tx.height, committedAt: committedAt ?? null });
      }
    }
  }
}

/** Every account the soak knows (the genesis ones and the watchtower's) plus the deposits locked in open channels equal the genesis supply. */
async function checkConservation({ cluster, violations }: FinalCheckDeps, when: string): Promise<void> {
  const genesis = cluster.genesis;
  const supply = genesis.accounts.reduce((sum, account) => sum + BigInt(account.balance), 0n);
  const addresses = [...genesis.accounts.map((account) => account.address), cluster.watchtower.account.address];
  for (const url of cluster.urls) {
    const replica = createClient({ genesis, urls: [url], resultConfirmations: 1 });
    // An empty block (a primary keeping L1 time) may land between two reads: read again until one height holds for all.
    let accounts = await Promise.all(addresses.map((address) => replica.getAccount(address)));
    let channels = await Promise.all(Object.values(cluster.channels).map((channel) => replica.getChannel(channel.id)));
    for (let attempt = 0; new Set(accounts.map((account) => account.height)).size > 1 && attempt < 20; attempt++) {
      accounts = await Promise.all(addresses.map((address) => replica.getAccount(address)));
      channels = await Promise.all(Object.values(cluster.channels).map((channel) => replica.getChannel(channel.id)));
    }
    const heights = new Set(accounts.map((account) => account.height));
    if (heights.size !== 1) {
      violations.add('soak-error', { what: 'conservation: the replica moved on while it was read, 20 times', when, url });
      continue;
    }
    const balances = accounts.reduce((sum, account) => sum + account.balance, 0n);
    const locked = channels.reduce((sum, record) => sum + (record.status === 'closed' ? 0n : record.total), 0n);
    if (balances + locked !== supply) {
      violations.add('conservation', { when, url, balances: String(balances), locked: String(locked), supply: String(supply), height: [...heights][0] });
    }
  }
}

/** Waits until no member has a payment pending and all hold one version; returns that version (or -1). */
async function quietChannel(deps: FinalCheckDeps, name: ChannelName): Promise<number> {
  const channel = deps.cluster.channels[name];
  const deadline = Date.now() + L2_QUIET_BOUND_MS;
  for (;;) {
    const views = await Promise.all(channel.members.map((member) => memberView(member.url)));
    const versions = new Set(views.map((view) => view?.latest.state.version));
    if (views.every((view) => view !== null && view.pendingPayments === 0) && versions.size === 1) return views[0]!.latest.state.version;
    if (Date.now() > deadline) {
      deps.violations.add('member-not-recovered', { when: 'at the end', channel: name, members: views.map((view) => view && { version: view.latest.state.version, pending: view.pendingPayments, wedged: view.wedged }) });
      return -1;
    }
    await sleep(200);
  }
}

/** Resolves unknown payments, then demands that every member's latest balances are the deposits moved by every committed payment. */
async function checkChannelBalances(deps: FinalCheckDeps, name: ChannelName): Promise<number> {
  const payers = deps.payers[name];
  if ((await quietChannel(deps, name)) < 0) return 0;
  const { resolved, stillUnknown } = await payers.resolveUnknown();
  if (stillUnknown > 0) deps.violations.add('soak-error', { what: 'payments whose fate could not be learned', channel: name, count: stillUnknown });
  if ((await quietChannel(deps, name)) < 0) return resolved;
  const expected = payers.expectedBalances().map(String);
  for (const member of deps.cluster.channels[name].members) {
    const view = await memberView(member.url);
    const actual = view?.latest.state.balances.map(String) ?? null;
    if (actual === null || actual.some((balance, index) => balance !== expected[index])) {
      deps.violations.add('acknowledged-payment-missing', { channel: name, member: member.name, expected, actual, acknowledged: payers.acknowledged });
    }
  }
  return resolved;
}

/** Asks every member for a spread of versions and the watchtower for its best state; the observer flags any two that differ. */
async function checkCertificatesAgree({ cluster, l2Observer }: FinalCheckDeps, name: ChannelName): Promise<void> {
  const channel = cluster.channels[name];
  const latest = (await memberView(channel.members[0]!.url))?.latest.state.version ?? 0;
  const step = Math.max(1, Math.floor(latest / VERSIONS_ASKED));
  const versions = new Set<number>([latest, ...l2Observer.versionsSeen(name).filter((_, index) => index % step === 0)]);
  for (let version = 0; version <= latest; version += step) versions.add(version);
  for (const [index, member] of channel.members.entries()) {
    for (const version of versions) {
      try {
        l2Observer.record(name, await channel.client(index).state(version), member.name);
      } catch {
        // A member need not keep every old certificate; the ones it has must agree.
      }
    }
  }
  const watched = await watchedChannel(cluster.watchtower.url, channel.id);
  if (watched?.best) l2Observer.record(name, certificateFromWire(watched.best), 'watchtower');
}

/** Closes the channel cooperatively; the L1 record and the members' accounts must show exactly the final balances. */
async function checkCooperativeClose({ cluster, violations }: FinalCheckDeps, name: ChannelName): Promise<boolean> {
  const channel = cluster.channels[name];
  const final = (await memberView(channel.members[0]!.url))?.latest.state;
  if (final === undefined) {
    violations.add('settlement-mismatch', { channel: name, what: 'member 0 does not answer before the close' });
    return false;
  }
  const balances = channelStateFromWire(final).balances;
  const replica = createClient({ genesis: cluster.genesis, urls: [cluster.urls[0]!], resultConfirmations: 1 });
  const before = await Promise.all(channel.keys.map((key) => replica.getAccount(key.address)));
  await channel.client(channel.keys.length - 1).close();
  const deadline = Date.now() + CLOSE_BOUND_MS;
  for (;;) {
    const record = await replica.getChannel(channel.id);
    if (record.status === 'closed') {
      const settled = record.settledBalances?.map(String) ?? null;
      if (settled === null || settled.some((balance, index) => balance !== String(balances[index]))) {
        violations.add('settlement-mismatch', { channel: name, final: balances.map(String), settled });
      }
      const after = await Promise.all(channel.keys.map((key) => replica.getAccount(key.address)));
      after.forEach((account, index) => {
        const paid = account.balance - before[index]!.balance;
        if (paid !== balances[index]) violations.add('settlement-mismatch', { channel: name, member: index, paid: String(paid), final: String(balances[index]) });
      });
      return true;
    }
    if (Date.now() > deadline) {
      violations.add('settlement-mismatch', { channel: name, what: `not closed within ${CLOSE_BOUND_MS} ms`, status: record.status });
      return false;
    }
    await sleep(200);
  }
}
