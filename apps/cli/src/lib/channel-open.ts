// Opening a channel from the CLI: channel.open on L1 signed by every member
// (each member's deposit is locked only with its own signature), then one
// member process per member, recorded in channels.json and pids.json.
import { randomBytes } from 'node:crypto';
import { toHex } from '@wedge/common';
import type { ChannelTopology } from '@wedge/ledger';
import type { WedgeClient } from '@wedge/client';
import { writeKeyFile } from '../../../l1-node/src/key-file.ts';
import type { NamedKey } from './accounts.ts';
import { CliError } from './cli-error.ts';
import { saveChannel, type ChannelEntry } from './channel-registry.ts';
import type { Home } from './home.ts';
import { sendFrom } from './l1-tx.ts';
import { memberFiles, memberProcessName, startMembers } from './members.ts';
import { DEFAULT_HOST, freePorts } from './ports.ts';

export type OpenChannelOptions = {
  members: readonly NamedKey[];
  deposits: readonly bigint[];
  topology: ChannelTopology;
  challengeBlocks: number;
  progressTimeoutMs: number;
  watchtower: string | null;
};

export async function openChannel(home: Home, client: WedgeClient, options: OpenChannelOptions): Promise<{ channel: ChannelEntry; height: number }> {
  const id = toHex(randomBytes(32));
  const keys = options.members.map((member) => member.keyPair);
  const final = await sendFrom(
    client,
    keys[0]!,
    {
      type: 'channel.open',
      channelId: id,
      members: keys.map((key, index) => ({ publicKey: toHex(key.publicKey), deposit: options.deposits[index]! })),
      challengeBlocks: options.challengeBlocks,
      topology: options.topology,
    },
    keys,
  );
  if (final.code !== 'OK') throw new CliError(final.code, `L1 rejected channel.open at height ${final.height}: ${final.code}`);
  const ports = await freePorts(keys.length);
  const channel: ChannelEntry = {
    id,
    topology: options.topology,
    challengeBlocks: options.challengeBlocks,
    progressTimeoutMs: options.progressTimeoutMs,
    deposits: options.deposits.map(String),
    watchtower: options.watchtower,
    openedAt: final.height,
    members: options.members.map((member, index) => {
      const files = memberFiles(home, id, index);
      // The member process reads its key in the replica key-file format (mode 0600).
      writeKeyFile(files.keyPath, index, member.keyPair.secretKey);
      return {
        name: member.name,
        address: member.keyPair.address,
        url: `http://${DEFAULT_HOST}:${ports[index]}`,
        port: ports[index]!,
        ...files,
        process: memberProcessName(id, index),
      };
    }),
  };
  saveChannel(home, channel);
  await startMembers(home, channel);
  return { channel, height: final.height };
}
