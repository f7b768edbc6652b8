// `wedge network down`: stops every process the CLI started for the
// directory (replicas, channel members, watchtowers): SIGTERM, then SIGKILL
// after a grace period. Records of processes that are gone are removed. Data
// stays on disk, so `network up` resumes the same network.
import type { Command } from 'commander';
import { z } from 'zod';
import { addCommonOptions, addExamples, defineAction } from '../lib/command.ts';
import { CliError } from '../lib/cli-error.ts';
import { table } from '../lib/output.ts';
import { STOP_GRACE_MS } from '../lib/processes.ts';
import { readProcesses, stopRecorded } from '../lib/registry.ts';

export function registerNetworkDown(network: Command): void {
  const command = network
    .command('down')
    .description(`stop every process started for this directory (SIGTERM, then SIGKILL after ${STOP_GRACE_MS / 1000} s)`);
  addCommonOptions(command);
  addExamples(command, ['wedge network down', 'wedge network down --dir /tmp/net --json']);
  defineAction(command, z.object({}), async (_input, { home, printer }) => {
    const records = readProcesses(home);
    if (records.length > 0) printer.progress(`stopping ${records.length} process(es)...`);
    const outcomes = await stopRecorded(home, records);
    const rows = records.map((record, index) => ({ name: record.name, kind: record.kind, pid: record.pid, result: outcomes[index]!.how }));
    const survivors = rows.filter((row) => row.result === 'survived');
    printer.result({ ok: survivors.length === 0, stopped: rows }, () => (rows.length === 0 ? 'nothing was running' : table(rows)));
    if (survivors.length > 0) throw new CliError('STOP_FAILED', `could not stop ${survivors.map((row) => `${row.name} (pid ${row.pid})`).join(', ')}`);
  });
}
