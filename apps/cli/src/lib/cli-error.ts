// The CLI's error types. Each carries the exit code it ends the process with:
// 2 for a bad command line (the user can fix the arguments), 1 for everything
// that went wrong after the arguments were accepted (a replica refused, a
// process did not start, a file is missing). main.ts maps any other thrown
// value to 1 as well, but prints its stack: that is a bug.
import { WedgeError } from '@wedge/common';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export class CliError extends WedgeError {
  constructor(
    code: string,
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(code, message, options);
  }
}

/** A bad argument that the parser could not catch alone (e.g. two options that disagree). */
export class UsageError extends CliError {
  constructor(message: string) {
    super('BAD_ARGUMENT', message, EXIT_USAGE);
  }
}

/** The local network directory lacks something the command needs (no network, unknown name...). */
export function notFound(message: string): CliError {
  return new CliError('NOT_FOUND', message, EXIT_FAILURE);
}
