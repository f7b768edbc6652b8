// Splice-out: a member withdraws part of its balance while the channel stays
// open (a certified state moves it out; channel.withdraw pays it and raises
// the version floor to that state's version or later). Then a member
// terminates with a state from before the withdrawal: L1 refuses it below
// the floor (STALE_STATE), so no older state can undo the withdrawal. The
// channel goes on and closes cooperatively.
import type { Scenario } from './scenario.ts';
import { checkSplicedPayout } from './payout.ts';

const FUNDED = 10_000n;
const DEPOSITS = [1_000n, 1_000n];
const WITHDRAWAL = 600n;

export const scenario: Scenario = {
  name: 'splice-out',
  description: 'a 2-member star; member 0 withdraws 600; a termination with a state from before it is refused below the floor; the channel closes cooperatively',
  async run(ctx) {
    const members = await ctx.fundedAccounts(2, FUNDED);
    const channel = await ctx.openChannel({ members, deposits: DEPOSITS, topology: 'star', challengeBlocks: 20 });
    const beforeWithdrawal = await ctx.pay(channel, 1, 0, 300n);
    const { version: withdrawnAt, record: paid } = await ctx.withdraw(channel, 0, WITHDRAWAL);
    ctx.fact('withdrawalVersion', withdrawnAt);
    ctx.fact('floor', paid.floor);
    ctx.check('L1 paid the withdrawal and raised the floor to its state or later', paid.withdrawn[0] === WITHDRAWAL && paid.floor >= withdrawnAt, {
      withdrawn: paid.withdrawn.map(String),
      floor: paid.floor,
      withdrawnAt,
    });

    // Member 1 tries to undo it: a termination with the state from before the withdrawal, which gave member 0 the 600 still in the channel.
    const stale = await ctx.certificate(channel, beforeWithdrawal);
    const refused = await ctx.terminateWith(channel, 1, beforeWithdrawal, stale).catch((error: { code?: string }) => ({ code: error.code ?? 'ERROR', height: null }));
    ctx.fact('staleTerminationCode', refused.code);
    ctx.check(`a termination with version ${beforeWithdrawal} (below the floor) is refused STALE_STATE`, refused.code === 'STALE_STATE', { code: refused.code });
    const open = await ctx.l1(channel);
    ctx.check('the channel is still open', open.status === 'open', { status: open.status });

    const last = await ctx.pay(channel, 0, 1, 100n);
    const latest = await ctx.agreed(channel, last);
    await ctx.requestClose(channel, 0);
    const record = await ctx.closed(channel);
    ctx.check('closed cooperatively', record.closedBy === 'cooperative', { closedBy: record.closedBy });
    await checkSplicedPayout(ctx, { record, members, funded: FUNDED, putIn: DEPOSITS, withdrawn: [WITHDRAWAL, 0n], expected: latest });
  },
};
