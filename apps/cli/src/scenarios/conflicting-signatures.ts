// A Byzantine sequencer that signs conflicting states: for the same version it
// proposes one state to member 1 and a different one to member 2, each signed
// by itself, and collects their votes. Each honest member signs only the
// first state it is shown for that version and refuses (and wedges on) the
// other, so the best the Byzantine can assemble are two half-signed states,
// which L1 rejects with BAD_SIGNATURE. No conflicting certificate forms, and
// the channel settles at the last real certificate.
import { channelStateHash, signChannelState, type ChannelState } from '@wedge/ledger';
import { commandsHash, type Payment } from '@wedge/channel';
import { toHex } from '@wedge/common';
import { channelStateFromWire } from '@wedge/api';
import { fastSecp256k1 } from '@wedge/crypto/node';
import type { Scenario } from './scenario.ts';
import { checkPayout } from './payout.ts';
import { ByzantinePeer, type Vote } from './byzantine-peer.ts';
import type { ScenarioContext } from '../lib/scenario-context.ts';
import type { ChannelEntry } from '../lib/channel-registry.ts';

const FUNDED = 10_000n;
const DEPOSITS = [1_000n, 1_000n, 1_000n];

function stateAfter(ctx: ScenarioContext, latest: ChannelState, payment: Payment): ChannelState {
  const balances = [...latest.balances];
  balances[payment.from]! -= payment.amount;
  balances[payment.to]! += payment.amount;
  return {
    chainId: latest.chainId,
    channelId: latest.channelId,
    version: latest.version + 1,
    balances,
    deposited: [...latest.deposited],
    withdrawn: [...latest.withdrawn],
    commandsHash: commandsHash(ctx.chainId, [payment]),
    prevHash: channelStateHash(latest),
    final: false,
  };
}

/** What L1 says to a state with these signatures: a terminate while the channel is open, a challenge once the honest members froze it. */
async function l1Verdict(ctx: ScenarioContext, channel: ChannelEntry, state: ChannelState, signatures: string[]): Promise<string> {
  const codeOf = (error: unknown) => (error as { code?: string }).code ?? String(error);
  const terminated = await ctx.terminateWith(channel, 0, state.version, { state, signatures }).then((final) => final.code as string, codeOf);
  if (terminated !== 'CHANNEL_FROZEN') return terminated;
  return ctx.challengeWith(channel, 0, { state, signatures }).then((final) => final.code as string, codeOf);
}

export const scenario: Scenario = {
  name: 'conflicting-signatures',
  description: 'a Byzantine sequencer signs two different states for one version; each honest member signs at most one, so no conflicting certificate forms',
  async run(ctx) {
    const members = await ctx.fundedAccounts(3, FUNDED);
    const channel = await ctx.openChannel({ members, deposits: DEPOSITS, topology: 'star', challengeBlocks: 12, progressTimeoutMs: 6_000 });
    const last = await ctx.pay(channel, 1, 0, 200n);
    await ctx.agreed(channel, last);
    const latest = channelStateFromWire((await ctx.view(channel, 1)).latest.state);
    ctx.fact('lastVersion', last);

    // From here member 0 is Byzantine: its honest process is replaced by us, holding only its key.
    await ctx.stopMember(channel, 0);
    const byzantineKey = members[0]!.keyPair.secretKey;
    const peer = ByzantinePeer.create(ctx.chainId, channel, 0, byzantineKey, members.map((member) => toHex(member.keyPair.publicKey)));
    const inbox = await ByzantinePeer.listenForVotes(channel.members[0]!.port);
    try {
      const pay = (to: number, amount: bigint) => ctx.payment(channel, 0, to, amount);
      const paymentA = pay(1, 500n);
      const proposalA = { state: stateAfter(ctx, latest, paymentA), payments: [paymentA] };
      const paymentB = pay(2, 700n);
      const proposalB = { state: stateAfter(ctx, latest, paymentB), payments: [paymentB] };
      const hashA = channelStateHash(proposalA.state);
      const hashB = channelStateHash(proposalB.state);
      const signatureOf = (state: ChannelState) => signChannelState(fastSecp256k1, state, byzantineKey);
      const propose = (proposal: typeof proposalA) => ({ type: 'propose' as const, proposal, signatures: [signatureOf(proposal.state), null, null] });
      ctx.fact('conflictingVersion', proposalA.state.version);
      ctx.fact('stateA', { hash: hashA, balances: proposalA.state.balances.map(String) });
      ctx.fact('stateB', { hash: hashB, balances: proposalB.state.balances.map(String) });

      ctx.log(`the Byzantine sequencer proposes state A to member 1 and state B to member 2, both version ${proposalA.state.version}`);
      await peer.send(1, propose(proposalA));
      await peer.send(2, propose(proposalB));
      const voteOf = (member: number, hash: string) => inbox.votes.find((vote: Vote) => vote.member === member && vote.stateHash === hash);
      const [vote1, vote2] = await ctx.waitFor('votes from members 1 and 2', async () => {
        const first = voteOf(1, hashA);
        const second = voteOf(2, hashB);
        return first !== undefined && second !== undefined ? [first, second] : undefined;
      });
      const firstViews = await Promise.all([1, 2].map((member) => ctx.view(channel, member)));
      ctx.check(
        'the Byzantine got conflicting votes: member 1 signed A, member 2 signed B',
        firstViews[0]!.signed.stateHash === hashA && firstViews[1]!.signed.stateHash === hashB,
        { member1Signed: firstViews[0]!.signed.stateHash?.slice(0, 16), member2Signed: firstViews[1]!.signed.stateHash?.slice(0, 16) },
      );

      const signature0A = signatureOf(proposalA.state);
      const signature0B = signatureOf(proposalB.state);
      const verdictA = await l1Verdict(ctx, channel, proposalA.state, [signature0A, vote1.signature, vote2.signature]);
      const verdictB = await l1Verdict(ctx, channel, proposalB.state, [signature0B, vote1.signature, vote2.signature]);
      ctx.fact('l1VerdictA', verdictA);
      ctx.fact('l1VerdictB', verdictB);
      ctx.check('L1 rejects both half-signed states with BAD_SIGNATURE', verdictA === 'BAD_SIGNATURE' && verdictB === 'BAD_SIGNATURE', { verdictA, verdictB });

      ctx.log('the Byzantine sequencer now shows each honest member the other state');
      await peer.send(1, propose(proposalB));
      await peer.send(2, propose(proposalA));
      const views = await ctx.waitFor('members 1 and 2 to wedge on the conflict', async () => {
        const both = await Promise.all([1, 2].map((member) => ctx.view(channel, member)));
        return both.every((view) => view.wedged !== null) ? both : undefined;
      });
      ctx.check(
        'neither honest member signed the second state (member 1 still signed A only, member 2 B only)',
        views[0]!.signed.stateHash === hashA && views[1]!.signed.stateHash === hashB && voteOf(1, hashB) === undefined && voteOf(2, hashA) === undefined,
        { member1Signed: views[0]!.signed.stateHash?.slice(0, 16), member2Signed: views[1]!.signed.stateHash?.slice(0, 16) },
      );
      ctx.check(`no certificate beyond version ${last} formed`, views.every((view) => view.latest.state.version === last), {
        versions: views.map((view) => view.latest.state.version),
        wedged: views.map((view) => view.wedged),
      });
    } finally {
      await inbox.close();
    }

    const record = await ctx.closed(channel, 1);
    ctx.check(`the channel settled by dispute at version ${last}, the last real certificate`, record.closedBy === 'dispute' && record.recorded.version === last, {
      closedBy: record.closedBy,
      version: record.recorded.version,
    });
    await checkPayout(ctx, { record, members, funded: FUNDED, deposits: DEPOSITS, expected: latest.balances });
  },
};
