// Where a benchmark run leaves its figures, so that one command gives every
// figure and the README can show them:
//
// - bench/results.json: `{ "<suite>": figures, ..., "runs": { "<suite>": { date, quick, seconds, machine } } }`.
//   A run replaces the suites it ran and keeps the others' figures from
//   earlier runs, each with the machine and date it was measured on; a suite
//   that failed keeps its earlier figures, and its run record says why.
// - bench/results.md: every suite's tables, made from results.json.
// - README.md: a full run rewrites what stands between
//   `<!-- bench:<suite> -->` and `<!-- /bench:<suite> -->` with that suite's
//   tables.
// A --quick run's figures are smoke only: it writes bench/results.quick.json
// and bench/results.quick.md instead, and leaves the README alone.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

export type Figure = number | string | boolean | null | readonly Figure[] | Figures;
/** A suite's figures: numbers (and labels), possibly grouped (e.g. per network size) or in rows. */
export type Figures = { readonly [name: string]: Figure };

export type Machine = { cores: number; cpuModel: string; node: string; platform: string; memoryGiB: number; loadAverage1m: number };
export type RunRecord = { date: string; quick: boolean; seconds: number; machine: Machine; error?: string };

const README = 'README.md';

/** Where a run's figures go: full runs and quick ones apart, so smoke figures never replace measured ones. */
export function resultPaths(quick: boolean): { json: string; markdown: string } {
  return quick ? { json: 'bench/results.quick.json', markdown: 'bench/results.quick.md' } : { json: 'bench/results.json', markdown: 'bench/results.md' };
}

export function machine(): Machine {
  return {
    cores: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
  };
}

export function describeRun(run: RunRecord): string {
  const { machine: m } = run;
  return `${run.date.slice(0, 10)}${run.quick ? ', --quick (smoke figures)' : ''}, ${run.seconds} s; ${m.cores} cores, ${m.cpuModel}, Node ${m.node}, ${m.platform}, load average ${m.loadAverage1m} at the end`;
}

type Stored = { [suite: string]: Figures } & { runs?: { [suite: string]: RunRecord } };

function readStored(path: string): Stored {
  if (!existsSync(path)) return {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Stored) : {};
  } catch {
    return {}; // a damaged file is replaced by this run's figures
  }
}

const isFigures = (value: Figure): value is Figures => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Leaf figures by dotted path ("viewChangeMs.p50"); arrays of rows by index. */
function flatten(figures: Figures, prefix = ''): [string, string][] {
  return Object.entries(figures).flatMap(([key, value]): [string, string][] => {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (Array.isArray(value)) return value.flatMap((item, index) => (isFigures(item) ? flatten(item, `${path}[${index}]`) : [[`${path}[${index}]`, String(item)]]));
    return isFigures(value as Figure) ? flatten(value as Figures, path) : [[path, typeof value === 'number' ? value.toLocaleString('en-US') : String(value)]];
  });
}

export function markdownTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}

/**
 * A suite's figures as markdown: one row per group when every figure is a
 * group of the same shape (l1: n4, n7), else one row per figure.
 */
export function figuresMarkdown(figures: Figures): string {
  const groups = Object.values(figures);
  if (groups.length > 0 && groups.every(isFigures)) {
    const columns = flatten(groups[0] as Figures).map(([path]) => path);
    const rows = Object.entries(figures).map(([name, group]) => {
      const values = new Map(flatten(group as Figures));
      return [name, ...columns.map((column) => values.get(column) ?? '')];
    });
    if (groups.every((group) => flatten(group as Figures).length === columns.length)) return markdownTable(['', ...columns], rows);
  }
  return markdownTable(['figure', 'value'], flatten(figures));
}

function replaceBetweenMarkers(text: string, suite: string, body: string): string | null {
  const begin = `<!-- bench:${suite} -->`;
  const end = `<!-- /bench:${suite} -->`;
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from === -1 || to === -1 || to < from) return null;
  return `${text.slice(0, from + begin.length)}\n${body}\n${text.slice(to)}`;
}

export type RecordOptions = {
  figures: Record<string, Figures>;
  /** Suites that failed in this run, with why. */
  failed: Record<string, string>;
  /** How long each suite of this run took. */
  seconds: Record<string, number>;
  quick: boolean;
  /** A suite's own markdown for its figures, when it has one. */
  markdownOf: (suite: string, figures: Figures) => string | undefined;
};

/** Writes results.json and results.md (and, for a full run, the README's marked tables); returns the paths written. */
export function recordResults(options: RecordOptions): string[] {
  const paths = resultPaths(options.quick);
  const stored = readStored(paths.json);
  const date = new Date().toISOString();
  const measuredOn = machine();
  const runs = { ...(stored.runs ?? {}) };
  const merged: Stored = {};
  for (const [suite, figures] of Object.entries(stored)) if (suite !== 'runs') merged[suite] = figures as Figures;
  for (const [suite, figures] of Object.entries(options.figures)) {
    const run: RunRecord = { date, quick: options.quick, seconds: options.seconds[suite] ?? 0, machine: measuredOn };
    const error = options.failed[suite];
    if (error === undefined) {
      merged[suite] = figures;
      runs[suite] = run;
    } else if (merged[suite] === undefined) {
      runs[suite] = { ...run, error };
    } else {
      runs[suite] = { ...runs[suite]!, error: `the run of ${date} failed (${error}); these figures are older` };
    }
  }
  merged.runs = runs;
  mkdirSync('bench', { recursive: true });
  writeFileSync(paths.json, `${JSON.stringify(merged, null, 2)}\n`);
  const sections = Object.entries(merged)
    .filter(([suite]) => suite !== 'runs')
    .map(([suite, figures]) => {
      const record = runs[suite];
      const body = options.markdownOf(suite, figures as Figures) ?? figuresMarkdown(figures as Figures);
      const note = record?.error === undefined ? '' : ` Note: ${record.error}.`;
      return { suite, text: `Measured ${record === undefined ? '(when unknown)' : describeRun(record)}.${note}\n\n${body}` };
    });
  writeFileSync(paths.markdown, `# Benchmark results${options.quick ? ' (--quick: smoke figures)' : ''}\n\nWritten by \`npm run bench\` from ${paths.json}.\n\n${sections.map(({ suite, text }) => `## ${suite}\n\n${text}`).join('\n\n')}\n`);
  const written = [paths.json, paths.markdown];
  if (!options.quick && existsSync(README)) {
    let readme = readFileSync(README, 'utf8');
    let changed = false;
    for (const { suite, text } of sections) {
      if (!(suite in options.figures) || suite in options.failed) continue;
      const next = replaceBetweenMarkers(readme, suite, text);
      if (next !== null) {
        readme = next;
        changed = true;
      }
    }
    if (changed) {
      writeFileSync(README, readme);
      written.push(README);
    }
  }
  return written;
}
