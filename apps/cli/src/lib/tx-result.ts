// How commands report an L1 transaction they waited for: its id, height and
// result code; a transaction L1 executed with a rejection code is a failure
// (exit 1) after the result is printed, so scripts see both.
import type { FinalTx } from '@wedge/client';
import { LEDGER_ERROR_MESSAGES, isLedgerErrorCode } from '@wedge/ledger';
import { CliError } from './cli-error.ts';

export function txSummary(final: FinalTx): { hash: string; height: number; code: string } {
  return { hash: final.hash, height: final.height, code: final.code };
}

export function failUnlessOk(final: FinalTx, what: string): void {
  if (final.code === 'OK') return;
  const why = isLedgerErrorCode(final.code) ? LEDGER_ERROR_MESSAGES[final.code] : final.code;
  throw new CliError(final.code, `L1 rejected ${what} at height ${final.height}: ${why}`);
}
