// One error type for every expected failure in Wedge. `code` is stable and
// machine-readable (HTTP maps it to a status in one place); `message` is for
// people; `details` carries structured context; `cause` the underlying error.

export type WedgeErrorOptions = {
  details?: Record<string, unknown>;
  cause?: unknown;
};

export class WedgeError<Code extends string = string> extends Error {
  override readonly name = 'WedgeError';
  readonly code: Code;
  readonly details: Record<string, unknown>;

  constructor(code: Code, message: string, options: WedgeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }

  toJSON(): { code: Code; message: string } {
    return { code: this.code, message: this.message };
  }
}

export function isWedgeError(value: unknown): value is WedgeError {
  return value instanceof WedgeError;
}
