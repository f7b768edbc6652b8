// A member that goes silent (its process paused with SIGSTOP: alive, holding
// its connections, answering nothing): a payment waits for its signature;
// after the progress timeout the others wedge, terminate with the latest
// certificate, and the channel settles there. The pending payment never
// commits, and nothing beyond the latest certificate is ever completed.
import type { Scenario } from './scenario.ts';
import { checkPayout } from './payout.ts';
import { L2Error } from '../lib/l2-http.ts';

const FUNDED = 10_000n;
const DEPOSITS = [1_000n, 1_000n, 1_000n];
const PROGRESS_TIMEOUT_MS = 1_500;

export const scenario: Scenario = {
  name: 'silent-member',
  description: 'one member of a 3-member star goes silent; the others wedge after the progress timeout, terminate and settle at the latest state',
  async run(ctx) {
    const members = await ctx.fundedAccounts(3, FUNDED);
    const channel = await ctx.openChannel({ members, deposits: DEPOSITS, topology: 'star', challengeBlocks: 10, progressTimeoutMs: PROGRESS_TIMEOUT_MS });
    await ctx.pay(channel, 0, 1, 300n);
    const last = await ctx.pay(channel, 2, 0, 100n);
    const latest = await ctx.agreed(channel, last);
    ctx.fact('lastVersion', last);
    ctx.fact('lastBalances', latest.map(String));

    ctx.pauseMember(channel, 2, true);
    try {
      const started = Date.now();
      let outcome: string;
      try {
        outcome = `committed at version ${await ctx.pay(channel, 0, 1, 10n)}`;
      } catch (error) {
        outcome = error instanceof L2Error ? error.code : String(error);
      }
      ctx.fact('pendingPayment', outcome);
      ctx.check('the payment that needed the silent member did not commit', !outcome.startsWith('committed'), { outcome, afterMs: Date.now() - started });

      const views = await ctx.waitFor('members 0 and 1 to wedge', async () => {
        const both = await Promise.all([0, 1].map((member) => ctx.view(channel, member)));
        return both.every((view) => view.wedged !== null) ? both : undefined;
      });
      ctx.fact('wedgeReasons', views.map((view) => view.wedged));
      ctx.check(
        'the responsive members wedged (progress timeout, or L1 frozen by the other)',
        views.some((view) => view.wedged === 'progress-timeout') && views.every((view) => view.wedged === 'progress-timeout' || view.wedged === 'l1-frozen'),
        { wedged: views.map((view) => view.wedged) },
      );
      ctx.check(`they hold no state beyond version ${last}`, views.every((view) => view.latest.state.version === last), {
        versions: views.map((view) => view.latest.state.version),
      });

      const record = await ctx.closed(channel, 0);
      ctx.check(`L1 settled by dispute at version ${last}`, record.closedBy === 'dispute' && record.recorded.version === last, {
        closedBy: record.closedBy,
        version: record.recorded.version,
      });
      await checkPayout(ctx, { record, members, funded: FUNDED, deposits: DEPOSITS, expected: latest });
    } finally {
      ctx.pauseMember(channel, 2, false);
    }
    const woken = await ctx.waitFor('the silent member to answer again', () => ctx.view(channel, 2));
    ctx.check(`the silent member, resumed, holds no certificate beyond version ${last}`, woken.latest.state.version <= last, { version: woken.latest.state.version });
  },
};
