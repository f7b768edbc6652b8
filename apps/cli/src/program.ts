// The `wedge` command tree. Each leaf command lives in its own file under
// commands/ and registers itself on its group here. Settings made on the root
// before the groups are created (exit override, output, hints) are inherited
// by every subcommand.
import { Command } from 'commander';
import { registerAccountBalance } from './commands/account-balance.ts';
import { registerAccountNew } from './commands/account-new.ts';
import { registerAccountTransfer } from './commands/account-transfer.ts';
import { registerNetworkDown } from './commands/network-down.ts';
import { registerNetworkStatus } from './commands/network-status.ts';
import { registerNetworkUp } from './commands/network-up.ts';
import { addExamples } from './lib/command.ts';

export type ProgramOutput = { writeOut(text: string): void; writeErr(text: string): void };

export function createProgram(output: ProgramOutput): Command {
  const program = new Command('wedge')
    .description('Run a local Wedge network: L1 replicas, payment channels, disputes and scenarios.')
    .exitOverride()
    .configureOutput({ writeOut: output.writeOut, writeErr: output.writeErr })
    .showHelpAfterError('(add --help for usage and examples)')
    .showSuggestionAfterError(true);
  addExamples(program, ['wedge network up', 'wedge account transfer --from account-0 --to account-1 --amount 100', 'wedge network down']);

  const network = program.command('network').description('start, stop and inspect the local L1 network');
  addExamples(network, ['wedge network up --replicas 4', 'wedge network status', 'wedge network down']);
  registerNetworkUp(network);
  registerNetworkDown(network);
  registerNetworkStatus(network);

  const account = program.command('account').description('local keys and L1 accounts');
  addExamples(account, ['wedge account new --name alice', 'wedge account balance alice', 'wedge account transfer --from account-0 --to alice --amount 100']);
  registerAccountNew(account);
  registerAccountBalance(account);
  registerAccountTransfer(account);

  return program;
}
