// Splice-in: a member tops an open channel up (channel.deposit), the members
// take the deposit into the next state once L1 shows it final, payments
// spend it off-chain, and then a dispute — the depositor terminates with the
// state from before it spent the deposit — is challenged with the newest certificate and
// settles on it: every member is paid what the payments and the deposit imply.
import type { Scenario } from './scenario.ts';
import { checkSplicedPayout } from './payout.ts';

const FUNDED = 10_000n;
const DEPOSITS = [1_000n, 1_000n];
const TOP_UP = 700n;

export const scenario: Scenario = {
  name: 'splice-in',
  description: 'a 2-member star; member 1 tops up 700 and spends it off-chain, then terminates with the state before it spent it; member 0 challenges and the dispute settles on the newest state',
  async run(ctx) {
    const members = await ctx.fundedAccounts(2, FUNDED);
    const channel = await ctx.openChannel({ members, deposits: DEPOSITS, topology: 'star', challengeBlocks: 20 });
    await ctx.pay(channel, 0, 1, 100n);
    const { version: toppedUp } = await ctx.deposit(channel, 1, TOP_UP);
    const afterDeposit = await ctx.agreed(channel, toppedUp);
    ctx.fact('depositVersion', toppedUp);
    ctx.check('the state after the deposit credits it to member 1', afterDeposit[1] === DEPOSITS[1]! + 100n + TOP_UP, { balances: afterDeposit.map(String) });
    // Member 1 spends more than it had before the top-up: only the deposit makes this payment possible.
    const spent = await ctx.pay(channel, 1, 0, 1_500n);
    const newest = await ctx.pay(channel, 0, 1, 50n);
    const latest = await ctx.agreed(channel, newest);
    ctx.check('member 1 spent the deposit off-chain', spent === toppedUp + 1, { spent, toppedUp });
    ctx.fact('newestVersion', newest);
    ctx.fact('newestBalances', latest.map(String));

    // Member 1 cheats with the state right after its deposit, before it spent it: it would get the deposit back twice over.
    const stale = await ctx.certificate(channel, toppedUp);
    await ctx.stopMember(channel, 1);
    const terminated = await ctx.terminateWith(channel, 1, toppedUp, stale);
    ctx.check('L1 accepted the stale termination (it accounts for the deposit L1 holds)', terminated.code === 'OK', { code: terminated.code });
    const challenged = await ctx.waitForL1(channel, `recorded version ${newest}`, (record) => record.recorded.version === newest);
    ctx.check(`member 0 challenged with version ${newest}`, challenged.recorded.version === newest, { recorded: challenged.recorded.version });
    const record = await ctx.closed(channel, 0);
    ctx.check('L1 closed the channel by dispute at the newest version', record.closedBy === 'dispute' && record.recorded.version === newest, {
      closedBy: record.closedBy,
      version: record.recorded.version,
    });
    ctx.check('the L1 record holds the deposit', record.deposited[1] === DEPOSITS[1]! + TOP_UP, { deposited: record.deposited.map(String) });
    await checkSplicedPayout(ctx, { record, members, funded: FUNDED, putIn: [DEPOSITS[0]!, DEPOSITS[1]! + TOP_UP], withdrawn: [0n, 0n], expected: latest });
  },
};
