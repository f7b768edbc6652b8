// What a scenario is: a name, one line saying what it shows, and a script
// that drives a live local network through a ScenarioContext and records
// checks (pass/fail with the numbers that prove it) and facts (balances,
// versions, heights). A scenario file — built in or a user's own — exports
// one as `default` or as `scenario`.
import { z } from 'zod';
import type { ScenarioContext } from '../lib/scenario-context.ts';

export type Scenario = {
  readonly name: string;
  readonly description: string;
  run(ctx: ScenarioContext): Promise<void>;
};

/** The shape a loaded module's export must have; checked when a user's file is loaded. */
export const ScenarioShape = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a scenario name is lowercase letters, digits and dashes'),
  description: z.string().min(1).max(500),
  run: z.custom<Scenario['run']>((value) => typeof value === 'function', 'run must be a function'),
});
