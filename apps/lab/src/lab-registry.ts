// Which labs exist on this machine, so that parallel labs never collide and a
// lab whose owner died is found and removed. Each lab is a JSON file in
// /run/wedge-lab (tmpfs: gone after a reboot, like the namespaces it
// describes) named after its prefix. A lab takes a unique prefix for every
// name it makes (namespaces, links, the bridge) and one /24 of 10.77.0.0/16
// for its addresses, each claimed by creating a file exclusively, so two
// processes starting labs at once cannot take the same one.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { LAB_ERROR, LabError } from './lab-error.ts';

/** Every name a lab makes starts with `wl` and four hex digits: short, because a link name has at most 15 characters. */
export const LAB_NAME_PATTERN = /^wl[0-9a-f]{4}/;
const REGISTRY_DIR = process.env.WEDGE_LAB_REGISTRY ?? '/run/wedge-lab';
/** Third octets of 10.77.X.0/24 a lab may take. */
const FIRST_SUBNET = 1;
const LAST_SUBNET = 254;
/** A subnet claim without a lab file is left alone this long: its lab may be writing its file right now. */
const ORPHAN_CLAIM_AGE_MS = 60_000;

export type LabNodeRecord = {
  /** The node's name in the lab, e.g. `r0`. */
  readonly name: string;
  readonly namespace: string;
  readonly address: string;
  /** The bridge side of the node's veth pair (deleting it deletes both ends). */
  readonly hostLink: string;
};

/** A process the lab runs in a node's namespace: enough to signal it and to start it again. */
export type LabProcessRecord = {
  readonly name: string;
  /** null while it is not running. */
  pid: number | null;
  readonly script: string;
  readonly args: readonly string[];
  readonly logPath: string;
};

export type LabRecord = {
  readonly prefix: string;
  /** The third octet of the lab's 10.77.X.0/24; null until claimed. */
  subnet: number | null;
  /**
   * The process that owns the lab; when it is dead, the lab is stale. null:
   * kept until `lab down` (the CLI's lab, once `lab up` has finished
   * starting it — while it starts, `lab up` owns it, so a `lab up` killed
   * half-way leaves a stale lab that the next one removes).
   */
  ownerPid: number | null;
  /** Where genesis, keys, data and logs live. */
  readonly dir: string;
  readonly bridge: string;
  nodes: LabNodeRecord[];
  processes: LabProcessRecord[];
  /** Pairs of nodes that cannot reach each other, each once. */
  cuts: [string, string][];
  /** Free-form facts the orchestration keeps for reopening the lab (the CLI reads them back). */
  meta: Record<string, unknown>;
};

function ensureRegistry(): void {
  mkdirSync(REGISTRY_DIR, { recursive: true, mode: 0o700 });
}

function labPath(prefix: string): string {
  return join(REGISTRY_DIR, `${prefix}.json`);
}

function subnetPath(subnet: number): string {
  return join(REGISTRY_DIR, `subnet-${subnet}`);
}

function createExclusively(path: string, content: string): boolean {
  try {
    const fd = openSync(path, 'wx', 0o600);
    writeSync(fd, content);
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** A new lab record with a prefix no other lab holds (its file created exclusively). */
export function claimLab(options: { dir: string; ownerPid: number | null; meta?: Record<string, unknown> }): LabRecord {
  ensureRegistry();
  for (let attempt = 0; attempt < 100; attempt++) {
    const prefix = `wl${randomBytes(2).toString('hex')}`;
    const record: LabRecord = { prefix, subnet: null, ownerPid: options.ownerPid, dir: options.dir, bridge: `${prefix}br`, nodes: [], processes: [], cuts: [], meta: options.meta ?? {} };
    if (createExclusively(labPath(prefix), JSON.stringify(record))) return record;
  }
  throw new LabError(LAB_ERROR.NO_FREE_SUBNET, 'could not find a free lab prefix in 100 tries');
}

/** Claims a /24 for `record` (the lowest free one), saves the record and returns the subnet's third octet. */
export function claimSubnet(record: LabRecord, taken: (subnet: number) => boolean): number {
  for (let subnet = FIRST_SUBNET; subnet <= LAST_SUBNET; subnet++) {
    if (taken(subnet)) continue;
    if (!createExclusively(subnetPath(subnet), record.prefix)) continue;
    record.subnet = subnet;
    saveLab(record);
    return subnet;
  }
  throw new LabError(LAB_ERROR.NO_FREE_SUBNET, `every /24 of 10.77.0.0/16 from 10.77.${FIRST_SUBNET}.0 to 10.77.${LAST_SUBNET}.0 is taken`);
}

/** Writes the record (atomically: a reader never sees half a file). */
export function saveLab(record: LabRecord): void {
  ensureRegistry();
  const temporary = `${labPath(record.prefix)}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(record, null, 2), { mode: 0o600 });
  renameSync(temporary, labPath(record.prefix));
}

/** Whether a lab with this prefix is recorded (now: a lab records itself before it makes anything). */
export function labRecorded(prefix: string): boolean {
  return existsSync(labPath(prefix));
}

/** Forgets the lab: its file and its subnet claim. */
export function forgetLab(record: LabRecord): void {
  if (record.subnet !== null && existsSync(subnetPath(record.subnet))) {
    if (readFileSync(subnetPath(record.subnet), 'utf8') === record.prefix) rmSync(subnetPath(record.subnet), { force: true });
  }
  rmSync(labPath(record.prefix), { force: true });
}

/** Every lab recorded on this machine (files that do not parse are skipped). */
export function readLabs(): LabRecord[] {
  if (!existsSync(REGISTRY_DIR)) return [];
  const records: LabRecord[] = [];
  for (const name of readdirSync(REGISTRY_DIR)) {
    if (!name.endsWith('.json') || !LAB_NAME_PATTERN.test(name)) continue;
    try {
      records.push(JSON.parse(readFileSync(join(REGISTRY_DIR, name), 'utf8')) as LabRecord);
    } catch {
      // Being renamed into place this instant, or damaged: not ours to judge here.
    }
  }
  return records;
}

/** Subnet claims whose lab has no file and that are old enough not to be a lab starting up right now. */
export function orphanSubnetClaims(): string[] {
  if (!existsSync(REGISTRY_DIR)) return [];
  const orphans: string[] = [];
  for (const name of readdirSync(REGISTRY_DIR)) {
    if (!name.startsWith('subnet-')) continue;
    const path = join(REGISTRY_DIR, name);
    try {
      const prefix = readFileSync(path, 'utf8');
      if (!existsSync(labPath(prefix)) && Date.now() - statSync(path).mtimeMs > ORPHAN_CLAIM_AGE_MS) orphans.push(path);
    } catch {
      // Removed meanwhile.
    }
  }
  return orphans;
}

/** True when process `pid` exists (a zombie counts as gone). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return existsSync(`/proc/${pid}`);
  }
}
