// Removing a lab: every process in its namespaces, its links, namespaces and
// bridge, its registry entry, and its directory when the lab made it. All
// synchronous, so it also runs from an 'exit' handler; and safe to repeat.
// A lab that is not torn down by its owner — the test crashed, someone hit
// Ctrl-C twice, the machine ran out of memory — is found later by its prefix:
// cleanStaleLabs removes labs whose owner process is dead and any namespace
// or link that carries a lab prefix but has no lab record at all.
import { rmSync } from 'node:fs';
import { ipQuietly, linkNames, namespaceNames, namespacePids } from './ip-command.ts';
import { forgetLab, isAlive, LAB_NAME_PATTERN, labRecorded, orphanSubnetClaims, readLabs, type LabRecord } from './lab-registry.ts';
import { killNamespaceProcesses, removeTopology } from './net-topology.ts';

/** How long teardown waits for killed processes to be gone before deleting their namespaces. */
const KILL_WAIT_MS = 2_000;

function waitUntilDead(pids: readonly number[]): void {
  const deadline = Date.now() + KILL_WAIT_MS;
  const buffer = new Int32Array(new SharedArrayBuffer(4));
  while (pids.some(isAlive) && Date.now() < deadline) Atomics.wait(buffer, 0, 0, 10);
}

/** Tears the lab down completely; `removeDir` also deletes its directory (genesis, keys, data, logs). */
export function teardownLab(record: LabRecord, options: { removeDir: boolean }): void {
  const pids = record.processes.map((entry) => entry.pid).filter((pid): pid is number => pid !== null);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
  killNamespaceProcesses(record);
  waitUntilDead([...pids, ...record.nodes.flatMap((node) => namespacePids(node.namespace))]);
  removeTopology(record);
  forgetLab(record);
  if (options.removeDir) rmSync(record.dir, { recursive: true, force: true });
}

/**
 * Removes what dead labs left behind: labs whose owner process has exited,
 * and namespaces or links named with a lab prefix that no lab record claims.
 * Labs with a live owner, and the CLI's lab (no owner: it lives until
 * `lab down`), are left alone. Returns the prefixes it cleaned.
 */
export function cleanStaleLabs(): string[] {
  const cleaned: string[] = [];
  const records = readLabs();
  for (const record of records) {
    if (record.ownerPid === null || isAlive(record.ownerPid)) continue;
    teardownLab(record, { removeDir: record.meta.madeDir === true });
    cleaned.push(record.prefix);
  }
  // A lab records itself before it makes its first namespace or link, so a
  // name is an orphan only if no record holds its prefix at the moment we
  // look — asked again per name, since a lab may have started meanwhile.
  const orphanPrefixes = new Set<string>();
  for (const name of namespaceNames()) {
    const prefix = LAB_NAME_PATTERN.exec(name)?.[0];
    if (prefix === undefined || labRecorded(prefix)) continue;
    for (const pid of namespacePids(name)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    ipQuietly('netns', 'del', name);
    orphanPrefixes.add(prefix);
  }
  for (const name of linkNames()) {
    const prefix = LAB_NAME_PATTERN.exec(name)?.[0];
    if (prefix === undefined || labRecorded(prefix)) continue;
    ipQuietly('link', 'del', name);
    orphanPrefixes.add(prefix);
  }
  for (const path of orphanSubnetClaims()) rmSync(path, { force: true });
  return [...cleaned, ...orphanPrefixes];
}
