// Assertions state programmer invariants. A failed assertion is a bug: it
// throws AssertionError, which shells let crash the process. Expected failures
// (bad input, an unreachable peer) are WedgeErrors instead, and are handled.

export class AssertionError extends Error {
  override readonly name = 'AssertionError';
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}

export function unreachable(value: never, message = 'unreachable'): never {
  throw new AssertionError(`${message}: ${JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}`);
}
