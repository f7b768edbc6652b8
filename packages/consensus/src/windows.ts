// Which views and sequence numbers a replica takes messages for now, and
// who leads the current view.
import type { StepContext } from './context.ts';
import type { ViewJumpReason, VoteWindowReason } from './reasons.ts';
import { primaryOf } from './rules.ts';

/** Views ahead of the current one for which votes are buffered. */
export const FUTURE_VIEWS_BUFFERED = 2;
/** The furthest view ahead of ours that a view change, complaint or new view may be for. */
export const MAX_VIEW_JUMP = 1_000;

export function isPrimary(c: StepContext<unknown, unknown>): boolean {
  return primaryOf(c.config, c.state.view) === c.id;
}

export function highWatermark(c: StepContext<unknown, unknown>): number {
  return c.state.stable.seq + c.config.watermarkBlocks;
}

/**
 * Null when a vote for (view, seq) is stored now: the current view or a few
 * ahead (their new view may be on its way), a sequence number in
 * (stable checkpoint, high watermark].
 */
export function getVoteWindowValidity(c: StepContext<unknown, unknown>, view: number, seq: number): VoteWindowReason | null {
  if (!Number.isInteger(view)) return 'MALFORMED';
  if (view < c.state.view) return 'STALE_VIEW';
  if (view > c.state.view + FUTURE_VIEWS_BUFFERED) return 'VIEW_TOO_FAR';
  if (!Number.isInteger(seq)) return 'MALFORMED';
  if (seq <= c.state.stable.seq || seq > highWatermark(c)) return 'OUTSIDE_WATERMARKS';
  return null;
}

/** Null when a view change, complaint or new view for `view` is considered: from the current view to MAX_VIEW_JUMP ahead. */
export function getViewJumpValidity(c: StepContext<unknown, unknown>, view: number): ViewJumpReason | null {
  if (!Number.isInteger(view)) return 'MALFORMED';
  if (view < c.state.view) return 'STALE_VIEW';
  if (view > c.state.view + MAX_VIEW_JUMP) return 'VIEW_TOO_FAR';
  return null;
}
