// GET /v1/txs/:hash: where a transaction stands on the replica that answers.
// One replica's word only: a client proves finality with the block's commit
// certificate (see @wedge/client), never by this answer alone.
import { LEDGER_ERROR_CODES } from '@wedge/ledger';
import { z } from 'zod';
import { WireCount, WireHash } from './fields.ts';

export const WireTxCode = z.enum(['OK', ...LEDGER_ERROR_CODES]);
export const WireRejectionCode = z.enum(LEDGER_ERROR_CODES);

export const TxStatusResponse = z.discriminatedUnion('status', [
  z.strictObject({ hash: WireHash, status: z.literal('pending') }),
  z.strictObject({ hash: WireHash, status: z.literal('committed'), height: WireCount, index: WireCount, code: z.literal('OK') }),
  // Committed in a block but rejected by the ledger when executed: it changed nothing.
  z.strictObject({ hash: WireHash, status: z.literal('rejected'), height: WireCount, index: WireCount, code: WireRejectionCode }),
]);
export type TxStatusResponse = z.infer<typeof TxStatusResponse>;
