// The lab's network: one bridge in the root namespace holding 10.77.X.1, and
// per node a network namespace joined to the bridge by a veth pair, its end
// inside named eth0 with 10.77.X.(2+i)/24. The root namespace (the test, the
// soak driver, the CLI) reaches every node through the bridge; nodes reach
// each other through it too, and that is where partitions cut.
//
// Partitions are routes, not firewall rules: a node cut off from another gets
// a `blackhole` route to that node's /32 inside its namespace, which beats the
// bridge's /24 by prefix length. Both sides get one, so neither can send to
// the other, and replies cannot come back either. Routes need nothing beyond
// iproute2 (nftables is not installed everywhere, and per-namespace routes
// are all a cut between two addresses needs). A blackhole makes the kernel
// refuse sends at once (connect fails, an open connection's packets are
// dropped and it times out), which the peer links treat like a peer that is
// down. Heal removes exactly the routes a partition added.
import { ip, ipQuietly, linkNames, namespaceNames, namespacePids } from './ip-command.ts';
import { LAB_ERROR, LabError } from './lab-error.ts';
import { claimSubnet, saveLab, type LabRecord } from './lab-registry.ts';

/** The route type a cut installs; see the header for why. */
const CUT_ROUTE = 'blackhole';
export const MAX_LAB_NODES = 64;
const NODE_NAME = /^[a-z][a-z0-9-]{0,23}$/;

/** The network part of a lab's address plan: 10.77.X.0/24. */
export function subnetOf(record: LabRecord): string {
  return `10.77.${record.subnet}.0/24`;
}

/** True when some interface in the root namespace already routes 10.77.X.0/24 (a lab we have no record of, or someone else). */
function subnetInUse(subnet: number): boolean {
  return ip('-4', 'route', 'show', `10.77.${subnet}.0/24`).trim() !== '';
}

/**
 * Creates the bridge and one namespace per name, saving the record after
 * each step so that teardown after a failure half-way knows what exists.
 */
export function createTopology(record: LabRecord, names: readonly string[]): void {
  if (names.length === 0 || names.length > MAX_LAB_NODES) throw new LabError(LAB_ERROR.UNKNOWN_NODE, `a lab has 1..${MAX_LAB_NODES} nodes, not ${names.length}`);
  for (const name of names) {
    if (!NODE_NAME.test(name)) throw new LabError(LAB_ERROR.UNKNOWN_NODE, `node name ${JSON.stringify(name)} must match ${NODE_NAME}`);
  }
  if (new Set(names).size !== names.length) throw new LabError(LAB_ERROR.UNKNOWN_NODE, `node names repeat: ${names.join(',')}`);
  const subnet = claimSubnet(record, subnetInUse);
  ip('link', 'add', record.bridge, 'type', 'bridge');
  ip('addr', 'add', `10.77.${subnet}.1/24`, 'dev', record.bridge);
  ip('link', 'set', record.bridge, 'up');
  names.forEach((name, index) => {
    const node = { name, namespace: `${record.prefix}-${name}`, address: `10.77.${subnet}.${index + 2}`, hostLink: `${record.prefix}h${index}` };
    record.nodes.push(node);
    saveLab(record);
    const inner = `${record.prefix}p${index}`;
    ip('netns', 'add', node.namespace);
    ip('link', 'add', node.hostLink, 'type', 'veth', 'peer', 'name', inner);
    ip('link', 'set', inner, 'netns', node.namespace);
    ip('link', 'set', node.hostLink, 'master', record.bridge);
    ip('link', 'set', node.hostLink, 'up');
    ip('-n', node.namespace, 'link', 'set', 'lo', 'up');
    ip('-n', node.namespace, 'link', 'set', inner, 'name', 'eth0');
    ip('-n', node.namespace, 'addr', 'add', `${node.address}/24`, 'dev', 'eth0');
    ip('-n', node.namespace, 'link', 'set', 'eth0', 'up');
  });
}

function nodeOf(record: LabRecord, name: string) {
  const node = record.nodes.find((candidate) => candidate.name === name);
  if (node === undefined) throw new LabError(LAB_ERROR.UNKNOWN_NODE, `no node ${JSON.stringify(name)} in lab ${record.prefix} (it has ${record.nodes.map((n) => n.name).join(', ')})`);
  return node;
}

function cutKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

/** Cuts the link between `a` and `b` both ways (idempotent). */
export function cut(record: LabRecord, a: string, b: string): void {
  if (a === b) return;
  const [left, right] = [nodeOf(record, a), nodeOf(record, b)];
  ip('-n', left.namespace, 'route', 'replace', CUT_ROUTE, `${right.address}/32`);
  ip('-n', right.namespace, 'route', 'replace', CUT_ROUTE, `${left.address}/32`);
  if (!record.cuts.some(([x, y]) => cutKey(x, y) === cutKey(a, b))) record.cuts.push(a < b ? [a, b] : [b, a]);
  saveLab(record);
}

/**
 * Splits the named nodes into groups that cannot reach each other: every
 * pair in different groups is cut, pairs within a group keep (or get back)
 * their link. A node in no group keeps its links to everyone. Replaces any
 * partition in force.
 */
export function partition(record: LabRecord, groups: readonly (readonly string[])[]): void {
  const seen = new Set<string>();
  for (const group of groups) {
    for (const name of group) {
      nodeOf(record, name);
      if (seen.has(name)) throw new LabError(LAB_ERROR.BAD_PARTITION, `node ${name} is in two groups`);
      seen.add(name);
    }
  }
  if (groups.filter((group) => group.length > 0).length < 2) throw new LabError(LAB_ERROR.BAD_PARTITION, 'a partition needs at least two non-empty groups');
  heal(record);
  groups.forEach((group, index) => {
    for (const other of groups.slice(index + 1)) for (const a of group) for (const b of other) cut(record, a, b);
  });
}

/** Cuts `name` off from every other node (the root namespace still reaches it). */
export function isolate(record: LabRecord, name: string): void {
  nodeOf(record, name);
  partition(record, [[name], record.nodes.map((node) => node.name).filter((other) => other !== name)]);
}

/** Removes every cut. */
export function heal(record: LabRecord): void {
  for (const [a, b] of record.cuts) {
    const [left, right] = [nodeOf(record, a), nodeOf(record, b)];
    ipQuietly('-n', left.namespace, 'route', 'del', CUT_ROUTE, `${right.address}/32`);
    ipQuietly('-n', right.namespace, 'route', 'del', CUT_ROUTE, `${left.address}/32`);
  }
  record.cuts = [];
  saveLab(record);
}

/** Kills (SIGKILL) every process inside the lab's namespaces: what the lab started and anything else run there. */
export function killNamespaceProcesses(record: LabRecord): void {
  for (const node of record.nodes) {
    for (const pid of namespacePids(node.namespace)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
  }
}

/** Deletes the lab's links, namespaces and bridge (processes must be gone first, or a namespace lingers until they exit). */
export function removeTopology(record: LabRecord): void {
  for (const node of record.nodes) ipQuietly('link', 'del', node.hostLink);
  for (const node of record.nodes) ipQuietly('netns', 'del', node.namespace);
  ipQuietly('link', 'del', record.bridge);
}

/** Names with `prefix` still present: namespaces and root-namespace links. Empty after a clean teardown. */
export function leftoversWithPrefix(prefix: string): string[] {
  return [...namespaceNames(), ...linkNames()].filter((name) => name.startsWith(prefix));
}
