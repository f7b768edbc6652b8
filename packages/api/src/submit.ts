// POST /v1/txs: one signed transaction or a batch, answered with their ids in
// the same order. The batch bound keeps one request's work (decoding and
// verifying signatures) small next to a replica's other duties.
import { z } from 'zod';
import { WireHash } from './fields.ts';
import { WireSignedTx } from './tx-schema.ts';

export const MAX_SUBMIT_TXS = 500;

/**
 * A suggested cap on a request body. The largest transaction (a 16-member
 * channel.open) is about 5.2 kB of JSON, so a full batch fits with room.
 */
export const MAX_REQUEST_BODY_BYTES = 4 * 1024 * 1024;

export const SubmitTxsBody = z.union([WireSignedTx, z.array(WireSignedTx).min(1).max(MAX_SUBMIT_TXS)]);
export type SubmitTxsBody = z.infer<typeof SubmitTxsBody>;

/** The transactions of a body, as a batch either way. */
export function submittedTxsOf(body: SubmitTxsBody): WireSignedTx[] {
  return Array.isArray(body) ? body : [body];
}

export const SubmitTxsResponse = z.strictObject({ hashes: z.array(WireHash).min(1).max(MAX_SUBMIT_TXS) });
export type SubmitTxsResponse = z.infer<typeof SubmitTxsResponse>;
