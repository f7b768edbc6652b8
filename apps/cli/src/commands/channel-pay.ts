// `wedge channel pay`: an off-chain payment, signed by the payer's key and
// handed to a member process (the payer's own, unless --via names another);
// it answers once a fully-signed state commits the payment.
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { z } from 'zod';
import { signPayment } from '@wedge/channel';
import { toHex } from '@wedge/common';
import { fastSecp256k1 } from '@wedge/crypto/node';
import { AccountName, ChannelRef, parseWith, PositiveAmount } from '../lib/arguments.ts';
import { resolveKey } from '../lib/accounts.ts';
import { UsageError } from '../lib/cli-error.ts';
import { findChannel, memberIndex } from '../lib/channel-registry.ts';
import { addCommonOptions, addExamples, defineAction } from '../lib/command.ts';
import { readGenesis } from '../lib/home.ts';
import { createMemberClient, memberView } from '../lib/l2-http.ts';
import { fields } from '../lib/output.ts';

const PAYMENT_TIMEOUT_MS = 30_000;

const Input = z.object({ channel: z.string(), from: z.string(), to: z.string(), amount: z.bigint(), via: z.string().optional() });

export function registerChannelPay(channel: Command): void {
  const command = channel
    .command('pay')
    .description('pay another member off-chain; answers with the version of the state that commits the payment')
    .requiredOption('--channel <id>', 'the channel id (or a unique prefix of 6+ hex)', parseWith(ChannelRef))
    .requiredOption('--from <name>', 'the paying member (signs the payment)', parseWith(AccountName))
    .requiredOption('--to <name>', 'the member paid', parseWith(AccountName))
    .requiredOption('--amount <units>', 'a whole number of units, > 0', parseWith(PositiveAmount))
    .option('--via <name>', "the member process to hand the payment to (default: the payer's)", parseWith(AccountName));
  addCommonOptions(command);
  addExamples(command, ['wedge channel pay --channel 3fa9c2 --from account-0 --to account-1 --amount 25', 'wedge channel pay --channel 3fa9c2 --from alice --to bob --amount 1 --via bob --json']);
  defineAction(command, Input, async (input, { home, printer }) => {
    const channel = findChannel(home, input.channel);
    const from = memberIndex(channel, input.from);
    const to = memberIndex(channel, input.to);
    if (from === to) throw new UsageError('--from and --to must be different members');
    const via = input.via === undefined ? from : memberIndex(channel, input.via);
    const payer = resolveKey(home, input.from);
    // The payer's next seq, as the member it pays through knows it (one above what it applied or holds).
    const seq = (await memberView(channel.members[via]!.url)).nextSeqs[from]!;
    const payment = signPayment(
      fastSecp256k1,
      { chainId: readGenesis(home).chainId, channelId: channel.id },
      { from, to, amount: input.amount, seq, paymentId: toHex(randomBytes(32)) },
      payer.keyPair.secretKey,
    );
    const answer = await createMemberClient(channel.members[via]!.url).pay(payment, PAYMENT_TIMEOUT_MS);
    const result = { ok: true, channel: channel.id, paymentId: answer.paymentId, version: answer.version, from: input.from, to: input.to, amount: input.amount };
    printer.result(result, () => fields([['payment', answer.paymentId], ['committed at version', answer.version], ['from', input.from], ['to', input.to], ['amount', input.amount]]));
  });
}
