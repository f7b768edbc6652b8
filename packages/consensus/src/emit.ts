// The effects sink: how a handler tells the shell to send a message, or
// that it dropped an input and why.
import type { StepContext } from './context.ts';
import type { DropReason, DroppedInput } from './reasons.ts';
import type { Message, ReplicaId } from './types.ts';

export function broadcast<Tx>(c: StepContext<Tx, unknown>, message: Message<Tx>): void {
  c.effects.push({ type: 'broadcast', message });
}

export function send<Tx>(c: StepContext<Tx, unknown>, to: ReplicaId, message: Message<Tx>): void {
  if (to !== c.id) c.effects.push({ type: 'send', to, message });
}

/**
 * Records that an input was dropped, and why. One small object, on the drop
 * path only: the hot path (a valid vote, a new request) allocates nothing
 * here. Duplicates of valid votes get an effect too — in steady state they
 * are rare (a network that duplicates, a relayed complaint), and "why did
 * this vote not count" is the question the effect answers.
 */
export function drop(c: StepContext<unknown, unknown>, input: DroppedInput, from: ReplicaId | undefined, reason: DropReason): void {
  c.effects.push({ type: 'dropped', input, from, reason });
}
