// `wedge dashboard start`: serves the live network page (apps/dashboard) for
// this directory on 127.0.0.1 — replicas, recent certified blocks, the local
// channels with their dispute deadlines, and forms to pay, close and
// terminate. It reads the channels once at start: --restart picks up
// channels opened since.
import type { Command } from 'commander';
import { z } from 'zod';
import { addCommonOptions, addExamples, defineAction } from '../lib/command.ts';
import { DASHBOARD_PROCESS, startDashboard } from '../lib/dashboard.ts';
import { readGenesis } from '../lib/home.ts';
import { fields } from '../lib/output.ts';
import { readProcesses, stopRecorded } from '../lib/registry.ts';

export function registerDashboardStart(dashboard: Command): void {
  const command = dashboard
    .command('start')
    .description('serve the live network page for this directory on 127.0.0.1')
    .option('--restart', 'stop a running dashboard first, so it shows the channels opened since it started');
  addCommonOptions(command);
  addExamples(command, ['wedge dashboard start', 'wedge dashboard start --restart --json']);
  defineAction(command, z.object({ restart: z.boolean().default(false) }), async (input, { home, printer }) => {
    readGenesis(home);
    if (input.restart) {
      const running = readProcesses(home).filter((record) => record.name === DASHBOARD_PROCESS);
      await stopRecorded(home, running);
    }
    const { url, started } = await startDashboard(home);
    printer.result({ ok: true, url, started }, () => fields([['dashboard', url], ['started now', started]]));
  });
}
