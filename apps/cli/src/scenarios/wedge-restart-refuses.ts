// Wedging is durable: a member wedges, its process is restarted, and it
// still refuses to sign anything new — payments through it are refused with
// WEDGED, and no state beyond the last one it signed is ever completed. Its
// termination then settles the channel at that state.
import type { Scenario } from './scenario.ts';
import { checkPayout } from './payout.ts';
import { L2Error } from '../lib/l2-http.ts';

const FUNDED = 10_000n;
const DEPOSITS = [1_000n, 1_000n];

async function payOutcome(promise: Promise<number>): Promise<string> {
  try {
    return `committed at version ${await promise}`;
  } catch (error) {
    return error instanceof L2Error ? error.code : String(error);
  }
}

export const scenario: Scenario = {
  name: 'wedge-restart-refuses',
  description: 'a member wedges and is restarted from disk; it still refuses to sign, so no newer state completes; the channel settles at its last state',
  async run(ctx) {
    const members = await ctx.fundedAccounts(2, FUNDED);
    const channel = await ctx.openChannel({ members, deposits: DEPOSITS, topology: 'star', challengeBlocks: 12 });
    await ctx.pay(channel, 0, 1, 120n);
    const last = await ctx.pay(channel, 1, 0, 20n);
    const latest = await ctx.agreed(channel, last);
    ctx.fact('lastVersion', last);
    ctx.fact('lastBalances', latest.map(String));

    await ctx.wedge(channel, 1);
    const before = await ctx.view(channel, 1);
    ctx.check('member 1 is wedged (user request)', before.wedged === 'user', { wedged: before.wedged, signedVersion: before.signed.version });

    await ctx.stopMember(channel, 1);
    await ctx.startMember(channel, 1);
    const after = await ctx.view(channel, 1);
    ctx.fact('signedVersionAfterRestart', after.signed.version);
    ctx.check('after the restart it is still wedged, at the same signed version', after.wedged === 'user' && after.signed.version === before.signed.version, {
      wedged: after.wedged,
      signedBefore: before.signed.version,
      signedAfter: after.signed.version,
    });

    const viaWedged = await payOutcome(ctx.pay(channel, 1, 0, 5n));
    ctx.fact('paymentViaWedgedMember', viaWedged);
    ctx.check('a payment through the restarted member is refused with WEDGED', viaWedged === 'WEDGED', { outcome: viaWedged });
    const viaOther = await payOutcome(ctx.pay(channel, 0, 1, 5n));
    ctx.fact('paymentViaOtherMember', viaOther);
    ctx.check('a payment through the other member does not commit', !viaOther.startsWith('committed'), { outcome: viaOther });

    const views = await Promise.all([0, 1].map((member) => ctx.view(channel, member)));
    ctx.check(`no member holds a state beyond version ${last}`, views.every((view) => view.latest.state.version === last), {
      versions: views.map((view) => view.latest.state.version),
    });
    ctx.check(`the wedged member never signed beyond version ${last}`, views[1]!.signed.version === last, { signed: views[1]!.signed.version });

    const record = await ctx.closed(channel, 1);
    ctx.check(`the wedged member's termination settled the channel at version ${last}`, record.closedBy === 'dispute' && record.recorded.version === last, {
      closedBy: record.closedBy,
      version: record.recorded.version,
      terminatedBy: record.terminatedBy,
    });
    await checkPayout(ctx, { record, members, funded: FUNDED, deposits: DEPOSITS, expected: latest });
  },
};
