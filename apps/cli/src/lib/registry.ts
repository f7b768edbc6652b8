// pids.json: every background process the CLI started for this directory —
// replicas, channel members, watchtowers — so that `network down` can stop
// all of them and `network status` can tell which are up. Entries whose
// process is gone are pruned whenever the file is read for stopping.
import { existsSync } from 'node:fs';
import { z } from 'zod';
import type { Home } from './home.ts';
import { readJsonFile, writeJsonFile } from './home.ts';
import { isRunning, stopProcesses, type StopOutcome } from './processes.ts';

export const ProcessKind = z.enum(['replica', 'member', 'watchtower', 'dashboard']);
export type ProcessKind = z.infer<typeof ProcessKind>;

export const ProcessRecord = z.object({
  /** Unique within the directory: replica-0, member-<channel prefix>-1, watchtower-0. */
  name: z.string().min(1).max(100),
  kind: ProcessKind,
  pid: z.int().positive(),
  /** The absolute script path, matched against the pid's command line before it is signalled. */
  script: z.string(),
  url: z.string(),
  log: z.string(),
  startedAt: z.string(),
});
export type ProcessRecord = z.infer<typeof ProcessRecord>;

const PidsFile = z.object({ processes: z.array(ProcessRecord).max(10_000) });

export function readProcesses(home: Home): ProcessRecord[] {
  if (!existsSync(home.pids)) return [];
  return readJsonFile(home.pids, PidsFile, '').processes;
}

function writeProcesses(home: Home, processes: readonly ProcessRecord[]): void {
  writeJsonFile(home.pids, { processes });
}

/** Records a started process, replacing an older record of the same name. */
export function recordProcess(home: Home, record: ProcessRecord): void {
  const others = readProcesses(home).filter((entry) => entry.name !== record.name);
  writeProcesses(home, [...others, record]);
}

export function forgetProcesses(home: Home, names: ReadonlySet<string>): void {
  writeProcesses(
    home,
    readProcesses(home).filter((entry) => !names.has(entry.name)),
  );
}

export function isRecordRunning(record: ProcessRecord): boolean {
  return isRunning(record.pid, record.script);
}

/** The running record named `name`, or null. */
export function runningProcess(home: Home, name: string): ProcessRecord | null {
  const record = readProcesses(home).find((entry) => entry.name === name);
  return record !== undefined && isRecordRunning(record) ? record : null;
}

/**
 * Stops `records` (SIGTERM, then SIGKILL) and forgets those that are gone; a
 * process that survived stays recorded, so `network down` still sees it.
 */
export async function stopRecorded(home: Home, records: readonly ProcessRecord[]): Promise<StopOutcome[]> {
  const outcomes = await stopProcesses(records);
  forgetProcesses(home, new Set(records.filter((_, index) => outcomes[index]!.how !== 'survived').map((record) => record.name)));
  return outcomes;
}
