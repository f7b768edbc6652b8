// Input `checkpoint`: a peer's signed state root at a checkpoint height,
// counted with our own (checkpoints.ts); 2f+1 matching make it stable.
import { countCheckpoint } from '../checkpoints.ts';
import type { StepContext } from '../context.ts';
import { drop } from '../emit.ts';
import type { Checkpoint, ReplicaId } from '../types.ts';

// Writes the checkpoint votes, through countCheckpoint (checkpoints.ts).

export function handleCheckpoint<Tx>(c: StepContext<Tx, unknown>, from: ReplicaId, checkpoint: Checkpoint): void {
  const reason = countCheckpoint(c, checkpoint, true);
  if (reason !== null) drop(c, 'checkpoint', from, reason);
}
