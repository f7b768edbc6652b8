// The lab's one error type: a stable code a caller can branch on (the CLI
// maps NOT_ROOT to exit code 2), a short message, and the cause.

export const LAB_ERROR = {
  /** Network namespaces need root (CAP_NET_ADMIN); the lab cannot run. */
  NOT_ROOT: 'NOT_ROOT',
  /** `ip` (iproute2) is not installed. */
  NO_IPROUTE2: 'NO_IPROUTE2',
  /** An `ip` command failed; details hold the command and its stderr. */
  COMMAND_FAILED: 'COMMAND_FAILED',
  /** Every /24 of the lab range is taken by a running lab. */
  NO_FREE_SUBNET: 'NO_FREE_SUBNET',
  /** A node name the lab does not have, or a partition that names a node twice. */
  UNKNOWN_NODE: 'UNKNOWN_NODE',
  BAD_PARTITION: 'BAD_PARTITION',
  /** A process did not print its listening line in time, or exited while starting. */
  START_FAILED: 'START_FAILED',
  /** The command line's lab is up already (one at a time). */
  ALREADY_UP: 'ALREADY_UP',
  /** No lab is up (CLI: status, partition, ... without `up`). */
  NO_LAB: 'NO_LAB',
  /** Something the lab made is still there after it was torn down. */
  LEFTOVERS: 'LEFTOVERS',
} as const;
export type LabErrorCode = (typeof LAB_ERROR)[keyof typeof LAB_ERROR];

export class LabError extends Error {
  override readonly name = 'LabError';
  constructor(
    readonly code: LabErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
