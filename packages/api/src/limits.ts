// Bounds of the API that are not the ledger's own (those live in @wedge/ledger).

/** A network has n = 3f+1 replicas with f >= 1, and at most 64 (a commit certificate then holds at most 64 signatures). */
export const MIN_REPLICAS = 4;
export const MAX_REPLICAS = 64;

/** Longest replica URL accepted in a genesis file or a status answer. */
export const MAX_URL_LENGTH = 2048;
