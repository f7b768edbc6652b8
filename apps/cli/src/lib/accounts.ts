// Local account names. The genesis accounts in accounts.json are account-0,
// account-1, ... by position; `wedge account new` adds keys/NAME.json. A name
// stands for a key pair wherever a command signs, and for its address
// wherever a command only needs one.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fromHex, toHex } from '@wedge/common';
import { keyPairFromSecret, type KeyPair } from '@wedge/crypto';
import { fastSecp256k1, randomKeyPair } from '@wedge/crypto/node';
import { WireAddress, WirePublicKey } from '@wedge/api';
import { z } from 'zod';
import { Address } from './arguments.ts';
import { UsageError } from './cli-error.ts';
import { ensureDir, readAccountsFile, readJsonFile, writeJsonFile, type Home } from './home.ts';

const GENESIS_NAME = /^account-(0|[1-9][0-9]{0,5})$/;

const KeyFile = z.object({
  name: z.string(),
  address: WireAddress,
  publicKey: WirePublicKey,
  secretKey: z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex characters'),
});

export type NamedKey = { name: string; keyPair: KeyPair };

function keyPath(home: Home, name: string): string {
  return join(home.keys, `${name}.json`);
}

function keyOf(secretKeyHex: string, name: string): NamedKey {
  return { name, keyPair: keyPairFromSecret(fastSecp256k1, fromHex(secretKeyHex)) };
}

/** The key pair named `name`; an unknown name is a bad argument. */
export function resolveKey(home: Home, name: string): NamedKey {
  const genesis = GENESIS_NAME.exec(name);
  if (genesis !== null) {
    const accounts = readAccountsFile(home);
    const entry = accounts[Number(genesis[1])];
    if (entry === undefined) throw new UsageError(`no account named ${name}: the genesis has account-0..account-${accounts.length - 1}`);
    return keyOf(entry.secretKey, name);
  }
  const path = keyPath(home, name);
  if (!existsSync(path)) throw new UsageError(`no account named ${name} (no ${path}); create it with \`wedge account new --name ${name}\``);
  // A key others can read is no longer only ours: refuse to use it, as the replica refuses its key file.
  if ((statSync(path).mode & 0o077) !== 0) throw new UsageError(`${path} is readable by others; chmod 600 it`);
  const file = readJsonFile(path, KeyFile, `no key file ${path}`);
  const named = keyOf(file.secretKey, name);
  if (named.keyPair.address !== file.address) throw new UsageError(`${path}: the address does not match the secret key`);
  return named;
}

/** An address as given, or the address of a named account. */
export function resolveAddress(home: Home, addressOrName: string): string {
  const address = Address.safeParse(addressOrName);
  return address.success ? address.data : resolveKey(home, addressOrName).keyPair.address;
}

/** Writes a new key under keys/NAME.json (mode 0600); without a name it is acct- and the first 8 hex of its address. */
export function createKey(home: Home, requested: string | null): NamedKey {
  if (requested !== null && GENESIS_NAME.test(requested)) throw new UsageError(`${requested} is reserved for the genesis accounts; choose another name`);
  const keyPair = randomKeyPair(fastSecp256k1);
  const name = requested ?? `acct-${keyPair.address.slice(0, 8)}`;
  const path = keyPath(home, name);
  if (existsSync(path)) throw new UsageError(`an account named ${name} exists already (${path})`);
  ensureDir(home.keys);
  writeJsonFile(path, { name, address: keyPair.address, publicKey: toHex(keyPair.publicKey), secretKey: toHex(keyPair.secretKey) }, 0o600);
  return { name, keyPair };
}

/** Every local name with its address: the genesis accounts, then keys/ in name order. */
export function listNames(home: Home): { name: string; address: string }[] {
  const names = readAccountsFile(home).map((account, index) => ({ name: `account-${index}`, address: account.address }));
  if (existsSync(home.keys)) {
    for (const file of readdirSync(home.keys).sort()) {
      if (!file.endsWith('.json')) continue;
      const parsed = KeyFile.safeParse(readJsonFile(join(home.keys, file), z.unknown(), ''));
      if (parsed.success) names.push({ name: parsed.data.name, address: parsed.data.address });
    }
  }
  return names;
}

/** The local name of `address`, if it has one (for readable output). */
export function nameOf(home: Home, address: string): string | null {
  return listNames(home).find((entry) => entry.address === address)?.name ?? null;
}
