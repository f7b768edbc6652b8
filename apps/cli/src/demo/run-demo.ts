// The demo, phase by phase, over real processes on 127.0.0.1: an L1 network
// of 4 PBFT replicas, a watchtower, a 2-member star channel and a 3-member
// chain channel; a stream of off-chain payments; a dispute on the star (a
// member tries to undo its last payment by terminating with the state before
// it; the honest member and the watchtower challenge; settlement pays the
// newest balances); and a cooperative close of the chain. Every claim the
// summary makes is a recorded check.
import { resolveKey } from '../lib/accounts.ts';
import type { ChannelEntry } from '../lib/channel-registry.ts';
import { readGenesis, type Home } from '../lib/home.ts';
import { watchedChannel } from '../lib/l2-http.ts';
import { clientOf, createNetworkIfMissing, startReplicas, waitForReplicas } from '../lib/network.ts';
import { ScenarioContext } from '../lib/scenario-context.ts';
import { ProgressBar } from './progress-bar.ts';
import { streamPayments } from './payment-stream.ts';

export const DEPOSIT = 1_000_000n;
/** The star's last payment, which its payer then tries to undo with a stale termination. */
export const UNDONE_PAYMENT = 250_000n;
const CONCURRENCY_PER_CHANNEL = 12;
const CHALLENGE_BLOCKS = 20;

export type ChannelReport = {
  id: string;
  members: number;
  names: string[];
  topology: 'star' | 'chain';
  payments: number;
  finalVersion: number;
  closedBy: 'cooperative' | 'dispute' | null;
  settled: boolean;
  settledBalances: string[];
};

export type DisputeReport = { staleVersion: number; newestVersion: number; terminatedAt: number; deadline: number; challengedAt: number; staleChallengeCode: string; settledAt: number };

export type DemoRun = {
  ctx: ScenarioContext;
  startedReplicas: string[];
  channels: ChannelReport[];
  dispute: DisputeReport | null;
  closeHeight: number | null;
  balances: { name: string; before: bigint; after: bigint }[];
  supplyBefore: bigint;
  supplyAfter: bigint;
  paymentsPerSecond: number;
  l1Height: number;
  phasesMs: Record<string, number>;
};

type Narrate = (line: string) => void;

async function timed<T>(phases: Record<string, number>, name: string, task: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await task();
  } finally {
    phases[name] = Date.now() - started;
  }
}

/** Every genesis account's balance, each as of block `minHeight` or later (see ScenarioContext.balance). */
async function genesisBalances(ctx: ScenarioContext, minHeight = 0): Promise<{ name: string; address: string; balance: bigint }[]> {
  const genesis = readGenesis(ctx.home);
  return Promise.all(
    genesis.accounts.map(async (account, index) => ({ name: `account-${index}`, address: account.address, balance: await ctx.balance(account.address, minHeight) })),
  );
}

function report(channel: ChannelEntry, payments: number, finalVersion: number): ChannelReport {
  return {
    id: channel.id,
    members: channel.members.length,
    names: channel.members.map((member) => member.name),
    topology: channel.topology,
    payments,
    finalVersion,
    closedBy: null,
    settled: false,
    settledBalances: [],
  };
}

export async function runDemo(home: Home, payments: number, showProgress: boolean, narrate: Narrate, onContext: (ctx: ScenarioContext, started: string[]) => void): Promise<DemoRun> {
  const phasesMs: Record<string, number> = {};
  const startedReplicas: string[] = [];
  const client = await timed(phasesMs, 'network', async () => {
    await createNetworkIfMissing(home, { replicas: 4, accounts: 8, basePort: null }, {});
    startedReplicas.push(...startReplicas(home));
    await waitForReplicas(home);
    return clientOf(home);
  });
  const ctx = new ScenarioContext(home, client, readGenesis(home).chainId, 'demo', () => {});
  onContext(ctx, startedReplicas);
  narrate(`  network    4 PBFT replicas answer (f = 1), in ${(phasesMs.network! / 1000).toFixed(1)} s`);
  const before = await genesisBalances(ctx);
  const supplyBefore = before.reduce((sum, entry) => sum + entry.balance, 0n);

  const { star, chain, tower } = await timed(phasesMs, 'channels', async () => {
    const watchtower = await ctx.watchtower();
    const key = (index: number) => resolveKey(home, `account-${index}`);
    const [starChannel, chainChannel] = await Promise.all([
      ctx.openChannel({ members: [key(0), key(1)], deposits: [DEPOSIT, DEPOSIT], topology: 'star', challengeBlocks: CHALLENGE_BLOCKS, watchtower: watchtower.url }),
      ctx.openChannel({ members: [key(2), key(3), key(4)], deposits: [DEPOSIT, DEPOSIT, DEPOSIT], topology: 'chain', challengeBlocks: CHALLENGE_BLOCKS }),
    ]);
    return { star: starChannel, chain: chainChannel, tower: watchtower };
  });
  narrate(`  channels   star  ${star.id.slice(0, 12)}…  account-0, account-1 (deposits ${DEPOSIT} each; watchtower ${tower.url})`);
  narrate(`             chain ${chain.id.slice(0, 12)}…  account-2 → account-3 → account-4 (deposits ${DEPOSIT} each)`);

  const starCount = Math.floor(payments / 2);
  const bar = new ProgressBar('payments', payments, showProgress);
  const streams = await timed(phasesMs, 'payments', async () => {
    const results = await Promise.all([
      streamPayments(ctx, star, starCount, CONCURRENCY_PER_CHANNEL, () => bar.tick()),
      streamPayments(ctx, chain, payments - starCount, CONCURRENCY_PER_CHANNEL, () => bar.tick()),
    ]);
    bar.finish();
    return results;
  });
  const paymentsPerSecond = payments / Math.max(0.001, phasesMs.payments! / 1000);
  const [starStream, chainStream] = streams as [typeof streams[0], typeof streams[0]];
  const chainBalances = await ctx.agreed(chain, chainStream.maxVersion);
  ctx.check('every chain member holds the balances the payments lead to', chainBalances.every((balance, index) => balance === chainStream.balances[index]), {
    held: chainBalances.map(String),
    expected: chainStream.balances.map(String),
  });
  narrate(`  payments   ${payments} off-chain payments in ${(phasesMs.payments! / 1000).toFixed(1)} s (${paymentsPerSecond.toFixed(0)}/s): star at version ${starStream.maxVersion}, chain at version ${chainStream.maxVersion}`);

  const starReport = report(star, starCount + 1, 0);
  const chainReport = report(chain, payments - starCount, chainStream.maxVersion);
  const dispute = await timed(phasesMs, 'dispute', () => disputeStar(ctx, star, tower.url, starStream.balances, starReport, narrate));
  const closeHeight = await timed(phasesMs, 'close', () => closeChain(ctx, chain, chainBalances, chainReport, narrate));

  // After the last block that moved funds: read earlier, a replica still behind would make the supply look changed.
  const after = await genesisBalances(ctx, Math.max(dispute.settledAt, closeHeight ?? 0));
  const supplyAfter = after.reduce((sum, entry) => sum + entry.balance, 0n);
  ctx.check('L1 balances sum to the genesis supply after both channels closed (conservation)', supplyAfter === supplyBefore, {
    before: String(supplyBefore),
    after: String(supplyAfter),
  });
  const l1Height = (await client.getStatus()).height;
  return {
    ctx,
    startedReplicas,
    channels: [starReport, chainReport],
    dispute,
    closeHeight,
    balances: before.slice(0, 5).map((entry, index) => ({ name: entry.name, before: entry.balance, after: after[index]!.balance })),
    supplyBefore,
    supplyAfter,
    paymentsPerSecond,
    l1Height,
    phasesMs,
  };
}

async function disputeStar(ctx: ScenarioContext, star: ChannelEntry, towerUrl: string, streamed: bigint[], out: ChannelReport, narrate: Narrate): Promise<DisputeReport> {
  const newest = await ctx.pay(star, 0, 1, UNDONE_PAYMENT);
  const balances = await ctx.agreed(star, newest);
  ctx.check('the star members hold the balances the payments lead to', balances[0] === streamed[0]! - UNDONE_PAYMENT && balances[1] === streamed[1]! + UNDONE_PAYMENT, {
    held: balances.map(String),
  });
  await ctx.waitFor('the watchtower to hold the newest star state', async () => (await watchedChannel(towerUrl, star.id)).best?.state.version === newest);
  const staleVersion = newest - 1;
  narrate(`  dispute    account-0 pays account-1 ${UNDONE_PAYMENT} (version ${newest}), stops its member process,`);
  narrate(`             and terminates on L1 with version ${staleVersion} — the state before that payment`);
  const stale = await ctx.certificate(star, staleVersion, 1);
  await ctx.stopMember(star, 0);
  const terminated = await ctx.terminateWith(star, 0, staleVersion, stale);
  ctx.check('L1 accepted the stale termination (it is fully signed)', terminated.code === 'OK', { code: terminated.code });
  const frozen = await ctx.l1(star);
  const overridden = await ctx.waitForL1(star, `recorded version ${newest}`, (record) => record.recorded.version === newest);
  const challengedAt = (await ctx.client.getStatus()).height;
  ctx.check('the honest side challenged with the newest state before the deadline', overridden.recorded.version === newest && challengedAt < frozen.deadline!, {
    challengedAt,
    deadline: frozen.deadline,
  });
  // staleVersion >= 1: the stream made at least one version before the undone payment.
  const older = (await ctx.certificate(star, staleVersion, 1))!;
  const staleChallengeCode = await ctx.challengeWith(star, 0, older).then(
    (final) => final.code as string,
    (error: { code?: string }) => error.code ?? 'ERROR',
  );
  ctx.check(`a second try with version ${staleVersion} is refused with STALE_STATE`, staleChallengeCode === 'STALE_STATE', { code: staleChallengeCode });
  narrate(`             → frozen at height ${terminated.height}, deadline ${frozen.deadline}; challenged with version ${newest} at height ${challengedAt}`);
  narrate(`             → a second try with version ${staleVersion} is refused: ${staleChallengeCode}`);
  const record = await ctx.closed(star, 1);
  const settled = record.settledBalances ?? [];
  ctx.check('the dispute settled at the newest balances', record.closedBy === 'dispute' && settled.every((balance, index) => balance === balances[index]), {
    settled: settled.map(String),
    newest: balances.map(String),
  });
  Object.assign(out, { finalVersion: record.recorded.version, closedBy: record.closedBy, settled: record.status === 'closed', settledBalances: settled.map(String) });
  narrate(`             → settled at height ${record.closedAt}: account-0 ${settled[0]}, account-1 ${settled[1]} (version ${record.recorded.version}, not ${staleVersion})`);
  return { staleVersion, newestVersion: newest, terminatedAt: terminated.height, deadline: frozen.deadline!, challengedAt, staleChallengeCode, settledAt: record.closedAt! };
}

async function closeChain(ctx: ScenarioContext, chain: ChannelEntry, balances: bigint[], out: ChannelReport, narrate: Narrate): Promise<number | null> {
  await ctx.requestClose(chain, 0);
  const record = await ctx.waitForL1(chain, 'closed', (entry) => entry.status === 'closed');
  const settled = record.settledBalances ?? [];
  ctx.check('the chain closed cooperatively at its latest balances, without a challenge window', record.closedBy === 'cooperative' && record.deadline === null && settled.every((balance, index) => balance === balances[index]), {
    closedBy: record.closedBy,
    settled: settled.map(String),
  });
  Object.assign(out, { finalVersion: record.recorded.version, closedBy: record.closedBy, settled: record.status === 'closed', settledBalances: settled.map(String) });
  narrate(`  close      chain closed cooperatively at height ${record.closedAt} with final version ${record.recorded.version}: ${settled.map((balance, index) => `${chain.members[index]!.name} ${balance}`).join(', ')}`);
  return record.closedAt;
}
