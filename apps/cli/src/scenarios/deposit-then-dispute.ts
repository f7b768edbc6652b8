// Deposit-then-dispute: a member tops up while the channel is open, and
// another member terminates at once with a state that predates the deposit
// (no state accounts for it yet when L1 records the termination). Settlement
// pays the recorded balances plus the deposit no state accounts for, back to
// its owner: a deposit is never lost.
import type { Scenario } from './scenario.ts';
import { checkSplicedPayout } from './payout.ts';

const FUNDED = 10_000n;
const DEPOSITS = [1_000n, 1_000n];
const TOP_UP = 400n;

export const scenario: Scenario = {
  name: 'deposit-then-dispute',
  description: 'a 2-member star; member 0 is offline, member 1 tops up 400 and terminates with a state that predates it; settlement refunds the deposit',
  async run(ctx) {
    const members = await ctx.fundedAccounts(2, FUNDED);
    const channel = await ctx.openChannel({ members, deposits: DEPOSITS, topology: 'star', challengeBlocks: 20 });
    const version = await ctx.pay(channel, 0, 1, 250n);
    const latest = await ctx.agreed(channel, version);
    // The sequencer is gone: no state can take the deposit in.
    await ctx.stopMember(channel, 0);
    const deposited = await ctx.depositOnly(channel, 1, TOP_UP);
    ctx.fact('depositHeight', deposited.height);
    const view = await ctx.view(channel, 1);
    ctx.check('no certificate accounts for the deposit', BigInt(view.latest.state.deposited[1]!) === DEPOSITS[1], { deposited: view.latest.state.deposited });
    await ctx.wedge(channel, 1);
    const frozen = await ctx.waitForL1(channel, 'frozen', (record) => record.status !== 'open');
    ctx.check(`member 1 terminated with version ${version}, which predates the deposit`, frozen.recorded.version === version && frozen.recorded.deposited[1] === DEPOSITS[1], {
      recorded: frozen.recorded.version,
      deposited: frozen.recorded.deposited.map(String),
    });
    const record = await ctx.closed(channel, 1);
    const expected = [latest[0]!, latest[1]! + TOP_UP];
    ctx.check('settlement credits the deposit the recorded state does not account for', record.settledBalances?.[1] === expected[1], {
      settled: record.settledBalances?.map(String),
      expected: expected.map(String),
    });
    await checkSplicedPayout(ctx, { record, members, funded: FUNDED, putIn: [DEPOSITS[0]!, DEPOSITS[1]! + TOP_UP], withdrawn: [0n, 0n], expected });
  },
};
