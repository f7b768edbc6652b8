// Whether a view-change message is valid: signed, its stable checkpoint
// proven, and (unless a test's broken rules skip it) each prepared
// certificate proven and in range. Signatures this replica verified before
// are not verified again (verified-votes.ts).
import type { StepContext } from './context.ts';
import { verifyCheckpointProof, verifyMessage, verifyPreparedCertificate } from './messages.ts';
import type { ViewChangeReason } from './reasons.ts';
import type { ViewChange } from './types.ts';
import { isVerifiedCheckpoint, isVerifiedPrepare } from './verified-votes.ts';

/** Null when `viewChange` is valid, else why not. `checkCertificates` false skips the prepared certificates. */
export function getViewChangeValidity<Tx>(c: StepContext<Tx, unknown>, viewChange: ViewChange<Tx>, checkCertificates: boolean): ViewChangeReason | null {
  if (viewChange.type !== 'view-change' || !Number.isInteger(viewChange.stableSeq) || viewChange.stableSeq < 0) return 'MALFORMED';
  if (!Array.isArray(viewChange.prepared)) return 'MALFORMED';
  if (viewChange.prepared.length > c.config.watermarkBlocks) return 'TOO_MANY_CERTIFICATES';
  if (!verifyMessage(c.verifier, viewChange)) return 'BAD_SIGNATURE';
  const proof = viewChange.checkpointProof;
  if (!verifyCheckpointProof(c.verifier, viewChange.stableSeq, viewChange.stableRoot, proof, c.f, (checkpoint) => isVerifiedCheckpoint(c, checkpoint))) return 'BAD_CHECKPOINT_PROOF';
  if (!checkCertificates) return null;
  const limit = viewChange.stableSeq + c.config.watermarkBlocks;
  for (const certificate of viewChange.prepared) {
    const { seq, view } = certificate.prePrepare;
    if (seq <= viewChange.stableSeq || seq > limit) return 'CERTIFICATE_OUT_OF_RANGE';
    if (view >= viewChange.view) return 'CERTIFICATE_NOT_FROM_EARLIER_VIEW';
    if (!verifyPreparedCertificate(c.verifier, certificate, c.f, (prepare) => isVerifiedPrepare(c, prepare))) return 'BAD_PREPARED_CERTIFICATE';
  }
  return null;
}
