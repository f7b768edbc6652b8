// Signatures a replica has verified already. A view change carries the
// prepared certificates (a pre-prepare and 2f prepares each) for every block
// above its stable checkpoint, and a new view carries 2f+1 view changes: a
// few hundred signatures in all, nearly every one a vote this replica took
// into its own log when it arrived, checked then. Verifying them again is
// most of what makes a view change slow on a busy machine. A prepare equal in
// every field, its signature included, to one held in our log (every one of
// which was verified on arrival, or is our own), or a checkpoint of our
// stable checkpoint's proof, verifies, since verification is a function of
// exactly those fields; anything else is verified as before. (Pre-prepares
// are always verified: one a new view re-proposes enters the log under the
// new-view message's signature, not its own.)
import type { StepContext } from './context.ts';
import { slotKey } from './slots.ts';
import type { Checkpoint, Prepare } from './types.ts';

function samePrepare(a: Prepare, b: Prepare): boolean {
  return a.type === b.type && a.view === b.view && a.seq === b.seq && a.digest === b.digest && a.replica === b.replica && a.signature === b.signature;
}

/** True when `prepare` is, field for field, a prepare we verified already and hold. */
export function isVerifiedPrepare(c: StepContext<unknown, unknown>, prepare: Prepare): boolean {
  const held = c.state.slots.get(slotKey(prepare.view, prepare.seq))?.prepares.get(prepare.replica);
  if (held !== undefined && samePrepare(held, prepare)) return true;
  return c.state.preparedCertificates.get(prepare.seq)?.prepares.some((own) => samePrepare(own, prepare)) ?? false;
}

/** True when `checkpoint` is, field for field, one of the proof of our stable checkpoint. */
export function isVerifiedCheckpoint(c: StepContext<unknown, unknown>, checkpoint: Checkpoint): boolean {
  return c.state.stable.proof.some(
    (held) => held.seq === checkpoint.seq && held.root === checkpoint.root && held.replica === checkpoint.replica && held.signature === checkpoint.signature && held.type === checkpoint.type,
  );
}
