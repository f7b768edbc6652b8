// `wedge account transfer`: a signed L1 transfer from a local account, waited
// for until final (commit certificate verified against the genesis replica
// set, outcome confirmed by f+1 replicas). A transfer that L1 executed with a
// rejection code is a failure (exit 1), as is one a replica refused outright.
import type { Command } from 'commander';
import { z } from 'zod';
import { AccountName, AddressOrName, parseWith, PositiveAmount } from '../lib/arguments.ts';
import { resolveAddress, resolveKey } from '../lib/accounts.ts';
import { CliError } from '../lib/cli-error.ts';
import { addCommonOptions, addExamples, defineAction } from '../lib/command.ts';
import { clientOf } from '../lib/network.ts';
import { fields } from '../lib/output.ts';

const Input = z.object({ from: z.string(), to: z.string(), amount: z.bigint() });

export function registerAccountTransfer(account: Command): void {
  const command = account
    .command('transfer')
    .description('send an L1 transfer from a local account and wait until it is final')
    .requiredOption('--from <name>', 'the paying local account (it signs)', parseWith(AccountName))
    .requiredOption('--to <account>', 'the payee: an address or a local name', parseWith(AddressOrName))
    .requiredOption('--amount <units>', 'a whole number of units, > 0', parseWith(PositiveAmount));
  addCommonOptions(command);
  addExamples(command, [
    'wedge account transfer --from account-0 --to account-1 --amount 250',
    'wedge account transfer --from account-0 --to 3f9a...c2 --amount 1000000 --json',
  ]);
  defineAction(command, Input, async (input, { home, printer }) => {
    const from = resolveKey(home, input.from);
    const to = resolveAddress(home, input.to);
    printer.progress(`sending ${input.amount} from ${from.name} to ${to}; waiting for finality...`);
    const final = await clientOf(home).transfer(from.keyPair, to, input.amount);
    const result = { ok: final.code === 'OK', hash: final.hash, height: final.height, index: final.index, code: final.code, from: from.keyPair.address, to, amount: input.amount };
    printer.result(result, () =>
      fields([['transaction', final.hash], ['height', final.height], ['result', final.code], ['from', `${from.name} (${from.keyPair.address})`], ['to', to], ['amount', input.amount]]),
    );
    if (final.code !== 'OK') throw new CliError(final.code, `L1 executed the transfer at height ${final.height} and rejected it: ${final.code}`);
  });
}
