// `wedge lab up|partition|isolate|heal|status|down`: the network lab (root
// only), the same commands as `npm run lab -- …` (apps/lab/src/cli.ts). The
// lab prints its own answers and errors and has its own exit codes (2: not
// root or a bad command line, 1: a command failed), so each subcommand hands
// its arguments to the lab as given and exits with the lab's code.
import type { Command } from 'commander';
import { labMain } from '../../../lab/src/cli.ts';
import { addExamples } from '../lib/command.ts';

type Forward = (args: string[], options: Record<string, unknown>) => string[];

function flagsOf(options: Record<string, unknown>): string[] {
  const flags: string[] = [];
  for (const [name, value] of Object.entries(options)) {
    const flag = `--${name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
    if (value === true) flags.push(flag);
    else if (typeof value === 'string') flags.push(flag, value);
  }
  return flags;
}

function define(lab: Command, name: string, description: string, examples: readonly string[], setup: (command: Command) => Command, forward: Forward): void {
  const command = setup(lab.command(name).description(description)).option('--json', 'print one JSON object on stdout (for scripts)');
  addExamples(command, examples);
  command.action(async (...received: unknown[]) => {
    const self = received[received.length - 1] as Command;
    const options = self.opts<Record<string, unknown>>();
    process.exit(await labMain([name, ...forward(self.args, options), ...flagsOf(options)]));
  });
}

export function registerLab(program: Command): void {
  const lab = program.command('lab').description('the network lab (root only): every process in a network namespace of its own, partitions between them');
  addExamples(lab, ['wedge lab up --channel star2 --watchtower', 'wedge lab isolate r0', 'wedge lab heal', 'wedge lab down']);
  const none: Forward = () => [];
  const positional: Forward = (args) => args;
  define(
    lab,
    'up',
    'start a lab: replicas, and channel members and a watchtower when asked, each in a namespace of its own',
    ['wedge lab up', 'wedge lab up --replicas 7 --channel star2,chain3 --watchtower --json'],
    (command) =>
      command
        .option('--replicas <n>', 'replicas, 4..64 (default 4)')
        .option('--channel <kinds>', 'channels to open and run, e.g. star2,chain3 (star or chain, 2..8 members)')
        .option('--watchtower', 'run a watchtower node that every member pushes to')
        .option('--accounts <n>', 'funded genesis accounts besides the members (default 8)'),
    none,
  );
  define(lab, 'partition', 'cut every link between the groups of nodes', ["wedge lab partition 'r0,r1|r2,r3'", 'wedge lab partition r0 r1,r2,r3'], (command) => command.argument('<groups...>', "groups as 'A,B|C,D' or as separate arguments"), positional);
  define(lab, 'isolate', 'cut one node off from every other node', ['wedge lab isolate r0', 'wedge lab isolate 2'], (command) => command.argument('<node>', 'a node name, or a replica id'), positional);
  define(lab, 'heal', 'remove every cut', ['wedge lab heal'], (command) => command, none);
  define(lab, 'status', "every node's address, process, height and view, and the cuts in force", ['wedge lab status', 'wedge lab status --json'], (command) => command, none);
  define(lab, 'down', 'stop every process and remove every namespace, link and the bridge (also of labs whose owner died)', ['wedge lab down'], (command) => command, none);
}
