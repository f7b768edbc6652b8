// The one L1 retry policy of a channel's parties (members and watchtowers).
//
// The cores decide every (re)submission: an action is submitted when it
// becomes due and again every L1_RESUBMIT_BLOCKS blocks for as long as L1
// shows it has not taken effect (the channel still open for a termination,
// a record still older than the certificate held for a challenge, and so on).
// A shell carries out each `submit-l1` effect once: it signs the transaction
// at the account's next nonce, submits it and waits for L1's answer, and only
// while L1 gives no answer at all (unreachable, or a nonce taken by another
// of our transactions in the meantime) does it try that same submission
// again, within the bounds below (`l1SubmissionVerdict`). Any answer of the
// ledger ends the job; whether to try again is then the core's decision.

/** L1 blocks to wait before resubmitting a transaction that did not take effect. */
export const L1_RESUBMIT_BLOCKS = 3;

/** How a shell delivers one submission (the tries of one `submit-l1` effect, not resubmissions). */
export const L1_SUBMISSION = {
  /** Tries of one submission while L1 gives no answer. */
  attemptsMax: 20,
  /** Backoff between two tries, doubling from min to max. */
  retryMsMin: 100,
  retryMsMax: 2_000,
  /** How long to wait for the transaction's finality proof after submitting it. */
  finalityTimeoutMs: 15_000,
} as const;

/**
 * What L1 said to one try: the code its block gave the transaction, the code
 * of a refusal before it got into a block (an HTTP 4xx), or nothing (a
 * network error, a 5xx, no finality proof in time).
 */
export type L1Answer = { readonly kind: 'committed'; readonly code: string } | { readonly kind: 'refused'; readonly code: string } | { readonly kind: 'unanswered' };

/** Done, or the delay before trying the same submission again. */
export type L1SubmissionVerdict = { readonly done: true } | { readonly done: false; readonly retryAfterMs: number };

/**
 * After try number `attempt` (1-based) got `answer`: the job is done when the
 * ledger decided (any code but BAD_NONCE: another transaction of ours took
 * the nonce, so this one never ran) or the tries are used up.
 */
export function l1SubmissionVerdict(answer: L1Answer, attempt: number): L1SubmissionVerdict {
  const decided = answer.kind !== 'unanswered' && answer.code !== 'BAD_NONCE';
  if (decided || attempt >= L1_SUBMISSION.attemptsMax) return { done: true };
  return { done: false, retryAfterMs: Math.min(L1_SUBMISSION.retryMsMax, L1_SUBMISSION.retryMsMin * 2 ** (attempt - 1)) };
}
