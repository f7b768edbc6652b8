// Converters between signed transactions in code (bigint amounts) and on the
// wire (decimal strings). Each copies exactly the fields of its type, so a
// stray property on either side never changes what is signed or hashed, and
// fromWire(toWire(tx)) hashes like tx.
import { unreachable } from '@wedge/common';
import type { SignedTx, TxBody } from '@wedge/ledger';
import { channelStateFromWire, channelStateToWire } from './channel-state.ts';
import { amountFromWire, amountToWire } from './fields.ts';
import type { WireSignedTx, WireTxBody } from './tx-schema.ts';

export function txBodyFromWire(body: WireTxBody): TxBody {
  const common = { chainId: body.chainId, from: body.from, nonce: body.nonce };
  switch (body.type) {
    case 'transfer':
      return { type: body.type, ...common, to: body.to, amount: amountFromWire(body.amount) };
    case 'channel.open':
      return {
        type: body.type,
        ...common,
        channelId: body.channelId,
        members: body.members.map((member) => ({ publicKey: member.publicKey, deposit: amountFromWire(member.deposit) })),
        challengeBlocks: body.challengeBlocks,
        topology: body.topology,
      };
    case 'channel.deposit':
      return { type: body.type, ...common, channelId: body.channelId, amount: amountFromWire(body.amount) };
    case 'channel.close':
    case 'channel.challenge':
    case 'channel.withdraw':
      return {
        type: body.type,
        ...common,
        channelId: body.channelId,
        state: channelStateFromWire(body.state),
        stateSignatures: [...body.stateSignatures],
      };
    case 'channel.terminate':
      return {
        type: body.type,
        ...common,
        channelId: body.channelId,
        state: body.state === null ? null : channelStateFromWire(body.state),
        stateSignatures: [...body.stateSignatures],
      };
    case 'channel.settle':
      return { type: body.type, ...common, channelId: body.channelId };
    default:
      return unreachable(body, 'txBodyFromWire: unknown tx type');
  }
}

export function txBodyToWire(body: TxBody): WireTxBody {
  const common = { chainId: body.chainId, from: body.from, nonce: body.nonce };
  switch (body.type) {
    case 'transfer':
      return { type: body.type, ...common, to: body.to, amount: amountToWire(body.amount) };
    case 'channel.open':
      return {
        type: body.type,
        ...common,
        channelId: body.channelId,
        members: body.members.map((member) => ({ publicKey: member.publicKey, deposit: amountToWire(member.deposit) })),
        challengeBlocks: body.challengeBlocks,
        topology: body.topology,
      };
    case 'channel.deposit':
      return { type: body.type, ...common, channelId: body.channelId, amount: amountToWire(body.amount) };
    case 'channel.close':
    case 'channel.challenge':
    case 'channel.withdraw':
      return {
        type: body.type,
        ...common,
        channelId: body.channelId,
        state: channelStateToWire(body.state),
        stateSignatures: [...body.stateSignatures],
      };
    case 'channel.terminate':
      return {
        type: body.type,
        ...common,
        channelId: body.channelId,
        state: body.state === null ? null : channelStateToWire(body.state),
        stateSignatures: [...body.stateSignatures],
      };
    case 'channel.settle':
      return { type: body.type, ...common, channelId: body.channelId };
    default:
      return unreachable(body, 'txBodyToWire: unknown tx type');
  }
}

export function signedTxFromWire(wire: WireSignedTx): SignedTx {
  return {
    body: txBodyFromWire(wire.body),
    signatures: wire.signatures.map((entry) => ({ publicKey: entry.publicKey, signature: entry.signature })),
  };
}

/**
 * A conversion only: it does not check ranges, so a transaction with, say, a
 * negative amount converts, and the receiving replica's schema rejects it.
 */
export function signedTxToWire(tx: SignedTx): WireSignedTx {
  return {
    body: txBodyToWire(tx.body),
    signatures: tx.signatures.map((entry) => ({ publicKey: entry.publicKey, signature: entry.signature })),
  };
}
