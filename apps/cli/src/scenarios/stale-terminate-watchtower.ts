// Stale termination while the honest member is offline: the members push
// every certificate to a watchtower; then both member processes are gone
// (the honest one offline, the cheater acting from its key alone) and the
// cheater terminates with an old state. The watchtower, holding no member
// key, challenges with the newest certificate from its own L1 account, and
// the honest member is paid its newest balance without ever coming back.
import type { Scenario } from './scenario.ts';
import { checkPayout } from './payout.ts';
import { watchedChannel } from '../lib/l2-http.ts';

const FUNDED = 10_000n;
const DEPOSITS = [2_000n, 500n];

export const scenario: Scenario = {
  name: 'stale-terminate-watchtower',
  description: 'the honest member is offline; its watchtower challenges a stale termination and the settlement pays the newest balances',
  async run(ctx) {
    const tower = await ctx.watchtower();
    const towerNonceBefore = (await ctx.client.getAccount(tower.address)).nonce;
    const members = await ctx.fundedAccounts(2, FUNDED);
    const channel = await ctx.openChannel({ members, deposits: DEPOSITS, topology: 'star', challengeBlocks: 14, watchtower: tower.url });
    await ctx.pay(channel, 0, 1, 100n);
    await ctx.pay(channel, 0, 1, 700n);
    const newest = await ctx.pay(channel, 1, 0, 50n);
    const latest = await ctx.agreed(channel, newest);
    ctx.fact('newestVersion', newest);
    ctx.fact('newestBalances', latest.map(String));
    const held = await ctx.waitFor(`the watchtower to hold version ${newest}`, async () => {
      const watched = await watchedChannel(tower.url, channel.id);
      return watched.best !== null && watched.best.state.version === newest ? watched.best.state.version : undefined;
    });
    ctx.check(`the watchtower holds the newest certificate (version ${newest})`, held === newest, { held });

    const stale = await ctx.certificate(channel, 1);
    await ctx.stopMember(channel, 1);
    await ctx.stopMember(channel, 0);
    ctx.log('with both member processes down, member 0 terminates with version 1 from its key');
    const terminated = await ctx.terminateWith(channel, 0, 1, stale);
    ctx.check('L1 accepted the stale termination', terminated.code === 'OK', { code: terminated.code, height: terminated.height });
    const frozen = await ctx.l1(channel);
    ctx.fact('deadline', frozen.deadline);

    const challenged = await ctx.waitForL1(channel, `recorded version ${newest}`, (record) => record.recorded.version === newest);
    ctx.check(`the watchtower challenged with version ${newest} before the deadline`, challenged.recorded.version === newest, {
      recorded: challenged.recorded.version,
      deadline: frozen.deadline,
    });
    // The record above may come from a replica a block ahead of the one asked next: wait (bounded) for the
    // watchtower's account to show the transaction, rather than read it once from whichever replica answers.
    const towerNonce = await ctx
      .waitFor('the watchtower’s account to show its challenge', async () => {
        const nonce = (await ctx.client.getAccount(tower.address)).nonce;
        return nonce > towerNonceBefore ? nonce : undefined;
      }, 10_000)
      .catch(() => towerNonceBefore);
    ctx.check('the challenge came from the watchtower’s own L1 account', towerNonce > towerNonceBefore, { nonceBefore: towerNonceBefore, nonceAfter: towerNonce });

    // No member runs: the watchtower settles after the deadline (or the scenario does, as anyone may).
    const record = await ctx.closed(channel, 0);
    ctx.check('L1 closed the channel by dispute at the newest version', record.closedBy === 'dispute' && record.recorded.version === newest, {
      closedBy: record.closedBy,
      version: record.recorded.version,
    });
    await checkPayout(ctx, { record, members, funded: FUNDED, deposits: DEPOSITS, expected: latest });
  },
};
