// Command-line arguments of `npm run soak`: validated here, typed inward.
export type SoakArgs = { minutes: number; seed: number; json: boolean; lab: boolean; steady: boolean };

export const USAGE = 'usage: npm run soak -- --minutes M [--seed S] [--json] [--lab] [--steady]';

/** The most minutes one run may take: a soak is long, not endless. */
export const MAX_MINUTES = 24 * 60;

/** The parsed arguments, or a message that says what is wrong. `randomSeed` picks the seed when none is given. */
export function parseSoakArgs(argv: readonly string[], randomSeed: () => number): SoakArgs | string {
  let minutes: number | null = null;
  let seed: number | null = null;
  let json = false;
  let lab = false;
  let steady = false;
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index]!;
    if (flag === '--json') json = true;
    else if (flag === '--lab') lab = true;
    else if (flag === '--steady') steady = true;
    else if (flag === '--minutes' || flag === '--seed') {
      const value = argv[++index];
      if (value === undefined) return `${flag} needs a value`;
      if (flag === '--minutes') {
        // Fractions are allowed, so a test can run a short soak.
        if (!/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0 || Number(value) > MAX_MINUTES) return `--minutes: expected a number in (0, ${MAX_MINUTES}], got ${value}`;
        minutes = Number(value);
      } else {
        if (!/^\d+$/.test(value) || Number(value) > 0xffffffff) return `--seed: expected an integer 0..${0xffffffff}, got ${value}`;
        seed = Number(value);
      }
    } else return `unknown argument ${flag}`;
  }
  if (minutes === null) return '--minutes is required';
  return { minutes, seed: seed ?? randomSeed(), json, lab, steady };
}
