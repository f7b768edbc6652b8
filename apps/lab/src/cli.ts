// The network lab from the command line (root only):
//   npm run lab -- up [--replicas N] [--channel star2,chain3] [--watchtower] [--accounts N] [--json]
//   npm run lab -- partition 'r0,r1|r2,r3'     (or: partition r0,r1 r2,r3)
//   npm run lab -- isolate r0                  (a replica also by its id: isolate 0)
//   npm run lab -- heal
//   npm run lab -- status
//   npm run lab -- down                        (also removes labs whose owner died)
// Every command takes --json.
// One lab from the command line at a time; it lives until `down` (tests and
// the soak driver start labs of their own through the library, index.ts).
// Exits 2 when the machine cannot run the lab (not root) or on a usage
// error, 1 when a command fails.
import { LAB_ERROR, LabError } from './lab-error.ts';
import { readLabs, type LabRecord } from './lab-registry.ts';
import { labSupport } from './lab-support.ts';
import { cleanStaleLabs } from './teardown.ts';
import { WedgeLab, replicaName, type LabNodeStatus } from './wedge-lab.ts';

const USAGE = `usage: npm run lab -- <command>
  up [--replicas N] [--channel star2,chain3] [--watchtower] [--accounts N] [--json]
  partition 'A,B|C,D'      cut every link between the groups (node names: r0.., star2-m0.., tower)
  isolate N                cut node N (a name, or a replica id) off from every other node
  heal                     remove every cut
  status                   every node: address, process, height, view; the cuts in force
  down                     stop every process, remove every namespace, link and the bridge
every command takes --json (one JSON object on stdout)`;

class UsageError extends Error {}

type Flags = { readonly values: Map<string, string>; readonly switches: Set<string>; readonly positional: string[] };

function parseFlags(argv: readonly string[], valued: readonly string[], switches: readonly string[]): Flags {
  const flags: Flags = { values: new Map(), switches: new Set(), positional: [] };
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (valued.includes(arg)) {
      const value = argv[++index];
      if (value === undefined) throw new UsageError(`${arg} needs a value`);
      flags.values.set(arg, value);
    } else if (switches.includes(arg)) flags.switches.add(arg);
    else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else flags.positional.push(arg);
  }
  return flags;
}

function integer(flags: Flags, name: string, fallback: number, min: number, max: number): number {
  const text = flags.values.get(name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`${name} must be an integer in ${min}..${max}`);
  return value;
}

/** The command line's lab: the one recorded without an owner (a started `lab up`). */
function cliLab(): WedgeLab {
  const record = readLabs().find((candidate: LabRecord) => candidate.ownerPid === null);
  if (record === undefined) throw new LabError(LAB_ERROR.NO_LAB, 'no lab is up; start one with `npm run lab -- up`');
  return WedgeLab.fromRecord(record);
}

/** A node name as given: a name, or a bare number for that replica. */
function nodeName(lab: WedgeLab, text: string): string {
  const name = /^\d+$/.test(text) ? replicaName(Number(text)) : text;
  lab.node(name);
  return name;
}

function print(json: boolean, value: unknown, text: () => string): void {
  process.stdout.write(`${json ? JSON.stringify(value, (_, item) => (typeof item === 'bigint' ? String(item) : item)) : text()}\n`);
}

function statusTable(nodes: readonly LabNodeStatus[]): string {
  const rows = nodes.map((node) => [
    node.name,
    node.kind,
    node.url,
    node.pid === null ? 'stopped' : String(node.pid),
    node.status === null ? (node.answering ? 'answers' : 'no answer') : `h ${node.status.height} v ${node.status.view} ${node.status.viewStatus} pending ${node.status.pendingTxs}`,
  ]);
  const header = ['node', 'kind', 'url', 'pid', 'state'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  return [header, ...rows].map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n');
}

async function up(argv: readonly string[]): Promise<void> {
  const flags = parseFlags(argv, ['--replicas', '--channel', '--accounts'], ['--watchtower', '--json']);
  if (flags.positional.length > 0) throw new UsageError(`up takes no ${flags.positional.join(' ')}`);
  cleanStaleLabs();
  const running = readLabs().find((record) => record.ownerPid === null);
  if (running !== undefined) throw new LabError(LAB_ERROR.ALREADY_UP, `a lab is already up (${running.prefix}, ${running.dir}); \`npm run lab -- down\` first`);
  const channels = (flags.values.get('--channel') ?? '').split(',').filter((kind) => kind !== '');
  const json = flags.switches.has('--json');
  const replicas = integer(flags, '--replicas', 4, 4, 64);
  const accounts = integer(flags, '--accounts', 8, 0, 10_000);
  if (!json) process.stderr.write(`lab: starting (namespaces, bridge, replicas${channels.length > 0 ? ', channels' : ''}${flags.switches.has('--watchtower') ? ', watchtower' : ''})...\n`);
  const lab = await WedgeLab.start({ replicas, accounts, channels, watchtower: flags.switches.has('--watchtower'), persistent: true });
  const result = {
    ok: true,
    prefix: lab.prefix,
    subnet: lab.subnet,
    dir: lab.dir,
    genesis: lab.genesisPath,
    nodes: lab.nodes.map((node) => ({ name: node.name, kind: node.kind, address: node.address, url: node.url, pid: lab.pid(node.name) })),
    channels: lab.channels.map((channel) => ({ label: channel.label, id: channel.id, members: channel.memberNodes })),
  };
  print(json, result, () =>
    [
      `lab ${lab.prefix} up on ${lab.subnet} (the bridge is .1); genesis ${lab.genesisPath}`,
      ...result.nodes.map((node) => `  ${node.name.padEnd(10)} ${node.kind.padEnd(10)} ${node.url}  pid ${node.pid}`),
      ...result.channels.map((channel) => `  channel ${channel.label}: ${channel.id}`),
      "next: npm run lab -- isolate r0 | partition 'r0,r1|r2,r3' | heal | status | down",
    ].join('\n'),
  );
}

async function status(argv: readonly string[]): Promise<void> {
  const flags = parseFlags(argv, [], ['--json']);
  const lab = cliLab();
  const nodes = await lab.status();
  print(flags.switches.has('--json'), { prefix: lab.prefix, subnet: lab.subnet, dir: lab.dir, nodes, cuts: lab.cuts }, () =>
    [`lab ${lab.prefix} on ${lab.subnet}, ${lab.dir}`, statusTable(nodes), `cuts: ${lab.cuts.length === 0 ? 'none' : lab.cuts.map(([a, b]) => `${a}-${b}`).join(' ')}`].join('\n'),
  );
}

async function down(argv: readonly string[]): Promise<void> {
  const flags = parseFlags(argv, [], ['--json']);
  if (flags.positional.length > 0) throw new UsageError(`down takes no ${flags.positional.join(' ')}`);
  const records = readLabs().filter((record) => record.ownerPid === null);
  for (const record of records) {
    if (record.meta.layout === undefined) continue;
    await WedgeLab.fromRecord(record).destroy();
  }
  const stale = cleanStaleLabs();
  const removed = [...records.map((record) => record.prefix), ...stale];
  print(flags.switches.has('--json'), { ok: true, removed }, () =>
    removed.length === 0 ? 'lab: nothing to remove' : `lab: removed ${removed.join(', ')} (every namespace, link, bridge and process)`,
  );
}

function heal(argv: readonly string[]): void {
  const flags = parseFlags(argv, [], ['--json']);
  if (flags.positional.length > 0) throw new UsageError(`heal takes no ${flags.positional.join(' ')}`);
  const lab = cliLab();
  lab.heal();
  print(flags.switches.has('--json'), { ok: true, cuts: lab.cuts }, () => 'lab: healed, every node reaches every other');
}

function isolate(argv: readonly string[]): void {
  const flags = parseFlags(argv, [], ['--json']);
  if (flags.positional.length !== 1) throw new UsageError('isolate takes one node');
  const lab = cliLab();
  const name = nodeName(lab, flags.positional[0]!);
  lab.isolate(name);
  print(flags.switches.has('--json'), { ok: true, isolated: name, cuts: lab.cuts }, () => `lab: ${name} cut off from every other node`);
}

function partition(argv: readonly string[]): void {
  const flags = parseFlags(argv, [], ['--json']);
  const lab = cliLab();
  const groups = flags.positional
    .join('|')
    .split('|')
    .map((group) => group.split(',').filter((name) => name !== '').map((name) => nodeName(lab, name)));
  lab.partition(groups);
  print(flags.switches.has('--json'), { ok: true, groups, cuts: lab.cuts }, () => `lab: partitioned ${groups.map((group) => group.join(',')).join(' | ')}`);
}

async function run(argv: readonly string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const support = labSupport();
  if (!support.ok) throw new LabError(support.code, support.reason);
  if (command === 'up') return up(rest);
  if (command === 'status') return status(rest);
  if (command === 'down') return down(rest);
  if (command === 'heal') return heal(rest);
  if (command === 'isolate') return isolate(rest);
  if (command === 'partition') return partition(rest);
  throw new UsageError(`unknown command ${command}`);
}

/** Runs the lab CLI with `argv` (the arguments after `lab`) and returns the exit code; also what `wedge lab` calls. */
export async function labMain(argv: readonly string[]): Promise<number> {
  try {
    await run(argv);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`lab: ${error.message}\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof LabError) {
      process.stderr.write(`lab: ${error.message}\n`);
      return error.code === LAB_ERROR.NOT_ROOT || error.code === LAB_ERROR.NO_IPROUTE2 ? 2 : 1;
    }
    throw error;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await labMain(process.argv.slice(2));
