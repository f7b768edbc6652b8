// `wedge scenario list`: the built-in scenarios and what each shows.
import type { Command } from 'commander';
import { z } from 'zod';
import { addCommonOptions, addExamples, defineAction } from '../lib/command.ts';
import { table } from '../lib/output.ts';
import { BUILT_IN_SCENARIOS } from '../scenarios/index.ts';

export function registerScenarioList(scenario: Command): void {
  const command = scenario.command('list').description('list the built-in scenarios');
  addCommonOptions(command);
  addExamples(command, ['wedge scenario list', 'wedge scenario list --json']);
  defineAction(command, z.object({}), async (_input, { printer }) => {
    const scenarios = BUILT_IN_SCENARIOS.map(({ name, description }) => ({ name, description }));
    printer.result({ ok: true, scenarios }, () => `${table(scenarios)}\n\nrun one with: wedge scenario run NAME   (or a file: wedge scenario run ./my-scenario.ts)`);
  });
}
