// `wedge account new`: a fresh secp256k1 key under keys/NAME.json (mode 0600).
// The account exists on L1 from its first incoming transfer; until then its
// balance reads 0.
import type { Command } from 'commander';
import { z } from 'zod';
import { toHex } from '@wedge/common';
import { AccountName, parseWith } from '../lib/arguments.ts';
import { createKey } from '../lib/accounts.ts';
import { addCommonOptions, addExamples, defineAction } from '../lib/command.ts';
import { readGenesis } from '../lib/home.ts';
import { fields } from '../lib/output.ts';

export function registerAccountNew(account: Command): void {
  const command = account
    .command('new')
    .description('create a key pair and save it under DIR/keys/NAME.json (mode 0600)')
    .option('--name <name>', 'a name to use it by (default: acct- and the first 8 hex of its address)', parseWith(AccountName));
  addCommonOptions(command);
  addExamples(command, ['wedge account new --name alice', 'wedge account transfer --from account-0 --to alice --amount 5000']);
  defineAction(command, z.object({ name: z.string().optional() }), async (input, { home, printer }) => {
    readGenesis(home); // keys belong to a network: refuse to make one where none is
    const created = createKey(home, input.name ?? null);
    const result = { ok: true, name: created.name, address: created.keyPair.address, publicKey: toHex(created.keyPair.publicKey) };
    printer.result(result, () => fields([['name', result.name], ['address', result.address], ['public key', result.publicKey]]));
  });
}
