// `wedge network up`: writes a network into the directory if it has none,
// starts every replica that is not running as a detached process, waits
// until all of them answer, and restarts the member processes (and the
// watchtower) of channels still open on L1. Running it again is harmless: it
// starts only what is down.
import type { Command } from 'commander';
import { z } from 'zod';
import { AccountCount, HostList, parseWith, Port, ReplicaCount } from '../lib/arguments.ts';
import { addCommonOptions, addExamples, defineAction } from '../lib/command.ts';
import { readNetworkFile } from '../lib/home.ts';
import { clientOf, createNetworkIfMissing, startReplicas, waitForReplicas } from '../lib/network.ts';
import { resumeChannels } from '../lib/resume.ts';
import { fields, table } from '../lib/output.ts';

const DEFAULT_REPLICAS = 4;
const DEFAULT_ACCOUNTS = 8;

const Input = z.object({
  replicas: z.number().optional(),
  accounts: z.number().optional(),
  basePort: z.number().optional(),
  hosts: z.array(z.string()).optional(),
});

export function registerNetworkUp(network: Command): void {
  const command = network
    .command('up')
    .description('create a local L1 network (if the directory has none) and start its replicas in the background')
    .option('--replicas <n>', `replicas, 4..64 (default ${DEFAULT_REPLICAS}; n = 3f+1)`, parseWith(ReplicaCount))
    .option('--accounts <n>', `funded genesis accounts, named account-0.. (default ${DEFAULT_ACCOUNTS})`, parseWith(AccountCount))
    .option('--base-port <port>', 'first replica port; the others follow (default: free ports chosen by the OS)', parseWith(Port))
    .option('--hosts <list>', 'one host per replica, comma-separated: its URL in the genesis, where it listens (default 127.0.0.1 for all)', parseWith(HostList));
  addCommonOptions(command);
  addExamples(command, [
    'wedge network up',
    'wedge network up --dir /tmp/net --replicas 7 --accounts 4',
    'wedge network up --base-port 7100 --json',
    'wedge network up --hosts 127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5',
  ]);
  defineAction(command, Input, async (input, { home, printer }) => {
    const created = await createNetworkIfMissing(
      home,
      { replicas: input.replicas ?? DEFAULT_REPLICAS, accounts: input.accounts ?? DEFAULT_ACCOUNTS, basePort: input.basePort ?? null, hosts: input.hosts ?? null },
      { replicas: input.replicas, accounts: input.accounts, basePort: input.basePort, hosts: input.hosts },
    );
    printer.progress(created ? `wrote a new network to ${home.dir}` : `using the network in ${home.dir}`);
    const started = startReplicas(home);
    printer.progress(started.length === 0 ? 'every replica is already running' : `started ${started.join(', ')}; waiting for them to answer...`);
    await waitForReplicas(home);
    const resumed = await resumeChannels(home, clientOf(home));
    if (resumed.length > 0) printer.progress(`restarted the members of ${resumed.length} open channel(s)`);
    const replicas = readNetworkFile(home).replicas.map((replica) => ({ replica: replica.id, url: replica.url }));
    const result = { ok: true, dir: home.dir, created, started, resumedChannels: resumed, replicas };
    printer.result(result, () =>
      [fields([['directory', home.dir], ['new network', created], ['started', started.join(', ') || 'none'], ['channels resumed', resumed.length]]), '', table(replicas), '', 'all replicas answer; try `wedge network status`'].join('\n'),
    );
  });
}
