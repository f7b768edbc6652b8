// `wedge scenario run`: runs one scenario against the directory's live
// network and reports pass or fail with the checks and the facts (balances,
// versions, heights) that prove it. Exit code 0 when it passed, 1 when not.
import type { Command } from 'commander';
import { z } from 'zod';
import { parseWith, TimeoutSeconds } from '../lib/arguments.ts';
import { CliError } from '../lib/cli-error.ts';
import { addCommonOptions, addExamples, defineAction } from '../lib/command.ts';
import { toJson } from '../lib/output.ts';
import { loadScenario, runScenario, type ScenarioReport } from '../lib/scenario-runner.ts';

const DEFAULT_TIMEOUT_S = 180;

function describe(report: ScenarioReport): string {
  const lines = [`${report.ok ? 'PASS' : 'FAIL'}  ${report.name} (${(report.durationMs / 1000).toFixed(1)} s)`, `      ${report.description}`, ''];
  for (const check of report.checks) lines.push(`  ${check.ok ? '✓' : '✗'} ${check.name}${check.ok ? '' : `  ${toJson(check.detail)}`}`);
  if (report.error !== null) lines.push(`  ✗ error: ${report.error.code}: ${report.error.message}`);
  lines.push('', 'facts:');
  for (const [key, value] of Object.entries(report.facts)) lines.push(`  ${key.padEnd(26)} ${typeof value === 'string' ? value : toJson(value)}`);
  return lines.join('\n');
}

export function registerScenarioRun(scenario: Command): void {
  const command = scenario
    .command('run')
    .description('run a scenario against the live local network and report pass or fail')
    .argument('<scenario>', 'a built-in scenario name (see `wedge scenario list`) or a path to a scenario file', parseWith(z.string().min(1).max(1_000)))
    .option('--timeout <seconds>', `give up after this long (default ${DEFAULT_TIMEOUT_S})`, parseWith(TimeoutSeconds));
  addCommonOptions(command);
  addExamples(command, ['wedge scenario run cooperative-close', 'wedge scenario run stale-terminate-watchtower --json', 'wedge scenario run ./my-scenario.ts']);
  command.addHelpText(
    'after',
    `
A scenario file exports { name, description, run(ctx) } as default (or as "scenario");
ctx opens channels, pays, stops and pauses members, terminates, and records
ctx.check(name, ok, detail) and ctx.fact(key, value). See apps/cli/src/scenarios/.
`,
  );
  defineAction(command, z.object({ args: z.tuple([z.string()]), timeout: z.number().default(DEFAULT_TIMEOUT_S) }), async (input, { home, printer }) => {
    const found = await loadScenario(input.args[0]);
    printer.progress(`scenario ${found.name}: ${found.description}`);
    const report = await runScenario(home, found, (message) => printer.progress(message), input.timeout * 1_000);
    printer.result(report, () => describe(report));
    if (!report.ok) throw new CliError('SCENARIO_FAILED', `scenario ${report.name} failed`);
  });
}
