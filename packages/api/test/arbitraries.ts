// fast-check arbitraries for signed transactions of every type, over the whole
// range the wire accepts: amounts from 0 to MAX_AMOUNT, any hex of the right
// length, 0..16 balances and signatures. The signatures are random hex, not
// valid signatures: these generators test encodings, not the ledger.
import fc from 'fast-check';
import { toHex } from '@wedge/common';
import { MAX_AMOUNT, MAX_CHANNEL_MEMBERS, type ChannelState, type SignedTx, type TxBody } from '@wedge/ledger';

const hexBytes = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map(toHex);
const address = hexBytes(20);
const hash = hexBytes(32);
const signature = hexBytes(64);
const publicKey = fc.tuple(fc.constantFrom('02', '03'), hexBytes(32)).map(([prefix, rest]) => prefix + rest);
const amount = fc.oneof(fc.bigInt(0n, MAX_AMOUNT), fc.constantFrom(0n, 1n, MAX_AMOUNT));
const count = fc.oneof(fc.nat(), fc.constant(Number.MAX_SAFE_INTEGER));
const chainId = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,62}$/);

const channelState: fc.Arbitrary<ChannelState> = fc.record({
  chainId,
  channelId: hash,
  version: count,
  balances: fc.array(amount, { maxLength: MAX_CHANNEL_MEMBERS }),
  deposited: fc.array(amount, { maxLength: MAX_CHANNEL_MEMBERS }),
  withdrawn: fc.array(amount, { maxLength: MAX_CHANNEL_MEMBERS }),
  commandsHash: hash,
  prevHash: hash,
  final: fc.boolean(),
});
const stateSignatures = fc.array(signature, { maxLength: MAX_CHANNEL_MEMBERS });

const common = { chainId, from: address, nonce: count };

const body: fc.Arbitrary<TxBody> = fc.oneof(
  fc.record({ type: fc.constant('transfer' as const), ...common, to: address, amount }),
  fc.record({
    type: fc.constant('channel.open' as const),
    ...common,
    channelId: hash,
    members: fc.uniqueArray(fc.record({ publicKey, deposit: amount }), {
      minLength: 2,
      maxLength: MAX_CHANNEL_MEMBERS,
      selector: (member) => member.publicKey,
    }),
    challengeBlocks: fc.integer({ min: 1, max: 100_000 }),
    topology: fc.constantFrom('star' as const, 'chain' as const),
  }),
  fc.record({ type: fc.constantFrom('channel.close' as const, 'channel.challenge' as const), ...common, channelId: hash, state: channelState, stateSignatures }),
  fc.record({ type: fc.constant('channel.terminate' as const), ...common, channelId: hash, state: channelState, stateSignatures }),
  fc.record({ type: fc.constant('channel.terminate' as const), ...common, channelId: hash, state: fc.constant(null), stateSignatures: fc.constant<string[]>([]) }),
  fc.record({ type: fc.constant('channel.settle' as const), ...common, channelId: hash }),
);

export const signedTx: fc.Arbitrary<SignedTx> = fc.record({
  body,
  signatures: fc.array(fc.record({ publicKey, signature }), { minLength: 1, maxLength: MAX_CHANNEL_MEMBERS }),
});
