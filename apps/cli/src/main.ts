// The `wedge` command line (`npm run wedge -- <command>`). Exit codes: 0 done,
// 1 the command failed (a replica refused, a process did not start, a
// scenario failed), 2 bad arguments. A usage error is printed by commander
// with a hint; every other error as "error: CODE: message" on stderr.
import { CommanderError } from 'commander';
import { isWedgeError } from '@wedge/common';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, CliError } from './lib/cli-error.ts';
import { createProgram } from './program.ts';

/** Commander's codes for a help text someone asked for; every other commander error is a bad command line. */
const HELP_CODES = new Set(['commander.helpDisplayed', 'commander.version']);

function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) return HELP_CODES.has(error.code) ? EXIT_OK : EXIT_USAGE;
  if (error instanceof CliError) {
    process.stderr.write(`error: ${error.code === 'BAD_ARGUMENT' ? '' : `${error.code}: `}${error.message}\n`);
    if (error.exitCode === EXIT_USAGE) process.stderr.write('(add --help for usage and examples)\n');
    return error.exitCode;
  }
  if (isWedgeError(error)) {
    // A replica's refusal or a client-side failure (ApiError): code and message, as the replica said them.
    process.stderr.write(`error: ${error.code}: ${error.message}\n`);
    return EXIT_FAILURE;
  }
  process.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return EXIT_FAILURE;
}

export async function runCli(argv: readonly string[]): Promise<number> {
  const program = createProgram({ writeOut: (text) => process.stdout.write(text), writeErr: (text) => process.stderr.write(text) });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    return exitCodeOf(error);
  }
}

// Exit explicitly: idle keep-alive sockets to the replicas would otherwise hold the process open for seconds.
if (import.meta.url === `file://${process.argv[1]}`) process.exit(await runCli(process.argv.slice(2)));
