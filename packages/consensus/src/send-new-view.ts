// The new primary's side of a view change: with 2f+1 view changes for its
// view (its own among them), it computes the re-proposals, signs the
// new-view message, sends it, and enters the view.
import type { StepContext } from './context.ts';
import { broadcast } from './emit.ts';
import { enterView } from './enter-view.ts';
import { blockDigest, signMessage } from './messages.ts';
import { planNewView } from './new-view-plan.ts';
import { primaryOf } from './rules.ts';
import type { NewView, PrePrepare } from './types.ts';
import { newViewQuorum } from './votes/view-changes.ts';

export function sendNewViewWhenReady<Tx>(c: StepContext<Tx, unknown>, view: number): void {
  if (primaryOf(c.config, view) !== c.id || c.state.view !== view || c.state.status !== 'view-change') return;
  const viewChanges = newViewQuorum(c.state.viewChanges.get(view), c.id, c.quorum);
  if (viewChanges === null) return;
  const plan = planNewView(c, viewChanges);
  const prePrepares = plan.entries.map(({ seq, block }) => ({
    prePrepare: signMessage<PrePrepare>(c.signer, {
      type: 'pre-prepare',
      view,
      seq,
      digest: blockDigest(c.config.chainId, block, c.app),
      replica: c.id,
    }),
    block,
  }));
  const newView = signMessage<NewView<Tx>>(c.signer, { type: 'new-view', view, viewChanges, prePrepares, replica: c.id });
  broadcast(c, newView);
  enterView(c, newView, plan);
}
