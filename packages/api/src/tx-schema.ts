// Signed transactions on the wire: every TxBody of @wedge/ledger with amounts
// as decimal strings. Objects are strict (an unknown key is an error, not
// silently dropped), so what a client signs is exactly what a replica sees.
// The schemas are built by one factory because committed blocks need a
// slightly looser variant (committed-tx.ts); everything else is shared.
import {
  MAX_CHALLENGE_BLOCKS,
  MAX_CHANNEL_MEMBERS,
  MIN_CHALLENGE_BLOCKS,
  MIN_CHANNEL_MEMBERS,
} from '@wedge/ledger';
import { z } from 'zod';
import { channelStateSchema } from './channel-state.ts';
import { WireAddress, WireAmount, WireChainId, WireCount, WireHash, WirePublicKey, WireSignature } from './fields.ts';

export type TxSchemaOptions<Balance extends z.ZodType<string>, StateSignature extends z.ZodType<string>> = {
  /** A balance inside a submitted channel state. */
  balance: Balance;
  /** A member's signature over a channel state (checked against the channel by the ledger, not statically). */
  stateSignature: StateSignature;
};

const commonFields = { chainId: WireChainId, from: WireAddress, nonce: WireCount };

const WireMemberDeposit = z.strictObject({ publicKey: WirePublicKey, deposit: WireAmount });

export const WireTxSignature = z.strictObject({ publicKey: WirePublicKey, signature: WireSignature });

export function txSchemas<Balance extends z.ZodType<string>, StateSignature extends z.ZodType<string>>(
  options: TxSchemaOptions<Balance, StateSignature>,
) {
  const state = channelStateSchema(options.balance);
  const stateSignatures = z.array(options.stateSignature).max(MAX_CHANNEL_MEMBERS);

  const transfer = z.strictObject({ type: z.literal('transfer'), ...commonFields, to: WireAddress, amount: WireAmount });
  const channelOpen = z
    .strictObject({
      type: z.literal('channel.open'),
      ...commonFields,
      channelId: WireHash,
      members: z.array(WireMemberDeposit).min(MIN_CHANNEL_MEMBERS).max(MAX_CHANNEL_MEMBERS),
      challengeBlocks: z.int().min(MIN_CHALLENGE_BLOCKS).max(MAX_CHALLENGE_BLOCKS),
      topology: z.enum(['star', 'chain']),
    })
    .refine((body) => new Set(body.members.map((member) => member.publicKey)).size === body.members.length, {
      message: 'members must have distinct public keys',
      path: ['members'],
    });
  const channelDeposit = z.strictObject({ type: z.literal('channel.deposit'), ...commonFields, channelId: WireHash, amount: WireAmount });
  const channelWithdraw = z.strictObject({ type: z.literal('channel.withdraw'), ...commonFields, channelId: WireHash, state, stateSignatures });
  const channelClose = z.strictObject({ type: z.literal('channel.close'), ...commonFields, channelId: WireHash, state, stateSignatures });
  // A null state names the opening state, which needs no signatures.
  const channelTerminate = z
    .strictObject({
      type: z.literal('channel.terminate'),
      ...commonFields,
      channelId: WireHash,
      state: state.nullable(),
      stateSignatures,
    })
    .refine((body) => body.state !== null || body.stateSignatures.length === 0, {
      message: 'a null state (the opening state) takes no signatures',
      path: ['stateSignatures'],
    });
  const channelChallenge = z.strictObject({
    type: z.literal('channel.challenge'),
    ...commonFields,
    channelId: WireHash,
    state,
    stateSignatures,
  });
  const channelSettle = z.strictObject({ type: z.literal('channel.settle'), ...commonFields, channelId: WireHash });

  const body = z.discriminatedUnion('type', [transfer, channelOpen, channelDeposit, channelWithdraw, channelClose, channelTerminate, channelChallenge, channelSettle]);
  const signedTx = z.strictObject({
    body,
    // One per signer: the sender, or each member of a channel.open.
    signatures: z.array(WireTxSignature).min(1).max(MAX_CHANNEL_MEMBERS),
  });
  return { body, signedTx };
}

const strict = txSchemas({ balance: WireAmount, stateSignature: WireSignature });

/** A transaction as clients submit it: every amount and balance in 0..MAX_AMOUNT, every signature 64 bytes. */
export const WireSignedTx = strict.signedTx;
export type WireSignedTx = z.infer<typeof WireSignedTx>;

export const WireTxBody = strict.body;
export type WireTxBody = z.infer<typeof WireTxBody>;
export type WireTxSignature = z.infer<typeof WireTxSignature>;
