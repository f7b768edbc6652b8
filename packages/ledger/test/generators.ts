// Random transaction plans for the property and determinism tests: blocks of
// actions of every type, valid and invalid, turned into signed transactions
// against the current state (so nonces and channel members mostly fit, and
// sometimes deliberately do not).
import fc from 'fast-check';
import { createStandInScheme, type KeyPair } from '@wedge/crypto';
import { toHex } from '@wedge/common';
import { createLedger, signTx, type ChannelState, type LedgerState, type SignedTx, type TxBody } from '../src/index.ts';
import {
  CHAIN_ID,
  certify,
  channelIdOf,
  channelState,
  makeKeys,
  nonceOf,
  OTHER_CHAIN_ID,
  openTx,
  depositTx,
  settleTx,
  submitStateTx,
  transferBody,
  unsignedTx,
  withdrawTx,
} from './fixtures.ts'; 

export const scheme = createStandInScheme();
const keys = makeKeys(scheme, 5, 'prop');
const FUNDED = 4; // key 4 starts with nothing, like a watchtower
// Few channel ids, so that opens, terminations, challenges and settlements meet on the same channel.
const CHANNEL_IDS = [0, 1].map((index) => channelIdOf(`prop-${index}`));

const keyIndex = fc.nat(keys.length - 1);
const nonceSkew = fc.oneof({ weight: 8, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(-1, 1) });
const signatureMode = fc.oneof(
  { weight: 8, arbitrary: fc.constant('valid' as const) },
  { weight: 1, arbitrary: fc.constantFrom('missing' as const, 'nonMember' as const, 'otherState' as const) },
);
const stateChoice = fc.record({
  channel: fc.nat(CHANNEL_IDS.length - 1),
  version: fc.nat(6),
  split: fc.array(fc.nat(1000), { minLength: 4, maxLength: 4 }),
  misfit: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  final: fc.boolean(),
  signatures: signatureMode,
});

const action = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('transfer' as const), from: keyIndex, to: keyIndex, amount: fc.bigInt(-2n, 1500n), skew: nonceSkew }) },
  { weight: 3, arbitrary: fc.record({
    kind: fc.constant('open' as const),
    sender: keyIndex,
    senderSlot: fc.nat(3),
    members: fc.uniqueArray(keyIndex, { minLength: 2, maxLength: 3 }),
    deposits: fc.array(fc.bigInt(0n, 400n), { minLength: 4, maxLength: 4 }),
    channel: fc.nat(CHANNEL_IDS.length - 1),
    challengeBlocks: fc.integer({ min: 1, max: 5 }),
    skew: nonceSkew,
  }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constantFrom('terminate' as const, 'challenge' as const, 'challenge' as const, 'close' as const), sender: keyIndex, senderSlot: fc.nat(3), skew: nonceSkew, state: stateChoice }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('settle' as const), sender: keyIndex, channel: fc.nat(CHANNEL_IDS.length - 1), skew: nonceSkew }) },
  // Top-ups and withdrawals while open (DESIGN §7): a deposit of any size (0 and beyond the funds too), a state that withdraws part of one member's balance.
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('deposit' as const), sender: keyIndex, senderSlot: fc.nat(3), channel: fc.nat(CHANNEL_IDS.length - 1), amount: fc.bigInt(0n, 1200n), skew: nonceSkew }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('withdraw' as const), sender: keyIndex, senderSlot: fc.nat(3), skew: nonceSkew, state: stateChoice, member: fc.nat(3), take: fc.bigInt(0n, 1000n) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('wrongChain' as const, 'malformed' as const, 'forged' as const), from: keyIndex, to: keyIndex }) },
);
type StateChoice = typeof stateChoice extends fc.Arbitrary<infer T> ? T : never;
export type Action = typeof action extends fc.Arbitrary<infer T> ? T : never;

// Empty blocks are common: they are how L1 time passes towards a deadline.
export const blocks = fc.array(fc.array(action, { maxLength: 5 }), { minLength: 1, maxLength: 14 });

function nonceFor(state: LedgerState, key: KeyPair, skew: number): number {
  return Math.max(0, nonceOf(state, key) + skew);
}

/** A state for the chosen channel, split to fit its record (or not, when `misfit`). */
function buildChannelState(state: LedgerState, choice: StateChoice): { channelState: ChannelState; members: KeyPair[] } {
  const id = CHANNEL_IDS[choice.channel]!;
  const record = state.channels.get(id);
  const members = record ? record.members.map((member) => keys.find((key) => key.address === member.address)!) : [keys[0]!, keys[1]!];
  const total = record?.total ?? 100n;
  let remaining = total;
  const balances = members.map((_, index) => {
    if (index === members.length - 1) return remaining;
    const share = remaining === 0n ? 0n : BigInt(choice.split[index]!) % (remaining + 1n);
    remaining -= share;
    return share;
  });
  if (choice.misfit) balances[0] = balances[0]! + 1n;
  const accounted = record === undefined ? {} : { deposited: record.deposited, withdrawn: record.withdrawn };
  return { channelState: channelState(id, choice.version, balances, { final: choice.final, ...accounted }), members };
}

function stateSignatures(mode: string, submitted: ChannelState, members: KeyPair[]): string[] {
  switch (mode) {
    case 'missing':
      return certify(scheme, submitted, members.slice(1));
    case 'nonMember':
      return certify(scheme, submitted, [...members.slice(1), keys.find((key) => !members.includes(key))!]);
    case 'otherState':
      return certify(scheme, { ...submitted, version: submitted.version + 1 }, members);
    default:
      return certify(scheme, submitted, members);
  }
}

export function buildTx(state: LedgerState, step: Action): SignedTx {
  switch (step.kind) {
    case 'transfer':
      return signTx(scheme, transferBody(keys[step.from]!, nonceFor(state, keys[step.from]!, step.skew), keys[step.to]!.address, step.amount), [keys[step.from]!]);
    case 'open': {
      const members = step.members.map((index) => keys[index]!);
      const deposits = step.deposits.slice(0, members.length);
      // Mostly a member sends it; slot 3 (or a slot past the group) picks anyone.
      const sender = members[step.senderSlot] ?? keys[step.sender]!;
      const tx = openTx(scheme, sender, nonceFor(state, sender, step.skew), CHANNEL_IDS[step.channel]!, members, deposits, {
        challengeBlocks: step.challengeBlocks,
      });
      return tx;
    }
    case 'terminate':
    case 'challenge':
    case 'close': {
      const { channelState: submitted, members } = buildChannelState(state, step.state);
      const sender = members[step.senderSlot] ?? keys[step.sender]!;
      const useNull = step.kind === 'terminate' && submitted.version === 0 && !step.state.misfit;
      const signatures = useNull ? [] : stateSignatures(step.state.signatures, submitted, members);
      return submitStateTx(scheme, `channel.${step.kind}`, sender, nonceFor(state, sender, step.skew), submitted.channelId, useNull ? null : submitted, signatures);
    }
    case 'settle':
      return settleTx(scheme, keys[step.sender]!, nonceFor(state, keys[step.sender]!, step.skew), CHANNEL_IDS[step.channel]!);
    case 'deposit': {
      const record = state.channels.get(CHANNEL_IDS[step.channel]!);
      const members = record ? record.members.map((member) => keys.find((key) => key.address === member.address)!) : [];
      const sender = members[step.senderSlot] ?? keys[step.sender]!;
      return depositTx(scheme, sender, nonceFor(state, sender, step.skew), CHANNEL_IDS[step.channel]!, step.amount);
    }
    case 'withdraw': {
      const { channelState: base, members } = buildChannelState(state, step.state);
      // Move part of one member's balance into its cumulative withdrawal (the state still adds up).
      const member = step.member % members.length;
      const take = base.balances[member]! < 0n ? 0n : step.take % (base.balances[member]! + 1n);
      const balances = base.balances.map((balance, index) => (index === member ? balance - take : balance));
      const withdrawn = base.withdrawn.map((amount, index) => (index === member ? amount + take : amount));
      const submitted: ChannelState = { ...base, balances, withdrawn };
      const sender = members[step.senderSlot] ?? keys[step.sender]!;
      return withdrawTx(scheme, sender, nonceFor(state, sender, step.skew), submitted.channelId, submitted, stateSignatures(step.state.signatures, submitted, members));
    }
    case 'wrongChain':
      return signTx(scheme, transferBody(keys[step.from]!, nonceOf(state, keys[step.from]!), keys[step.to]!.address, 1n, OTHER_CHAIN_ID), [keys[step.from]!]);
    case 'malformed':
      return unsignedTx({ ...transferBody(keys[step.from]!, 0, keys[step.to]!.address, 1n), amount: '1' }, [keys[step.from]!]);
    case 'forged': {
      // The forger signs, but claims the owner's key.
      const owner = keys[step.from]!;
      const forger = keys[(step.from + 1) % keys.length]!;
      const body: TxBody = transferBody(owner, nonceOf(state, owner), keys[step.to]!.address, 1n);
      const signature = signTx(scheme, body, [forger]).signatures[0]!.signature;
      return { body, signatures: [{ publicKey: toHex(owner.publicKey), signature }] };
    }
  }
}

export function genesisLedger(): LedgerState {
  return createLedger({ chainId: CHAIN_ID, accounts: keys.slice(0, FUNDED).map((key) => ({ address: key.address, balance: 1000n })) });
}
