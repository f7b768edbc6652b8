// Proves the `wedge` CLI answers every kind of bad command line — unknown
// command or option, missing value, missing argument, malformed address,
// amount or channel id, negative, fractional or huge amounts, out-of-range
// counts — with a clear message on stderr and exit code 2, before touching
// any network; and that every command has --help with examples and --json.
import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { createProgram } from '../src/program.ts';
import { runCli } from './run-cli.ts';

const DIR = ['--dir', '/nonexistent/wedge-cli-test'];
const TRANSFER = ['account', 'transfer', ...DIR, '--from', 'account-0', '--to', 'account-1'];

const CASES: { what: string; args: string[]; message: RegExp }[] = [
  { what: 'unknown command', args: ['bogus'], message: /unknown command 'bogus'/ },
  { what: 'unknown subcommand', args: ['network', 'sideways'], message: /unknown command 'sideways'/ },
  { what: 'a group without a subcommand', args: ['channel'], message: /Usage: wedge channel/ },
  { what: 'unknown option', args: ['network', 'up', '--bogus'], message: /unknown option '--bogus'/ },
  { what: 'missing option value', args: ['account', 'transfer', '--from'], message: /option '--from <name>' argument missing/ },
  { what: 'missing required option', args: TRANSFER, message: /required option '--amount <units>' not specified/ },
  { what: 'missing argument', args: ['account', 'balance', ...DIR], message: /missing required argument 'account'/ },
  { what: 'too many arguments', args: ['account', 'balance', 'account-0', 'account-1', ...DIR], message: /too many arguments/ },
  { what: 'malformed address', args: ['account', 'balance', '12zz!', ...DIR], message: /expected an address \(40 hex characters\) or an account name/ },
  { what: 'address one character short', args: [...TRANSFER.slice(0, 6), '--to', 'a'.repeat(39) + '!', '--amount', '5'], message: /argument 'a+!' is invalid/ },
  { what: 'negative amount', args: [...TRANSFER, '--amount', '-5'], message: /'-5' is invalid.*no sign/ },
  { what: 'fractional amount', args: [...TRANSFER, '--amount', '1.5'], message: /'1.5' is invalid.*decimal point/ },
  { what: 'exponent amount', args: [...TRANSFER, '--amount', '1e6'], message: /'1e6' is invalid/ },
  { what: 'zero amount', args: [...TRANSFER, '--amount', '0'], message: /must be greater than 0/ },
  { what: 'huge amount', args: [...TRANSFER, '--amount', '1' + '0'.repeat(31)], message: /at most 10{30}/ },
  { what: 'malformed channel id', args: ['channel', 'status', ...DIR, '--channel', 'xyz'], message: /expected a channel id/ },
  { what: 'malformed deposit in a list', args: ['channel', 'open', ...DIR, '--members', 'a,b', '--deposits', '10,-1'], message: /item 1: expected a whole number/ },
  { what: 'deposits that do not match members', args: ['channel', 'open', ...DIR, '--members', 'alice,bob', '--deposits', '10,20,30'], message: /one per member/ },
  { what: 'one member only', args: ['channel', 'open', ...DIR, '--members', 'alice', '--deposits', '10'], message: /at least 2 members/ },
  { what: 'unknown topology', args: ['channel', 'open', ...DIR, '--members', 'a,b', '--deposits', '1,1', '--topology', 'ring'], message: /expected star or chain/ },
  { what: 'zero deposit', args: ['channel', 'deposit', ...DIR, '--channel', 'abcdef', '--member', 'a', '--amount', '0'], message: /must be greater than 0/ },
  { what: 'withdrawal without a member', args: ['channel', 'withdraw', ...DIR, '--channel', 'abcdef', '--amount', '5'], message: /required option '--member <name>' not specified/ },
  { what: 'fractional withdrawal', args: ['channel', 'withdraw', ...DIR, '--channel', 'abcdef', '--member', 'a', '--amount', '2.5'], message: /'2.5' is invalid.*decimal point/ },
  { what: 'negative version', args: ['channel', 'terminate', ...DIR, '--channel', 'abcdef', '--member', 'a', '--version', '-1'], message: /'-1' is invalid/ },
  { what: 'too few replicas', args: ['network', 'up', ...DIR, '--replicas', '3'], message: /must be between 4 and 64/ },
  { what: 'unknown scenario', args: ['scenario', 'run', 'no-such-scenario', ...DIR], message: /no scenario named no-such-scenario/ },
];

/** Runs `task` over `items`, `concurrency` at a time (each run is a Node process; the machine has 2 cores). */
async function inBatches<T, R>(items: readonly T[], concurrency: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += concurrency) results.push(...(await Promise.all(items.slice(start, start + concurrency).map(task))));
  return results;
}

function leafCommands(command: Command): Command[] {
  return command.commands.length === 0 ? [command] : command.commands.flatMap(leafCommands);
}

describe('wedge: bad arguments', () => {
  it('every kind of bad argument exits 2 with a clear message on stderr and nothing on stdout', async () => {
    const runs = await inBatches(CASES, 4, async (entry) => ({ entry, run: await runCli(entry.args) }));
    for (const { entry, run } of runs) {
      expect({ what: entry.what, code: run.code }).toEqual({ what: entry.what, code: 2 });
      expect(run.stderr, entry.what).toMatch(entry.message);
      expect(run.stdout, entry.what).toBe('');
    }
  });

  it('--help exits 0 and shows examples', async () => {
    const run = await runCli(['channel', 'terminate', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Examples:');
    expect(run.stdout).toContain('--version <v>');
  });

  it('a command without a network says so and exits 1', async () => {
    const run = await runCli(['network', 'status', ...DIR]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/NOT_FOUND: no network in \/nonexistent\/wedge-cli-test/);
  });
});

describe('wedge: every command', () => {
  const noOutput = { writeOut: () => {}, writeErr: () => {} };
  const leaves = leafCommands(createProgram(noOutput));

  it('has --help with examples and a --json option', () => {
    expect(leaves.length).toBeGreaterThanOrEqual(16);
    for (const command of leaves) {
      const name = `${command.parent?.name()} ${command.name()}`;
      expect(command.helpInformation() + helpAfter(command), name).toContain('Examples:');
      expect(command.options.map((option) => option.long), name).toContain('--json');
    }
  });
});

/** The text added after a command's help (addHelpText 'after'), which helpInformation() leaves out. */
function helpAfter(command: Command): string {
  let text = '';
  command.configureOutput({ writeOut: (chunk) => (text += chunk), writeErr: () => {} });
  command.exitOverride();
  try {
    command.outputHelp();
  } catch {
    // outputHelp does not exit; exitOverride only guards against it.
  }
  return text;
}
