// Shared builders for the api tests: deterministic secp256k1 keys, a real
// signed transaction of every type, and a valid genesis file.
import { toHex, utf8 } from '@wedge/common';
import { keyPairFromSeed, sha256, type KeyPair } from '@wedge/crypto';
import { fastSecp256k1 } from '@wedge/crypto/node';
import { openingState, signChannelState, signTx, type ChannelState, type SignedTx, type TxBody } from '@wedge/ledger';
import type { GenesisFile } from '../src/index.ts';

export const scheme = fastSecp256k1;
export const CHAIN_ID = 'wedge-api-test';

export const keys: KeyPair[] = Array.from({ length: 4 }, (_, index) => keyPairFromSeed(scheme, `api-test/${index}`));

export function hashOf(label: string): string {
  return toHex(sha256(utf8(label)));
}

export const CHANNEL_ID = hashOf('channel');

function stateAt(version: number, balances: bigint[], final = false): ChannelState {
  return { ...openingState(CHAIN_ID, CHANNEL_ID, balances), version, commandsHash: hashOf(`commands/${version}`), prevHash: hashOf(`prev/${version}`), final };
}

function certify(state: ChannelState, members: KeyPair[]): string[] {
  return members.map((member) => signChannelState(scheme, state, member.secretKey));
}

const [alice, bob] = [keys[0]!, keys[1]!];
const common = (sender: KeyPair, nonce: number) => ({ chainId: CHAIN_ID, from: sender.address, nonce });

/** One genuinely signed transaction of each type. */
export function sampleTxs(): Record<TxBody['type'], SignedTx> {
  const closing = stateAt(3, [40n, 60n], true);
  const latest = stateAt(2, [45n, 55n]);
  const withdrawal = { ...stateAt(4, [30n, 55n]), deposited: [50n, 50n], withdrawn: [15n, 0n] };
  const openBody: TxBody = {
    type: 'channel.open',
    ...common(alice, 1),
    channelId: CHANNEL_ID,
    members: [
      { publicKey: toHex(alice.publicKey), deposit: 50n },
      { publicKey: toHex(bob.publicKey), deposit: 50n },
    ],
    challengeBlocks: 10,
    topology: 'star',
  };
  return {
    transfer: signTx(scheme, { type: 'transfer', ...common(alice, 0), to: bob.address, amount: 1234567890123456789012345n }, [alice]),
    'channel.open': signTx(scheme, openBody, [alice, bob]),
    'channel.deposit': signTx(scheme, { type: 'channel.deposit', ...common(bob, 1), channelId: CHANNEL_ID, amount: 25n }, [bob]),
    'channel.withdraw': signTx(
      scheme,
      { type: 'channel.withdraw', ...common(alice, 3), channelId: CHANNEL_ID, state: withdrawal, stateSignatures: certify(withdrawal, [alice, bob]) },
      [alice],
    ),
    'channel.close': signTx(
      scheme,
      { type: 'channel.close', ...common(bob, 0), channelId: CHANNEL_ID, state: closing, stateSignatures: certify(closing, [alice, bob]) },
      [bob],
    ),
    'channel.terminate': signTx(
      scheme,
      { type: 'channel.terminate', ...common(alice, 2), channelId: CHANNEL_ID, state: latest, stateSignatures: certify(latest, [alice, bob]) },
      [alice],
    ),
    'channel.challenge': signTx(
      scheme,
      { type: 'channel.challenge', ...common(bob, 1), channelId: CHANNEL_ID, state: closing, stateSignatures: certify(closing, [alice, bob]) },
      [bob],
    ),
    'channel.settle': signTx(scheme, { type: 'channel.settle', ...common(keys[2]!, 0), channelId: CHANNEL_ID }, [keys[2]!]),
  };
}

/** A terminate naming the opening state: null, with no state signatures. */
export function nullTerminateTx(): SignedTx {
  return signTx(
    scheme,
    { type: 'channel.terminate', ...common(alice, 3), channelId: CHANNEL_ID, state: null, stateSignatures: [] },
    [alice],
  );
}

export function sampleGenesis(replicaCount = 4): GenesisFile {
  const replicas = Array.from({ length: replicaCount }, (_, id) => keyPairFromSeed(scheme, `api-test/replica/${id}`));
  return {
    chainId: CHAIN_ID,
    replicas: replicas.map((key, id) => ({ id, publicKey: toHex(key.publicKey), url: `http://127.0.0.1:${7000 + id}` })),
    accounts: keys.map((key, index) => ({ address: key.address, balance: String(1_000_000 * (index + 1)) })),
    params: {
      checkpointBlocks: 8,
      watermarkBlocks: 32,
      maxBlockTxs: 500,
      pipelineBlocks: 4,
      maxPendingTxs: 10_000,
      progressTimeoutMs: 800,
      viewChangeTimeoutMs: 1_000,
      idleBlockMs: 150,
      fetchRetryMs: 400,
      maxFetchBlocks: 32,
    },
  };
}

/** A deep copy of JSON data, so a test can edit one field without touching the original. */
export function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
