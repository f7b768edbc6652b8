// `npm run soak -- --minutes M [--seed S] [--json] [--lab] [--steady]`: runs the soak
// and prints its report (JSON with --json); exits 1 on any violation, 2 on
// bad arguments or when the network lab is asked for but not available.
import { randomInt } from 'node:crypto';
import { parseSoakArgs, USAGE } from './args.ts';
import { formatReport } from './report.ts';
import { runSoak } from './soak.ts';

const args = parseSoakArgs(process.argv.slice(2), () => randomInt(0, 2 ** 32 - 1));
if (typeof args === 'string') {
  process.stderr.write(`${args}\n${USAGE}\n`);
  process.exit(2);
}
const report = await runSoak({ minutes: args.minutes, seed: args.seed, lab: args.lab, steady: args.steady, progress: (line) => process.stderr.write(`${line}\n`) });
if (typeof report === 'string') {
  process.stderr.write(`soak --lab: ${report}\n`);
  process.exit(2);
}
process.stdout.write(args.json ? `${JSON.stringify(report)}\n` : `${formatReport(report)}\n`);
if (report.violations.length > 0) {
  // The seed and the fault log on failure, also next to JSON output, so a person sees how to replay it.
  if (args.json) process.stderr.write(`${formatReport(report)}\n`);
  process.exit(1);
}
process.exit(0);
