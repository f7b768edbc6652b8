// The dashboard's config file, validated once at startup. Paths in it are
// relative to the file's own directory (key files: to `keysDir`), so a network
// directory can be moved as a whole.
//   {
//     "genesisPath": "genesis.json",
//     "replicas": ["http://127.0.0.1:7100", ...],
//     "channels": [{ "id": "<64 hex>", "memberUrls": [...], "watchtowerUrl": null,
//                    "memberKeyFiles": ["member-0.key", ...] }],
//     "keysDir": "keys"
//   }
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { GenesisFile, WireHash, WireReplicaUrl, describeZodError } from '@wedge/api';
import { WedgeError } from '@wedge/common';
import { MAX_CHANNEL_MEMBERS, MIN_CHANNEL_MEMBERS } from '@wedge/ledger';
import { z } from 'zod';
import { readMemberKey, type MemberKey } from './member-key.ts';

/** The page lists every channel it watches; more than this would not be a dashboard. */
export const MAX_CHANNELS = 32;
const MAX_REPLICA_URLS = 64;
const MAX_PATH_LENGTH = 4_096;

const FilePath = z.string().min(1).max(MAX_PATH_LENGTH);

function distinct(values: readonly string[]): boolean {
  return new Set(values).size === values.length;
}

const ChannelEntry = z
  .strictObject({
    id: WireHash,
    memberUrls: z.array(WireReplicaUrl).min(MIN_CHANNEL_MEMBERS).max(MAX_CHANNEL_MEMBERS).refine(distinct, 'member urls must be distinct'),
    watchtowerUrl: WireReplicaUrl.nullable(),
    /** One key file per member (null: that member's key is not available here), in member order. */
    memberKeyFiles: z.array(FilePath.nullable()).max(MAX_CHANNEL_MEMBERS).default([]),
  })
  .refine((channel) => channel.memberKeyFiles.length === 0 || channel.memberKeyFiles.length === channel.memberUrls.length, {
    message: 'memberKeyFiles needs one entry (a path or null) per member url',
    path: ['memberKeyFiles'],
  });

export const DashboardConfigFile = z.strictObject({
  genesisPath: FilePath,
  replicas: z.array(WireReplicaUrl).min(1).max(MAX_REPLICA_URLS).refine(distinct, 'replica urls must be distinct'),
  channels: z
    .array(ChannelEntry)
    .max(MAX_CHANNELS)
    .refine((channels) => distinct(channels.map((channel) => channel.id)), 'channel ids must be distinct'),
  keysDir: FilePath,
});
export type DashboardConfigFile = z.infer<typeof DashboardConfigFile>;

export type ChannelConfig = {
  readonly id: string;
  readonly memberUrls: readonly string[];
  readonly watchtowerUrl: string | null;
  /** Per member: its key, or null when the config names none. */
  readonly memberKeys: readonly (MemberKey | null)[];
};

export type DashboardConfig = {
  readonly genesis: GenesisFile;
  readonly replicas: readonly string[];
  readonly channels: readonly ChannelConfig[];
};

export class ConfigError extends WedgeError<'BAD_CONFIG'> {
  constructor(message: string, cause?: unknown) {
    super('BAD_CONFIG', message, { cause });
  }
}

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(`cannot read ${what} ${path}: ${(cause as Error).message}`, cause);
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(`${what} ${path} is not valid JSON`, cause);
  }
}

function parseWith<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ConfigError(`${what}: ${describeZodError(parsed.error)}`, parsed.error);
  return parsed.data;
}

function under(base: string, path: string): string {
  return isAbsolute(path) ? path : join(base, path);
}

/** Reads and checks the config file and everything it names (genesis, key files). */
export function loadConfig(configPath: string): DashboardConfig {
  const path = resolve(configPath);
  const base = dirname(path);
  const file = parseWith(DashboardConfigFile, readJson(path, 'config file'), `config file ${path}`);
  const genesisPath = under(base, file.genesisPath);
  const genesis = parseWith(GenesisFile, readJson(genesisPath, 'genesis file'), `genesis file ${genesisPath}`);
  const keysDir = under(base, file.keysDir);
  const channels = file.channels.map((channel, index): ChannelConfig => {
    const memberKeys = channel.memberUrls.map((_, member) => {
      const keyFile = channel.memberKeyFiles[member] ?? null;
      if (keyFile === null) return null;
      try {
        return readMemberKey(under(keysDir, keyFile));
      } catch (cause) {
        throw new ConfigError(`channels[${index}].memberKeyFiles[${member}]: ${(cause as Error).message}`, cause);
      }
    });
    return { id: channel.id, memberUrls: channel.memberUrls, watchtowerUrl: channel.watchtowerUrl, memberKeys };
  });
  return { genesis, replicas: file.replicas, channels };
}
