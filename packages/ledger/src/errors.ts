// The ledger's error codes: why a transaction was rejected. A rejected
// transaction changes nothing, not even the sender's nonce. The codes are
// stable (clients and HTTP map them); the messages are for people.
import { WedgeError, type WedgeErrorOptions } from '@wedge/common';

export const LEDGER_ERROR_CODES = [
  'MALFORMED',
  'WRONG_CHAIN',
  'BAD_SIGNATURE',
  'BAD_NONCE',
  'INSUFFICIENT_FUNDS',
  'INVALID_AMOUNT',
  'UNKNOWN_CHANNEL',
  'CHANNEL_EXISTS',
  'CHANNEL_FROZEN',
  'CHANNEL_CLOSED',
  'NOT_FROZEN',
  'NOT_A_MEMBER',
  'INVALID_STATE',
  'NOT_FINAL',
  'STALE_STATE',
  'DEADLINE_NOT_REACHED',
  'CHALLENGE_WINDOW_CLOSED',
  'SELF_TRANSFER',
  'UNFUNDED_STATE',
  'NOTHING_TO_WITHDRAW',
] as const;

export type LedgerErrorCode = (typeof LEDGER_ERROR_CODES)[number];

export type TxCode = 'OK' | LedgerErrorCode;

export const LEDGER_ERROR_MESSAGES: Readonly<Record<LedgerErrorCode, string>> = {
  MALFORMED: 'the transaction does not have the expected shape or bounds',
  WRONG_CHAIN: 'the transaction is for another chain',
  BAD_SIGNATURE: 'a signature is missing, invalid, or from the wrong key',
  BAD_NONCE: "the nonce is not the sender's next nonce",
  INSUFFICIENT_FUNDS: 'an account lacks the funds to pay',
  INVALID_AMOUNT: 'an amount is out of range',
  UNKNOWN_CHANNEL: 'no channel has this id',
  CHANNEL_EXISTS: 'a channel with this id was opened before',
  CHANNEL_FROZEN: 'the channel is frozen by a termination',
  CHANNEL_CLOSED: 'the channel is closed',
  NOT_FROZEN: 'the channel is not frozen',
  NOT_A_MEMBER: 'the sender is not a member of the channel',
  INVALID_STATE: 'the channel state does not fit the channel',
  NOT_FINAL: 'a cooperative close needs a state marked final',
  STALE_STATE: 'the state is not newer than the recorded one, is below the version floor, or predates a paid withdrawal',
  DEADLINE_NOT_REACHED: 'the challenge window is still open',
  CHALLENGE_WINDOW_CLOSED: 'the challenge window has closed',
  SELF_TRANSFER: 'sender and recipient are the same account',
  UNFUNDED_STATE: 'the state accounts for a deposit L1 has not recorded',
  NOTHING_TO_WITHDRAW: 'the state withdraws nothing beyond what L1 has paid out',
};

const CODE_SET: ReadonlySet<string> = new Set(LEDGER_ERROR_CODES);

export function isLedgerErrorCode(value: unknown): value is LedgerErrorCode {
  return typeof value === 'string' && CODE_SET.has(value);
}

/** For callers that prefer to throw a rejection (HTTP handlers, the CLI). */
export class LedgerError extends WedgeError<LedgerErrorCode> {
  constructor(code: LedgerErrorCode, message: string = LEDGER_ERROR_MESSAGES[code], options: WedgeErrorOptions = {}) {
    super(code, message, options);
  }
}
