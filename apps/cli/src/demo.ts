// `npm run demo [-- --payments N] [--json] [--keep] [--dir DIR]`
// The whole system as real processes on 127.0.0.1, start to finish: 4 L1
// replicas, a watchtower, a 2-member star and a 3-member chain channel, a
// stream of off-chain payments, a dispute (a stale termination overridden by
// the honest side and settled at the newest balances) and a cooperative
// close; then a summary, and every process it started is stopped (unless
// --keep). Exit code 0 when every check held, 1 when one did not, 2 for bad
// arguments. With --json, stdout is exactly one JSON object.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { parseWith } from './lib/arguments.ts';
import { homeOf, type Home } from './lib/home.ts';
import { toJson } from './lib/output.ts';
import { readProcesses, stopRecorded } from './lib/registry.ts';
import type { ScenarioContext } from './lib/scenario-context.ts';
import { dashboardAvailable, startDashboard } from './lib/dashboard.ts';
import { runDemo } from './demo/run-demo.ts';
import { demoJson, demoText } from './demo/summary.ts';
import { z } from 'zod';

const DEFAULT_PAYMENTS = 400;

type DemoOptions = { payments: number; json: boolean; keep: boolean; dir: string | null };

function parseOptions(argv: readonly string[]): DemoOptions {
  const program = new Command('demo')
    .description('Run Wedge end to end as real processes: L1 replicas, two channels, payments, a dispute and a cooperative close.')
    .option('--payments <n>', `off-chain payments to stream, 2..100000 (default ${DEFAULT_PAYMENTS})`, parseWith(z.string().regex(/^[0-9]{1,6}$/, 'expected a whole number').transform(Number).refine((n) => n >= 2 && n <= 100_000, 'must be between 2 and 100000')))
    .option('--json', 'print only one JSON object on stdout')
    .option('--keep', 'leave the network running afterwards and print the dashboard URL')
    .option('--dir <dir>', 'use this directory instead of a temporary one (kept afterwards)')
    .exitOverride()
    .addHelpText('after', '\nExamples:\n  $ npm run demo\n  $ npm run demo -- --payments 2000\n  $ npm run demo -- --json\n  $ npm run demo -- --keep\n');
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.code === 'commander.helpDisplayed' ? 0 : 2);
    throw error;
  }
  const options = program.opts<{ payments?: number; json?: boolean; keep?: boolean; dir?: string }>();
  return { payments: options.payments ?? DEFAULT_PAYMENTS, json: options.json === true, keep: options.keep === true, dir: options.dir ?? null };
}

/** Stops what this demo started: the members and watchtower (via the context), then the replicas it started. */
async function stopStarted(home: Home, ctx: ScenarioContext | null, replicas: readonly string[]): Promise<void> {
  await ctx?.cleanup();
  const names = new Set(replicas);
  const records = readProcesses(home).filter((record) => names.has(record.name));
  await stopRecorded(home, records);
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const started = Date.now();
  const temporary = options.dir === null;
  const home = homeOf(options.dir ?? mkdtempSync(join(tmpdir(), 'wedge-demo-')));
  const say = (line: string) => {
    if (!options.json) process.stdout.write(`${line}\n`);
  };
  let ctx: ScenarioContext | null = null;
  let replicas: string[] = [];
  const cleanup = async () => {
    if (options.keep) return;
    await stopStarted(home, ctx, replicas);
    if (temporary) rmSync(home.dir, { recursive: true, force: true });
  };
  // Ctrl-C stops the processes too: a demo must not leave a network behind.
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));

  say('Wedge demo — L1 replicas, payment channels and a watchtower as real processes on 127.0.0.1');
  say(temporary && !options.keep ? `(data in ${home.dir}, removed at the end; --keep leaves the network running)` : `(data in ${home.dir})`);
  say('');
  try {
    const run = await runDemo(home, options.payments, !options.json, say, (context, startedReplicas) => {
      ctx = context;
      replicas = startedReplicas;
    });
    const json = demoJson(run, Date.now() - started);
    if (options.keep) {
      json.dir = home.dir;
      json.dashboard = dashboardAvailable() ? (await startDashboard(home).catch(() => null))?.url ?? null : null;
    }
    if (options.json) process.stdout.write(`${toJson(json)}\n`);
    else {
      say(demoText(run, json));
      if (options.keep) {
        say('');
        say(`The network keeps running${json.dashboard ? `; watch it at ${json.dashboard}` : ''}.`);
        say(`  npm run wedge -- channel status --dir ${home.dir}`);
        say(`  npm run wedge -- network down --dir ${home.dir}     # stops every process`);
      }
    }
    return json.ok ? 0 : 1;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const message = error instanceof Error ? error.message : String(error);
    if (options.json) process.stdout.write(`${toJson({ ok: false, error: { code: typeof code === 'string' ? code : 'ERROR', message } })}\n`);
    process.stderr.write(`demo: ${typeof code === 'string' ? `${code}: ` : ''}${message}\n`);
    return 1;
  } finally {
    await cleanup();
  }
}

process.exit(await main());
