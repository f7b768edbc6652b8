// Hard limits on every size and amount the ledger accepts. A value outside
// them is rejected at the static check, so inner loops are bounded by these.

/** The largest single amount (transfer, deposit) and the largest genesis supply. */
export const MAX_AMOUNT = 10n ** 30n;

/** The most transactions one block may carry; consensus must enforce it before accepting a block. */
export const MAX_BLOCK_TXS = 2000;

/** A channel has f+1 members: at least 2 (f = 1), at most 16. */
export const MIN_CHANNEL_MEMBERS = 2;
export const MAX_CHANNEL_MEMBERS = 16;

/** Challenge windows in blocks: at least one block to answer, at most 100000. */
export const MIN_CHALLENGE_BLOCKS = 1;
export const MAX_CHALLENGE_BLOCKS = 100_000;

/** Signatures are 64 bytes in every scheme we use; 128 leaves room and still bounds hex parsing. */
export const MAX_SIGNATURE_BYTES = 128;

/** Bounds a genesis file and a decoded snapshot. */
export const MAX_GENESIS_ACCOUNTS = 100_000;
export const MAX_SNAPSHOT_ACCOUNTS = 1_000_000;
export const MAX_SNAPSHOT_CHANNELS = 1_000_000;
