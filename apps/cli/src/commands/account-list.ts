// `wedge account list`: every local name (the genesis accounts and keys/)
// with its address, and its L1 balance and nonce when the network answers.
import type { Command } from 'commander';
import { z } from 'zod';
import { listNames } from '../lib/accounts.ts';
import { addCommonOptions, addExamples, defineAction } from '../lib/command.ts';
import { clientOf } from '../lib/network.ts';
import { table } from '../lib/output.ts';

export function registerAccountList(account: Command): void {
  const command = account.command('list').description('list local account names with their addresses and L1 balances');
  addCommonOptions(command);
  addExamples(command, ['wedge account list', 'wedge account list --json']);
  defineAction(command, z.object({}), async (_input, { home, printer }) => {
    const client = clientOf(home, 2_000);
    const accounts = await Promise.all(
      listNames(home).map(async ({ name, address }) => {
        const view = await client.getAccount(address).catch(() => null);
        return { name, address, balance: view?.balance ?? null, nonce: view?.nonce ?? null };
      }),
    );
    printer.result({ ok: true, accounts }, () => table(accounts));
  });
}
