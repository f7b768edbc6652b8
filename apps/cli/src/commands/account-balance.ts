// `wedge account balance`: an account's L1 balance and nonce, read from any
// replica (with failover).
import type { Command } from 'commander';
import { z } from 'zod';
import { AddressOrName, parseWith } from '../lib/arguments.ts';
import { nameOf, resolveAddress } from '../lib/accounts.ts';
import { addCommonOptions, addExamples, defineAction } from '../lib/command.ts';
import { clientOf } from '../lib/network.ts';
import { fields } from '../lib/output.ts';

export function registerAccountBalance(account: Command): void {
  const command = account
    .command('balance')
    .description("show an account's L1 balance and nonce")
    .argument('<account>', 'an address (40 hex) or a local name (account-0, alice, ...)', parseWith(AddressOrName));
  addCommonOptions(command);
  addExamples(command, ['wedge account balance account-0', 'wedge account balance 3f9a...c2 --json']);
  defineAction(command, z.object({ args: z.tuple([z.string()]) }), async (input, { home, printer }) => {
    const address = resolveAddress(home, input.args[0]);
    const view = await clientOf(home).getAccount(address);
    const name = nameOf(home, address);
    printer.result({ ok: true, name, address, balance: view.balance, nonce: view.nonce }, () =>
      fields([['name', name], ['address', address], ['balance', view.balance], ['nonce', view.nonce]]),
    );
  });
}
