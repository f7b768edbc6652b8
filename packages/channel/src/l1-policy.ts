// The L1 retry policy of a channel's parties (members and watchtowers): the
// cores decide every (re)submission — an action is submitted when it becomes
// due and again every L1_RESUBMIT_BLOCKS blocks for as long as L1 shows it has
// not taken effect.

/** L1 blocks to wait before resubmitting a transaction that did not take effect. */
export const L1_RESUBMIT_BLOCKS = 3;
