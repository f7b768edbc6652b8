// `wedge watchtower start`: starts the directory's watchtower (one per
// directory, with its own L1 account) and, with --channel, has it watch that
// channel: it takes the newest certificate now, and the channel's members
// are restarted to push every later one. When the channel is frozen with an
// older state, the watchtower challenges it, even with every member offline.
import type { Command } from 'commander';
import { z } from 'zod';
import { ChannelRef, parseWith } from '../lib/arguments.ts';
import { findChannel } from '../lib/channel-registry.ts';
import { addCommonOptions, addExamples, defineAction } from '../lib/command.ts';
import { readGenesis } from '../lib/home.ts';
import { fields } from '../lib/output.ts';
import { startWatchtower, watchChannel } from '../lib/watchtower.ts';

export function registerWatchtowerStart(watchtower: Command): void {
  const command = watchtower
    .command('start')
    .description("start the directory's watchtower and optionally have it watch a channel")
    .option('--channel <id>', 'a channel to watch (id or unique prefix of 6+ hex)', parseWith(ChannelRef));
  addCommonOptions(command);
  addExamples(command, ['wedge watchtower start', 'wedge watchtower start --channel 3fa9c2 --json']);
  defineAction(command, z.object({ channel: z.string().optional() }), async (input, { home, printer }) => {
    readGenesis(home);
    const tower = await startWatchtower(home);
    let watched: { channel: string; version: number | null; restartedMembers: number } | null = null;
    if (input.channel !== undefined) {
      const entry = findChannel(home, input.channel);
      const outcome = await watchChannel(home, entry, tower.url);
      watched = { channel: entry.id, version: outcome.version, restartedMembers: outcome.restarted };
    }
    const result = { ok: true, url: tower.url, address: tower.address, started: tower.started, watched };
    printer.result(result, () =>
      fields([
        ['watchtower', tower.url],
        ['L1 account', tower.address],
        ['started now', tower.started],
        ['watching', watched === null ? null : `${watched.channel} (holds version ${watched.version ?? '-'}; ${watched.restartedMembers} member(s) restarted to push to it)`],
      ]),
    );
  });
}
