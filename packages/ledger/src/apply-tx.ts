// The stateful half of transaction validation, and applying a transaction.
// Check, then apply: `getTxValidity` reads the state and returns a reason or
// null; the apply functions assume validity, assert it, and write. Nothing is
// written unless every check passed, so a rejected transaction changes nothing,
// not even the sender's nonce.
import { assert, unreachable } from '@wedge/common';
import type { SignatureScheme } from '@wedge/crypto';
import { getAccount, incrementNonce } from './accounts.ts';
import type { LedgerErrorCode, TxCode } from './errors.ts';
import { applyChannelChallenge, getChannelChallengeValidity } from './transactions/channel-challenge.ts';
import { applyChannelClose, getChannelCloseValidity } from './transactions/channel-close.ts';
import { applyChannelDeposit, getChannelDepositValidity } from './transactions/channel-deposit.ts';
import { applyChannelOpen, getChannelOpenValidity } from './transactions/channel-open.ts';
import { applyChannelSettle, getChannelSettleValidity } from './transactions/channel-settle.ts';
import { applyChannelTerminate, getChannelTerminateValidity } from './transactions/channel-terminate.ts';
import { applyChannelWithdraw, getChannelWithdrawValidity } from './transactions/channel-withdraw.ts';
import { applyTransfer, getTransferValidity } from './transactions/transfer.ts';
import { HONEST_LEDGER_RULES, type LedgerRules } from './rules.ts';
import type { LedgerState, SignedTx, TxBody } from './types.ts';

/**
 * The cheap preconditions a caller owes us, asserted: the transaction passed
 * `checkTxStatic` for this chain (we re-check only what costs nothing), and
 * it executes in the block after the last applied one.
 */
function assertPreconditions(state: LedgerState, tx: SignedTx, height: number): void {
  assert(height === state.height + 1, `applyTx: height ${height} is not the next block (${state.height + 1})`);
  assert(tx.body.chainId === state.chainId, 'applyTx: tx for another chain (checkTxStatic not run?)');
  assert(tx.signatures.length >= 1, 'applyTx: unsigned tx (checkTxStatic not run?)');
}

function getBodyValidity(scheme: SignatureScheme, state: LedgerState, body: TxBody, height: number, rules: LedgerRules): LedgerErrorCode | null {
  switch (body.type) {
    case 'transfer':
      return getTransferValidity(state, body);
    case 'channel.open':
      return getChannelOpenValidity(state, body);
    case 'channel.deposit':
      return getChannelDepositValidity(state, body);
    case 'channel.withdraw':
      return getChannelWithdrawValidity(scheme, state, body, rules);
    case 'channel.close':
      return getChannelCloseValidity(scheme, state, body, rules);
    case 'channel.terminate':
      return getChannelTerminateValidity(scheme, state, body, rules);
    case 'channel.challenge':
      return getChannelChallengeValidity(scheme, state, body, height, rules);
    case 'channel.settle':
      return getChannelSettleValidity(state, body, height);
    default:
      return unreachable(body, 'getBodyValidity: unknown tx type');
  }
}

function applyBody(state: LedgerState, body: TxBody, height: number): void {
  switch (body.type) {
    case 'transfer':
      return applyTransfer(state, body);
    case 'channel.open':
      return applyChannelOpen(state, body, height);
    case 'channel.deposit':
      return applyChannelDeposit(state, body);
    case 'channel.withdraw':
      return applyChannelWithdraw(state, body);
    case 'channel.close':
      return applyChannelClose(state, body, height);
    case 'channel.terminate':
      return applyChannelTerminate(state, body, height);
    case 'channel.challenge':
      return applyChannelChallenge(state, body, height);
    case 'channel.settle':
      return applyChannelSettle(state, body, height);
    default:
      return unreachable(body, 'applyBody: unknown tx type');
  }
}

/**
 * Null when `tx` would apply at `height`: first the sender's nonce (so a
 * replay is BAD_NONCE whatever else it says), then the type's own rules.
 * Precondition: checkTxStatic passed. Reads only.
 */
export function getTxValidity(
  scheme: SignatureScheme,
  state: LedgerState,
  tx: SignedTx,
  height: number,
  rules: LedgerRules = HONEST_LEDGER_RULES,
): LedgerErrorCode | null {
  if (tx.body.nonce !== getAccount(state, tx.body.from).nonce) return 'BAD_NONCE';
  return getBodyValidity(scheme, state, tx.body, height, rules);
}

/**
 * Checks and applies one transaction in the block at `height` (which must be
 * state.height + 1). Precondition: checkTxStatic(scheme, state.chainId, tx)
 * returned null. Mutates `state` only when the result is 'OK'. `rules`:
 * HONEST_LEDGER_RULES except in the simulator's mutation tests.
 */
export function applyTx(scheme: SignatureScheme, state: LedgerState, tx: SignedTx, height: number, rules: LedgerRules = HONEST_LEDGER_RULES): TxCode {
  assertPreconditions(state, tx, height);
  const code = getTxValidity(scheme, state, tx, height, rules);
  if (code !== null) return code;
  applyBody(state, tx.body, height);
  incrementNonce(state, tx.body.from);
  return 'OK';
}
