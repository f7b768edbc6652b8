// Runs iproute2 commands synchronously. Synchronous on purpose: teardown must
// also work from a process 'exit' handler, where nothing asynchronous runs,
// and each command takes a few milliseconds.
import { execFileSync } from 'node:child_process';
import { LAB_ERROR, LabError } from './lab-error.ts';

const IP_TIMEOUT_MS = 10_000;

/** `ip ARGS...`; its stdout, or a LabError COMMAND_FAILED with its stderr. */
export function ip(...args: string[]): string {
  try {
    return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: IP_TIMEOUT_MS });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string };
    if (failure.code === 'ENOENT') throw new LabError(LAB_ERROR.NO_IPROUTE2, 'the lab needs iproute2 (`ip`); apt-get install -y iproute2', {}, { cause: error });
    const stderr = (failure.stderr ?? '').trim();
    throw new LabError(LAB_ERROR.COMMAND_FAILED, `ip ${args.join(' ')} failed: ${stderr || failure.message}`, { args, stderr }, { cause: error });
  }
}

/** Like `ip`, for teardown: a failure (the thing is already gone) is not an error. Returns whether it succeeded. */
export function ipQuietly(...args: string[]): boolean {
  try {
    ip(...args);
    return true;
  } catch {
    return false;
  }
}

/** The names of every network namespace on this machine. */
export function namespaceNames(): string[] {
  return ip('netns', 'list')
    .split('\n')
    .map((line) => line.split(' ')[0]!)
    .filter((name) => name !== '');
}

/** The names of every network interface in the root namespace (a veth shows as `name@peer`; the peer part is dropped). */
export function linkNames(): string[] {
  return ip('-o', 'link', 'show')
    .split('\n')
    .map((line) => /^\d+:\s+([^:@\s]+)/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);
}

/** Pids of the processes running in namespace `namespace` (empty when it has none or is gone). */
export function namespacePids(namespace: string): number[] {
  try {
    return ip('netns', 'pids', namespace)
      .split('\n')
      .filter((line) => /^\d+$/.test(line.trim()))
      .map(Number);
  } catch {
    return [];
  }
}
