// The stateless half of transaction validation: shape and bounds, chain id,
// value ranges, and the signatures. It needs no ledger state, so a mempool can
// run it once on arrival; `applyTx` assumes it passed.
import { unreachable } from '@wedge/common';
import type { SignatureScheme } from '@wedge/crypto';
import type { LedgerErrorCode } from './errors.ts';
import { MAX_CHANNEL_MEMBERS } from './limits.ts';
import {
  hasExactKeys,
  isAddress,
  isArrayOf,
  isChainIdValue,
  isCount,
  isPublicKeyHex,
  isRecord,
  isSignatureHex,
  type UnknownRecord,
} from './shape.ts';
import { getChannelChallengeStaticValidity } from './transactions/channel-challenge.ts';
import { getChannelCloseStaticValidity } from './transactions/channel-close.ts';
import { getChannelDepositStaticValidity } from './transactions/channel-deposit.ts';
import { getChannelOpenStaticValidity } from './transactions/channel-open.ts';
import { getChannelSettleStaticValidity } from './transactions/channel-settle.ts';
import { getChannelTerminateStaticValidity } from './transactions/channel-terminate.ts';
import { getChannelWithdrawStaticValidity } from './transactions/channel-withdraw.ts';
import { getTransferStaticValidity } from './transactions/transfer.ts';
import { getTxSignatureValidity } from './tx-signing.ts';
import type { SignedTx, TxSignature, TxType } from './types.ts';

export const TX_TYPES: readonly TxType[] = [
  'transfer',
  'channel.open',
  'channel.deposit',
  'channel.withdraw',
  'channel.close',
  'channel.terminate',
  'channel.challenge',
  'channel.settle',
];

const SIGNED_TX_KEYS = ['body', 'signatures'];
const TX_SIGNATURE_KEYS = ['publicKey', 'signature'];

function isTxSignature(value: unknown): value is TxSignature {
  return (
    isRecord(value) &&
    hasExactKeys(value, TX_SIGNATURE_KEYS) &&
    isPublicKeyHex(value.publicKey) &&
    isSignatureHex(value.signature)
  );
}

function isTxType(value: unknown): value is TxType {
  return typeof value === 'string' && (TX_TYPES as readonly string[]).includes(value);
}

/** The envelope and the fields every body has. A wrong signature count is BAD_SIGNATURE later, not MALFORMED. */
function hasTxEnvelopeShape(tx: unknown): tx is { body: UnknownRecord & { type: TxType }; signatures: TxSignature[] } {
  if (!isRecord(tx) || !hasExactKeys(tx, SIGNED_TX_KEYS)) return false;
  if (!isArrayOf(tx.signatures, MAX_CHANNEL_MEMBERS, isTxSignature)) return false;
  const body = tx.body;
  if (!isRecord(body) || !isTxType(body.type)) return false;
  return isChainIdValue(body.chainId) && isAddress(body.from) && isCount(body.nonce);
}

/** Per type: MALFORMED for a bad shape, else a value-range code, else null. */
function getBodyStaticValidity(body: UnknownRecord & { type: TxType }): LedgerErrorCode | null {
  switch (body.type) {
    case 'transfer':
      return getTransferStaticValidity(body);
    case 'channel.open':
      return getChannelOpenStaticValidity(body);
    case 'channel.deposit':
      return getChannelDepositStaticValidity(body);
    case 'channel.withdraw':
      return getChannelWithdrawStaticValidity(body);
    case 'channel.close':
      return getChannelCloseStaticValidity(body);
    case 'channel.terminate':
      return getChannelTerminateStaticValidity(body);
    case 'channel.challenge':
      return getChannelChallengeStaticValidity(body);
    case 'channel.settle':
      return getChannelSettleStaticValidity(body);
    default:
      return unreachable(body.type, 'getBodyStaticValidity: unknown tx type');
  }
}

/**
 * True when `value` has the exact shape of a SignedTx, so it can be encoded,
 * hashed and type-narrowed. Says nothing about chain, amounts or signatures.
 */
export function isWellFormedTx(value: unknown): value is SignedTx {
  return hasTxEnvelopeShape(value) && getBodyStaticValidity(value.body) !== 'MALFORMED';
}

/**
 * Null when `tx` may be applied as far as can be told without ledger state.
 * Checks, in order: shape (MALFORMED), chain id (WRONG_CHAIN), value ranges
 * (INVALID_AMOUNT, SELF_TRANSFER, NOT_A_MEMBER for channel.open), and last,
 * because it is the expensive part, the signatures (BAD_SIGNATURE). Never
 * throws, whatever `tx` holds at run time. `preimageOf` supplies the
 * signing preimage for a caller that keeps it (called only on a well-formed tx).
 */
export function checkTxStatic(
  scheme: SignatureScheme,
  chainId: string,
  tx: SignedTx,
  preimageOf?: (tx: SignedTx) => Uint8Array,
): LedgerErrorCode | null {
  const candidate: unknown = tx;
  if (!hasTxEnvelopeShape(candidate)) return 'MALFORMED';
  return checkEnvelopedTxStatic(scheme, chainId, tx, preimageOf);
}

/**
 * `checkTxStatic` for a transaction known to be well formed (isWellFormedTx
 * said so, and the value has not changed since): it skips the envelope's
 * shape, which a replica has checked when the transaction arrived.
 */
export function checkWellFormedTxStatic(
  scheme: SignatureScheme,
  chainId: string,
  tx: SignedTx,
  preimageOf?: (tx: SignedTx) => Uint8Array,
): LedgerErrorCode | null {
  return checkEnvelopedTxStatic(scheme, chainId, tx, preimageOf);
}

/** The rest of checkTxStatic once the envelope's shape is known to be right. */
function checkEnvelopedTxStatic(
  scheme: SignatureScheme,
  chainId: string,
  tx: SignedTx,
  preimageOf?: (tx: SignedTx) => Uint8Array,
): LedgerErrorCode | null {
  const body = tx.body as unknown as UnknownRecord & { type: TxType };
  const bodyCode = getBodyStaticValidity(body);
  if (bodyCode === 'MALFORMED') return 'MALFORMED';
  if (body.chainId !== chainId) return 'WRONG_CHAIN';
  if (bodyCode !== null) return bodyCode;
  return getTxSignatureValidity(scheme, tx, preimageOf?.(tx));
}
