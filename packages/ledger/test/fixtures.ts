// Shared builders for the ledger tests: deterministic keys, a genesis, signed
// transactions of every type, certified channel states, and a small harness
// that applies transactions the way a replica does.
import { sha256, keyPairFromSeed, type KeyPair, type SignatureScheme } from '@wedge/crypto';
import { toHex, utf8 } from '@wedge/common';
import {
  applyBlock,
  applyTx,
  checkTxStatic,
  createLedger,
  signChannelState,
  signTx,
  stateRoot,
  type ChannelState,
  type ChannelTopology,
  type LedgerState,
  type SignedTx,
  type TransferBody,
  type TxBody,
  type TxCode,
  type TxResult,
} from '../src/index.ts';

export const CHAIN_ID = 'wedge-test';
export const OTHER_CHAIN_ID = 'wedge-other';
export const GENESIS_BALANCE = 1_000_000n;

export function makeKeys(scheme: SignatureScheme, count: number, prefix = 'key'): KeyPair[] {
  return Array.from({ length: count }, (_, index) => keyPairFromSeed(scheme, `${prefix}-${index}`));
}

/** A deterministic 64-hex channel id from a label. */
export function channelIdOf(label: string): string {
  return toHex(sha256(utf8(`channel/${label}`)));
}

export function hashOf(label: string): string {
  return toHex(sha256(utf8(`hash/${label}`)));
}

/** A ledger whose first `funded` keys hold GENESIS_BALANCE each. */
export function makeLedger(keys: readonly KeyPair[], chainId = CHAIN_ID): LedgerState {
  return createLedger({ chainId, accounts: keys.map((key) => ({ address: key.address, balance: GENESIS_BALANCE })) });
}

export function transferBody(from: KeyPair, nonce: number, to: string, amount: bigint, chainId = CHAIN_ID): TransferBody {
  return { type: 'transfer', chainId, from: from.address, nonce, to, amount };
}

export type OpenOptions = { challengeBlocks?: number; topology?: ChannelTopology; chainId?: string };

export function openBody(
  sender: KeyPair,
  nonce: number,
  channelId: string,
  members: readonly KeyPair[],
  deposits: readonly bigint[],
  options: OpenOptions = {},
): TxBody {
  return {
    type: 'channel.open',
    chainId: options.chainId ?? CHAIN_ID,
    from: sender.address,
    nonce,
    channelId,
    members: members.map((member, index) => ({ publicKey: toHex(member.publicKey), deposit: deposits[index]! })),
    challengeBlocks: options.challengeBlocks ?? 10,
    topology: options.topology ?? 'star',
  };
}

/**
 * A transaction with well-shaped but meaningless signatures, for bodies that
 * cannot be signed (they do not encode) and must be refused before any
 * signature is looked at.
 */
export function unsignedTx(body: unknown, signers: readonly KeyPair[]): SignedTx {
  const signatures = signers.map((signer) => ({ publicKey: toHex(signer.publicKey), signature: '11'.repeat(64) }));
  return { body: body as TxBody, signatures };
}

/** channel.open signed by every member in member order. */
export function openTx(
  scheme: SignatureScheme,
  sender: KeyPair,
  nonce: number,
  channelId: string,
  members: readonly KeyPair[],
  deposits: readonly bigint[],
  options: OpenOptions = {},
): SignedTx {
  return signTx(scheme, openBody(sender, nonce, channelId, members, deposits, options), members);
}

/**
 * `deposited`: what the state accounts for as put in, per member (default:
 * its balances, as if nobody had paid anybody); `withdrawn`: taken out
 * (default: nothing).
 */
export type StateOptions = { final?: boolean; chainId?: string; deposited?: readonly bigint[]; withdrawn?: readonly bigint[] };

export function channelState(
  channelId: string,
  version: number,
  balances: readonly bigint[],
  options: StateOptions = {},
): ChannelState {
  return {
    chainId: options.chainId ?? CHAIN_ID,
    channelId,
    version,
    balances: [...balances],
    deposited: [...(options.deposited ?? balances)],
    withdrawn: [...(options.withdrawn ?? balances.map(() => 0n))],
    commandsHash: hashOf(`commands-${version}`),
    prevHash: hashOf(`prev-${version}`),
    final: options.final ?? false,
  };
}

/** Signatures of `signers` over `state`, in order: a certificate when signers are the members. */
export function certify(scheme: SignatureScheme, state: ChannelState, signers: readonly KeyPair[]): string[] {
  return signers.map((signer) => signChannelState(scheme, state, signer.secretKey));
}

type SubmissionType = 'channel.close' | 'channel.terminate' | 'channel.challenge';

export function submitStateTx(
  scheme: SignatureScheme,
  type: SubmissionType,
  sender: KeyPair,
  nonce: number,
  channelId: string,
  state: ChannelState | null,
  stateSignatures: string[],
  chainId = CHAIN_ID,
): SignedTx {
  const body = { type, chainId, from: sender.address, nonce, channelId, state, stateSignatures } as TxBody;
  return signTx(scheme, body, [sender]);
}

/** channel.deposit of `amount` by `sender` (a member, for it to apply). */
export function depositTx(scheme: SignatureScheme, sender: KeyPair, nonce: number, channelId: string, amount: bigint, chainId = CHAIN_ID): SignedTx {
  return signTx(scheme, { type: 'channel.deposit', chainId, from: sender.address, nonce, channelId, amount }, [sender]);
}

/** channel.withdraw with `state` and its signatures. */
export function withdrawTx(scheme: SignatureScheme, sender: KeyPair, nonce: number, channelId: string, state: ChannelState, stateSignatures: string[]): SignedTx {
  return signTx(scheme, { type: 'channel.withdraw', chainId: CHAIN_ID, from: sender.address, nonce, channelId, state, stateSignatures }, [sender]);
}

export function settleTx(scheme: SignatureScheme, sender: KeyPair, nonce: number, channelId: string): SignedTx {
  return signTx(scheme, { type: 'channel.settle', chainId: CHAIN_ID, from: sender.address, nonce, channelId }, [sender]);
}

export function nonceOf(state: LedgerState, key: KeyPair): number {
  return state.accounts.get(key.address)?.nonce ?? 0;
}

export function balanceOf(state: LedgerState, address: string): bigint {
  return state.accounts.get(address)?.balance ?? 0n;
}

/** What a replica does with one transaction inside the next block, without closing the block. */
export function attempt(scheme: SignatureScheme, state: LedgerState, tx: SignedTx): TxCode {
  return checkTxStatic(scheme, state.chainId, tx) ?? applyTx(scheme, state, tx, state.height + 1);
}

/** Attempts `tx` and returns its code together with whether the state root moved. */
export function attemptWithRoot(scheme: SignatureScheme, state: LedgerState, tx: SignedTx): { code: TxCode; changed: boolean } {
  const before = stateRoot(state);
  const code = attempt(scheme, state, tx);
  return { code, changed: stateRoot(state) !== before };
}

/** Commits a block holding `txs` at the next height. */
export function commit(scheme: SignatureScheme, state: LedgerState, txs: SignedTx[]): TxResult[] {
  return applyBlock(scheme, state, { height: state.height + 1, txs });
}

/** Commits `count` empty blocks: L1 time passing. */
export function advance(scheme: SignatureScheme, state: LedgerState, count: number): void {
  for (let index = 0; index < count; index++) commit(scheme, state, []);
}
