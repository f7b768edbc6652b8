// Benchmark entry point: `npm run bench -- [--crypto] [--l1] [--l2] [--byzantine] [--recovery] [--scale] [--quick] [--json]`.
//
// Each suite flag selects a suite; with none, every suite runs. `--quick`
// shortens every measurement (for CI and smoke runs). By default each suite
// prints a human-readable table; with `--json` stdout carries exactly one JSON
// object, `{ "<suite>": { ...figures } }`, and nothing else. Progress always
// goes to stderr. An unknown flag is a usage error: exit status 2.
//
// Every run also records what it measured, as each suite ends (results.ts):
// bench/results.json (the suites run, merged into the figures of earlier
// runs, each with the machine and date it was measured on) and
// bench/results.md (its tables);
// a full run (not --quick) also rewrites the README's tables between
// `<!-- bench:<suite> -->` markers.
//
// A suite lives in scripts/bench/<name>.ts and is registered in SUITES below.
import { formatByzantineReport, runByzantineBench } from './bench/byzantine.ts';
import { formatCryptoReport, runCryptoBench } from './bench/crypto.ts';
import { formatL1Report, runL1Bench } from './bench/l1.ts';
import { formatL2Report, runL2Bench } from './bench/l2.ts';
import { formatRecoveryReport, runRecoveryBench } from './bench/recovery.ts';
import { recordResults, type Figures } from './bench/results.ts';
import { formatScaleReport, runScaleBench, scaleMarkdown, type ScaleResult } from './bench/scale.ts';

/** `l1ViewChanges`: what the l1 suite saw, for the recovery suite of the same invocation (so it need not run them again). */
type SuiteOptions = { quick: boolean; progress: (line: string) => void; shared: { l1ViewChanges?: { replicas: number; viewChanges: number }[] } };
type SuiteRun = { json: Figures; text: string };
/** `markdown`: the suite's tables for bench/results.md and the README, when it has its own (else they are made from the figures). */
type Suite = { flag: string; description: string; run: (options: SuiteOptions) => Promise<SuiteRun> | SuiteRun; markdown?: (figures: Figures) => string };

const SUITES: Readonly<Record<string, Suite>> = {
  crypto: {
    flag: '--crypto',
    description: 'sign, verify (noble and OpenSSL), tagged hashing and canonical encoding',
    run(options) {
      const report = runCryptoBench(options);
      return { json: report.result, text: formatCryptoReport(report) };
    },
  },
  l1: {
    flag: '--l1',
    description: 'committed transfers/s and latency of real replica processes (n = 4, 7) against the verification ceiling',
    async run(options) {
      const report = await runL1Bench(options);
      options.shared.l1ViewChanges = report.details.map((run) => ({ replicas: run.replicas, viewChanges: run.viewChanges }));
      return { json: report.result, text: formatL1Report(report) };
    },
  },
  l2: {
    flag: '--l2',
    description: 'payments/s and latency of one channel of real member processes: star vs chain, 2/3/5 members, unbatched and batched',
    async run(options) {
      const report = await runL2Bench(options);
      return { json: report.result, text: formatL2Report(report) };
    },
  },
  byzantine: {
    flag: '--byzantine',
    description: 'L1 transfers/s with replica 0 (the first primary) Byzantine — every attack of the simulator, plus envelope floods — as a share of the same network honest',
    async run(options) {
      const report = await runByzantineBench(options);
      return { json: report.result, text: formatByzantineReport(report) };
    },
  },
  recovery: {
    flag: '--recovery',
    description: 'kill -9 of the primary -> first commit in the new view (5 kills), spurious view changes under L1 load, terminate -> settle, catch-up from 10,000 blocks behind',
    async run(options) {
      const report = await runRecoveryBench({ ...options, ...(options.shared.l1ViewChanges === undefined ? {} : { l1ViewChanges: options.shared.l1ViewChanges }) });
      return { json: report.result, text: formatRecoveryReport(report) };
    },
  },
  scale: {
    flag: '--scale',
    description: 'deterministic simulator, counts not timings: L1 at n = 4, 7, 16, 31; the ledger at 10..10,000 open channels; one channel of 2..16 members (writes bench/scale.svg; --quick: bench/scale.quick.svg)',
    run(options) {
      const report = runScaleBench(options);
      return { json: report.result, text: formatScaleReport(report) };
    },
    markdown: (figures) => scaleMarkdown(figures as unknown as ScaleResult),
  },
};

const MODIFIERS = {
  '--quick': 'short measurements, every suite within 3 minutes in all (crypto: 3 rounds of 0.4 s; l1: 6 s windows; l2: 1-1.2 s windows; scale: smaller loads)',
  '--json': 'print one JSON object on stdout instead of tables',
  '--help': 'print this help',
} as const;

type Parsed = { suites: string[]; quick: boolean; json: boolean; help: boolean };
type ParseResult = { ok: true; value: Parsed } | { ok: false; error: string };

function parseArguments(args: readonly string[]): ParseResult {
  const parsed: Parsed = { suites: [], quick: false, json: false, help: false };
  for (const arg of args) {
    const suite = Object.entries(SUITES).find(([, entry]) => entry.flag === arg);
    if (suite !== undefined) {
      if (!parsed.suites.includes(suite[0])) parsed.suites.push(suite[0]);
    } else if (arg === '--quick') parsed.quick = true;
    else if (arg === '--json') parsed.json = true;
    else if (arg === '--help' || arg === '-h') parsed.help = true;
    else return { ok: false, error: `unknown argument "${arg}"` };
  }
  if (parsed.suites.length === 0) parsed.suites = Object.keys(SUITES);
  return { ok: true, value: parsed };
}

function usage(): string {
  const lines = ['usage: npm run bench -- [suite flags] [--quick] [--json]', '', 'suites (default: all):'];
  for (const suite of Object.values(SUITES)) lines.push(`  ${suite.flag.padEnd(10)} ${suite.description}`);
  lines.push('', 'options:');
  for (const [flag, description] of Object.entries(MODIFIERS)) lines.push(`  ${flag.padEnd(10)} ${description}`);
  return lines.join('\n');
}

async function main(): Promise<number> {
  const parsed = parseArguments(process.argv.slice(2));
  if (!parsed.ok) {
    process.stderr.write(`bench: ${parsed.error}\n${usage()}\n`);
    return 2;
  }
  const { suites, quick, json, help } = parsed.value;
  if (help) {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  const progress = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  const output: Record<string, Figures> = {};
  const seconds: Record<string, number> = {};
  const failed: Record<string, string> = {};
  const shared: SuiteOptions['shared'] = {};
  // A suite that fails is reported (its figures are {"error": ...}, the exit
  // status 1) and the others still run: one broken section loses no other.
  for (const name of suites) {
    const startedAt = performance.now();
    try {
      const { json: figures, text } = await SUITES[name]!.run({ quick, progress, shared });
      output[name] = figures;
      if (!json) process.stdout.write(`\n${text}\n`);
    } catch (error) {
      failed[name] = (error as Error).message;
      output[name] = { error: failed[name] };
      progress(`bench: ${name} failed: ${(error as Error).stack ?? failed[name]}`);
    }
    seconds[name] = Math.round((performance.now() - startedAt) / 1000);
    // Recorded as each suite ends, so that a run stopped later keeps what it measured.
    const written = recordResults({
      figures: { [name]: output[name]! },
      failed: name in failed ? { [name]: failed[name]! } : {},
      seconds: { [name]: seconds[name]! },
      quick,
      markdownOf: (suite, figures) => SUITES[suite]?.markdown?.(figures),
    });
    progress(`bench: ${name} ${name in failed ? 'failed' : 'done'} in ${seconds[name]} s; wrote ${written.join(', ')}`);
  }
  progress(`bench: ${Object.values(seconds).reduce((sum, value) => sum + value, 0)} s in all`);
  if (json) process.stdout.write(`${JSON.stringify(output)}\n`);
  return Object.keys(failed).length === 0 ? 0 : 1;
}

process.exitCode = await main();
