// Canonical forms of the ledger's signed objects. Each function copies exactly
// the fields that belong to the object, so a stray extra property on a value
// can never change what is signed or hashed.
import { unreachable } from '@wedge/common';
import type { Canonical } from '@wedge/crypto';
import type { ChannelState, SignedTx, TxBody } from './types.ts';

export function canonicalChannelState(state: ChannelState): Canonical {
  return {
    chainId: state.chainId,
    channelId: state.channelId,
    version: state.version,
    balances: [...state.balances],
    deposited: [...state.deposited],
    withdrawn: [...state.withdrawn],
    commandsHash: state.commandsHash,
    prevHash: state.prevHash,
    final: state.final,
  };
}

export function canonicalTxBody(body: TxBody): Canonical {
  // A transfer, by far the most common body, is built in one literal with its
  // keys in sorted order, which the encoder then need not sort.
  if (body.type === 'transfer') {
    return { amount: body.amount, chainId: body.chainId, from: body.from, nonce: body.nonce, to: body.to, type: body.type };
  }
  const common = { type: body.type, chainId: body.chainId, from: body.from, nonce: body.nonce };
  switch (body.type) {
    case 'channel.open':
      return {
        ...common,
        channelId: body.channelId,
        members: body.members.map((member) => ({ publicKey: member.publicKey, deposit: member.deposit })),
        challengeBlocks: body.challengeBlocks,
        topology: body.topology,
      };
    case 'channel.deposit':
      return { ...common, channelId: body.channelId, amount: body.amount };
    case 'channel.close':
    case 'channel.challenge':
    case 'channel.withdraw':
      return {
        ...common,
        channelId: body.channelId,
        state: canonicalChannelState(body.state),
        stateSignatures: [...body.stateSignatures],
      };
    case 'channel.terminate':
      return {
        ...common,
        channelId: body.channelId,
        state: body.state === null ? null : canonicalChannelState(body.state),
        stateSignatures: [...body.stateSignatures],
      };
    case 'channel.settle':
      return { ...common, channelId: body.channelId };
    default:
      return unreachable(body, 'canonicalTxBody: unknown tx type');
  }
}

export function canonicalSignedTx(tx: SignedTx): Canonical {
  return {
    body: canonicalTxBody(tx.body),
    signatures: tx.signatures.map((entry) => ({ publicKey: entry.publicKey, signature: entry.signature })),
  };
}
