// The local network directory (default .wedge): where `network up` writes the
// genesis, keys and replica data, and where every later command finds them.
// Every file read from it passes a zod schema, so a hand-edited or truncated
// file is a clear error instead of an undefined deep inside a command.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GenesisFile, WireAddress, WirePublicKey } from '@wedge/api';
import { z } from 'zod';
import { CliError } from './cli-error.ts';

export const DEFAULT_DIR = '.wedge';

export type Home = {
  readonly dir: string;
  readonly genesis: string;
  readonly network: string;
  readonly accounts: string;
  readonly pids: string;
  readonly channels: string;
  readonly keys: string;
  readonly logs: string;
  readonly l2Data: string;
};

export function homeOf(dir: string): Home {
  const root = resolve(dir);
  return {
    dir: root,
    genesis: join(root, 'genesis.json'),
    network: join(root, 'network.json'),
    accounts: join(root, 'accounts.json'),
    pids: join(root, 'pids.json'),
    channels: join(root, 'channels.json'),
    keys: join(root, 'keys'),
    logs: join(root, 'logs'),
    l2Data: join(root, 'l2'),
  };
}

const Hex32 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex characters');

/** network.json as writeNetwork (apps/l1-node/src/genesis-tool.ts) writes it. */
export const NetworkFile = z.object({
  genesisHash: Hex32,
  replicas: z
    .array(z.object({ id: z.int().nonnegative(), url: z.string(), port: z.int().min(1).max(65_535), keyPath: z.string(), dataDir: z.string() }))
    .min(1)
    .max(64),
});
export type NetworkFile = z.infer<typeof NetworkFile>;

/** accounts.json: the funded genesis accounts' keys, named account-0, account-1, ... by position. */
export const AccountsFile = z.array(z.object({ address: WireAddress, publicKey: WirePublicKey, secretKey: Hex32 })).max(100_000);
export type AccountsFile = z.infer<typeof AccountsFile>;

export function hasNetwork(home: Home): boolean {
  return existsSync(home.genesis) && existsSync(home.network);
}

/** Reads `path` as JSON through `schema`; `missing` is the message when the file does not exist. */
export function readJsonFile<T extends z.ZodType>(path: string, schema: T, missing: string): z.output<T> {
  if (!existsSync(path)) throw new CliError('NOT_FOUND', missing);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new CliError('BAD_FILE', `${path} is not valid JSON`, 1, { cause });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError('BAD_FILE', `${path}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`.trim(), 1);
  }
  return parsed.data;
}

/** Writes JSON through a temporary file and a rename, so a reader never sees half a file. */
export function writeJsonFile(path: string, value: unknown, mode = 0o644): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`, { mode });
  renameSync(temporary, path);
}

function noNetwork(home: Home): string {
  return `no network in ${home.dir}: run \`wedge network up --dir ${home.dir}\` first`;
}

export function readGenesis(home: Home): GenesisFile {
  return readJsonFile(home.genesis, GenesisFile, noNetwork(home));
}

export function readNetworkFile(home: Home): NetworkFile {
  return readJsonFile(home.network, NetworkFile, noNetwork(home));
}

export function readAccountsFile(home: Home): AccountsFile {
  return readJsonFile(home.accounts, AccountsFile, noNetwork(home));
}

export function ensureDir(path: string): string {
  mkdirSync(path, { recursive: true });
  return path;
}
