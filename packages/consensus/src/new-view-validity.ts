// Whether a new-view message is valid: 2f+1 valid view changes for its view
// from distinct replicas, the primary's signature, and pre-prepares that are
// exactly the ones PBFT's new-view computation derives from them.
import type { StepContext } from './context.ts';
import { blockDigest, verifyMessage } from './messages.ts';
import { planNewView, type NewViewPlan } from './new-view-plan.ts';
import type { NewViewReason } from './reasons.ts';
import type { NewView } from './types.ts';
import { getViewChangeValidity } from './view-change-validity.ts';

/** The new view's plan when the message is valid, else why it is not. */
export function getNewViewValidity<Tx>(c: StepContext<Tx, unknown>, newView: NewView<Tx>): NewViewPlan<Tx> | NewViewReason {
  const { view, viewChanges, prePrepares } = newView;
  if (!Array.isArray(viewChanges) || !Array.isArray(prePrepares)) return 'MALFORMED';
  if (viewChanges.length < c.quorum) return 'TOO_FEW_VIEW_CHANGES';
  if (viewChanges.length > c.n) return 'TOO_MANY_VIEW_CHANGES';
  if (new Set(viewChanges.map((viewChange) => viewChange.replica)).size !== viewChanges.length) return 'DUPLICATE_VIEW_CHANGE';
  if (prePrepares.length > c.config.watermarkBlocks) return 'TOO_MANY_PRE_PREPARES';
  if (!verifyMessage(c.verifier, newView)) return 'BAD_SIGNATURE';
  const checkCertificates = c.rules.checkNewViewCertificates;
  for (const viewChange of viewChanges) {
    if (viewChange.view !== view || getViewChangeValidity(c, viewChange, checkCertificates) !== null) return 'BAD_VIEW_CHANGE';
  }
  for (const { prePrepare, block } of prePrepares) {
    if (prePrepare.view !== view || prePrepare.replica !== newView.replica || block.height !== prePrepare.seq) return 'BAD_PRE_PREPARE';
    if (blockDigest(c.config.chainId, block, c.app) !== prePrepare.digest) return 'BAD_DIGEST';
  }
  const plan = planNewView<Tx>(c, viewChanges);
  if (!checkCertificates) {
    // Deliberately broken rule (tests only): trust the primary's pre-prepares as sent.
    const entries = prePrepares.map(({ prePrepare, block }) => ({ seq: prePrepare.seq, block }));
    return { ...plan, entries, maxSeq: Math.max(plan.stable.seq, ...entries.map((entry) => entry.seq)) };
  }
  if (plan.entries.length !== prePrepares.length) return 'PLAN_MISMATCH';
  for (let index = 0; index < plan.entries.length; index++) {
    const expected = plan.entries[index]!;
    const actual = prePrepares[index]!;
    if (expected.seq !== actual.prePrepare.seq || blockDigest(c.config.chainId, expected.block, c.app) !== actual.prePrepare.digest) return 'PLAN_MISMATCH';
  }
  return plan;
}
