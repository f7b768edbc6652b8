// @wedge/client: the typed SDK for HTTP API v1 (CLI, channel members, tests).
export {
  createClient,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type ClientOptions,
  type SendOptions,
  type UnsignedTxBody,
  type WedgeClient,
} from './client.ts';
export { ApiError, CLIENT_ERROR_CODES, isApiError, shouldFailOver, type ClientErrorCode } from './errors.ts';
export { DEFAULT_FINALITY_TIMEOUT_MS, type FinalTx, type WaitForFinalityOptions } from './finality.ts';
export { MAX_RESPONSE_BYTES } from './http.ts';
export { STALE_READ_FIRST_WAIT_MS, STALE_READ_ROUNDS } from './monotonic-reads.ts';
export { checkCommittedBlock, createProofContext, type BlockProof, type ProofContext } from './proof.ts';
