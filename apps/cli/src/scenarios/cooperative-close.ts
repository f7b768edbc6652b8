// Cooperative close: payments, then a member asks to close; every member
// signs a final state that repeats the latest balances and L1 pays it out at
// once — no challenge window, no deadline.
import type { Scenario } from './scenario.ts';
import { checkPayout } from './payout.ts';

const FUNDED = 10_000n;
const DEPOSITS = [1_000n, 1_000n];

export const scenario: Scenario = {
  name: 'cooperative-close',
  description: 'payments in a 2-member star channel, then a cooperative close that L1 settles at once at the latest balances',
  async run(ctx) {
    const members = await ctx.fundedAccounts(2, FUNDED);
    const channel = await ctx.openChannel({ members, deposits: DEPOSITS, topology: 'star' });
    let version = 0;
    for (const [from, to, amount] of [[0, 1, 300n], [1, 0, 100n], [0, 1, 50n]] as const) version = await ctx.pay(channel, from, to, amount);
    const expected = await ctx.agreed(channel, version);
    ctx.fact('paymentsVersion', version);
    ctx.check('3 payments committed at versions 1..3, balances [750, 1250]', version === 3 && expected[0] === 750n && expected[1] === 1_250n, { version, balances: expected.map(String) });

    const requestedAt = (await ctx.client.getStatus()).height;
    await ctx.requestClose(channel, 1);
    const record = await ctx.waitForL1(channel, 'closed', (entry) => entry.status === 'closed');
    ctx.fact('finalVersion', record.recorded.version);
    ctx.fact('closedAt', record.closedAt);
    ctx.check('L1 closed the channel cooperatively', record.closedBy === 'cooperative', { closedBy: record.closedBy });
    ctx.check('the recorded state is final, one version above the last payment', record.recorded.final && record.recorded.version === version + 1, {
      version: record.recorded.version,
      final: record.recorded.final,
    });
    ctx.check('no dispute window was needed (no deadline was ever set)', record.deadline === null, { deadline: record.deadline, requestedAt, closedAt: record.closedAt });
    await checkPayout(ctx, { record, members, funded: FUNDED, deposits: DEPOSITS, expected });
  },
};
