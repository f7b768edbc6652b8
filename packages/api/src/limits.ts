// Bounds of the API that are not the ledger's own (those live in @wedge/ledger).

/** A network has n = 3f+1 replicas with f >= 1, and at most 64 (a commit certificate then holds at most 64 signatures). */
export const MIN_REPLICAS = 4;
export const MAX_REPLICAS = 64;

/** Longest replica URL accepted in a genesis file or a status answer. */
export const MAX_URL_LENGTH = 2048;

/** Longest a request may wait for a block to be executed (GET /v1/blocks/:height/results?waitMs=N). */
export const MAX_WAIT_MS = 30_000;

/** Most requests a replica keeps waiting at a time; one more is answered BUSY (503). */
export const MAX_WAITING_REQUESTS = 256;
