// The `wedge` command tree. Each leaf command lives in its own file under
// commands/ and registers itself on its group here. Settings made on the root
// before the groups are created (exit override, output, hints) are inherited
// by every subcommand.
import { Command } from 'commander';
import { registerAccountBalance } from './commands/account-balance.ts';
import { registerAccountList } from './commands/account-list.ts';
import { registerAccountNew } from './commands/account-new.ts';
import { registerAccountTransfer } from './commands/account-transfer.ts';
import { registerChannelChallenge } from './commands/channel-challenge.ts';
import { registerChannelClose } from './commands/channel-close.ts';
import { registerChannelOpen } from './commands/channel-open.ts';
import { registerChannelPay } from './commands/channel-pay.ts';
import { registerChannelSettle } from './commands/channel-settle.ts';
import { registerChannelSplices } from './commands/channel-splice.ts';
import { registerChannelStatus } from './commands/channel-status.ts';
import { registerChannelTerminate } from './commands/channel-terminate.ts';
import { registerDashboardStart } from './commands/dashboard-start.ts';
import { registerLab } from './commands/lab.ts';
import { registerNetworkDown } from './commands/network-down.ts';
import { registerNetworkStatus } from './commands/network-status.ts';
import { registerNetworkUp } from './commands/network-up.ts';
import { registerScenarioList } from './commands/scenario-list.ts';
import { registerScenarioRun } from './commands/scenario-run.ts';
import { registerWatchtowerStart } from './commands/watchtower-start.ts';
import { addExamples } from './lib/command.ts';
import { CLI_VERSION } from './lib/version.ts';

export type ProgramOutput = { writeOut(text: string): void; writeErr(text: string): void };

export function createProgram(output: ProgramOutput): Command {
  const program = new Command('wedge')
    .description('Run a local Wedge network: L1 replicas, payment channels, disputes and scenarios.')
    .version(CLI_VERSION, '-V, --version', 'print the version of wedge')
    // wedge's own options only before a command: `channel terminate --version 3` is the state version, not wedge's.
    .enablePositionalOptions()
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
  registerAccountList(account);

  const channel = program.command('channel').description('payment channels: open, pay, inspect, close, and dispute');
  addExamples(channel, [
    'wedge channel open --members account-0,account-1 --deposits 1000,1000',
    'wedge channel pay --channel 3fa9c2 --from account-0 --to account-1 --amount 25',
    'wedge channel deposit --channel 3fa9c2 --member account-1 --amount 500',
    'wedge channel withdraw --channel 3fa9c2 --member account-0 --amount 200',
    'wedge channel terminate --channel 3fa9c2 --member account-0 --version 0',
    'wedge channel settle --channel 3fa9c2 --wait',
  ]);
  registerChannelOpen(channel);
  registerChannelPay(channel);
  registerChannelStatus(channel);
  registerChannelClose(channel);
  registerChannelTerminate(channel);
  registerChannelChallenge(channel);
  registerChannelSettle(channel);
  registerChannelSplices(channel);

  const watchtower = program.command('watchtower').description('a process that challenges stale terminations for offline members');
  addExamples(watchtower, ['wedge watchtower start --channel 3fa9c2']);
  registerWatchtowerStart(watchtower);

  const dashboard = program.command('dashboard').description('the live network page: replicas, blocks, channels, disputes');
  addExamples(dashboard, ['wedge dashboard start']);
  registerDashboardStart(dashboard);

  const scenario = program.command('scenario').description('scripted dispute and close scenarios against the live network, reported as pass or fail');
  addExamples(scenario, ['wedge scenario list', 'wedge scenario run stale-terminate-challenged']);
  registerScenarioList(scenario);
  registerScenarioRun(scenario);

  registerLab(program);

  return program;
}
