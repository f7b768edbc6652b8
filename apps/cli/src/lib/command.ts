// What every command shares: the --dir and --json options, examples in its
// --help, and an action wrapper that validates the parsed options with zod
// (one typed value per command) and hands the command a printer.
import type { Command } from 'commander';
import { z } from 'zod';
import { firstIssue } from './arguments.ts';
import { UsageError } from './cli-error.ts';
import { DEFAULT_DIR, homeOf, type Home } from './home.ts';
import { createPrinter, type Printer } from './output.ts';

export function addCommonOptions(command: Command): Command {
  return command
    .option('--dir <dir>', 'the local network directory (or set WEDGE_DIR)', process.env.WEDGE_DIR || DEFAULT_DIR)
    .option('--json', 'print one JSON object on stdout instead of tables (for scripts)');
}

/** Appends an Examples section to the command's --help. */
export function addExamples(command: Command, examples: readonly string[]): Command {
  return command.addHelpText('after', `\nExamples:\n${examples.map((line) => `  $ ${line}`).join('\n')}\n`);
}

const CommonOptions = z.object({ dir: z.string().min(1, 'expected a directory'), json: z.boolean().default(false) });

export type ActionContext = { home: Home; printer: Printer; command: Command };

/**
 * Sets `handler` as the command's action. The options object commander built
 * (already converted by each option's parser) and the positional arguments
 * (as `args`) are checked against `schema` merged with the common options.
 */
export function defineAction<S extends z.ZodObject>(
  command: Command,
  schema: S,
  handler: (input: z.output<S> & z.output<typeof CommonOptions>, context: ActionContext) => Promise<void>,
): Command {
  const full = CommonOptions.extend(schema.shape);
  return command.action(async (...received: unknown[]) => {
    const self = received[received.length - 1] as Command;
    const parsed = full.safeParse({ ...self.opts(), args: self.processedArgs });
    if (!parsed.success) throw new UsageError(`${self.name()}: ${firstIssue(parsed.error)}`);
    const input = parsed.data as z.output<S> & z.output<typeof CommonOptions>;
    await handler(input, { home: homeOf(input.dir), printer: createPrinter(input.json), command: self });
  });
}
