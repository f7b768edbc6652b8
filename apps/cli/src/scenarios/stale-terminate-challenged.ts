// Stale termination, challenged by the honest members: a cheating member
// stops its process and terminates on L1 with an old state that paid it more;
// the honest members see the channel frozen, wedge, and challenge with the
// newest certificate before the deadline; a stale challenge is refused; the
// settlement pays the newest balances.
import type { Scenario } from './scenario.ts';
import { checkPayout } from './payout.ts';

const FUNDED = 10_000n;
const DEPOSITS = [1_000n, 1_000n, 1_000n];

export const scenario: Scenario = {
  name: 'stale-terminate-challenged',
  description: 'a 3-member chain; member 0 terminates with an old state; the honest members challenge with the newest one and it settles',
  async run(ctx) {
    const members = await ctx.fundedAccounts(3, FUNDED);
    const channel = await ctx.openChannel({ members, deposits: DEPOSITS, topology: 'chain', challengeBlocks: 20 });
    // Version 1 pays member 0; later versions pay it all back and more: version 1 is the one a cheater wants.
    await ctx.pay(channel, 1, 0, 400n);
    await ctx.pay(channel, 0, 2, 600n);
    await ctx.pay(channel, 0, 1, 200n);
    const newest = await ctx.pay(channel, 2, 1, 50n);
    const latest = await ctx.agreed(channel, newest);
    ctx.fact('newestVersion', newest);
    ctx.fact('newestBalances', latest.map(String));
    const stale = await ctx.certificate(channel, 1);
    ctx.fact('staleBalances', stale!.state.balances.map(String));

    await ctx.stopMember(channel, 0);
    ctx.log('member 0 terminates with version 1');
    const terminated = await ctx.terminateWith(channel, 0, 1, stale);
    ctx.check('L1 accepted the stale termination (version 1 is fully signed)', terminated.code === 'OK', { code: terminated.code, height: terminated.height });
    const frozen = await ctx.l1(channel);
    ctx.fact('deadline', frozen.deadline);

    const challenged = await ctx.waitForL1(channel, `recorded version ${newest}`, (record) => record.recorded.version === newest);
    const height = (await ctx.client.getStatus()).height;
    ctx.check(`the honest members challenged with version ${newest} before the deadline`, challenged.recorded.version === newest && frozen.deadline !== null, {
      recorded: challenged.recorded.version,
      deadline: frozen.deadline,
      height,
    });
    // Each member follows L1 on its own clock: wait (bounded) until both have seen the freeze.
    const views = await ctx.waitFor('members 1 and 2 to wedge on the freeze', async () => {
      const both = await Promise.all([1, 2].map((member) => ctx.view(channel, member)));
      return both.every((view) => view.wedged !== null) ? both : undefined;
    });
    ctx.check('both honest members wedged on seeing the channel frozen', views.every((view) => view.wedged !== null), { wedged: views.map((view) => view.wedged) });

    const older = await ctx.certificate(channel, newest - 1, 1);
    const refused = await ctx.challengeWith(channel, 0, older!).catch((error: { code?: string }) => ({ code: error.code ?? 'ERROR', height: null }));
    ctx.fact('staleChallengeCode', refused.code);
    ctx.check(`a challenge with the older version ${newest - 1} is refused with STALE_STATE`, refused.code === 'STALE_STATE', { code: refused.code });

    const record = await ctx.closed(channel, 1);
    ctx.check('L1 closed the channel by dispute at the newest version', record.closedBy === 'dispute' && record.recorded.version === newest, {
      closedBy: record.closedBy,
      version: record.recorded.version,
    });
    await checkPayout(ctx, { record, members, funded: FUNDED, deposits: DEPOSITS, expected: latest });
  },
};
