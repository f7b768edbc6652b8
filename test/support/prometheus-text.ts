// A strict reader of Prometheus' text exposition format (version 0.0.4), so
// that a test can tell a scrape that Prometheus would take from one it would
// refuse: every sample line is `name{label="value",...} value [timestamp]`,
// every metric has one HELP and one TYPE line before its samples, names and
// label names match Prometheus' patterns, label values use only its escapes,
// values are floats (or NaN, +Inf, -Inf), and a histogram's buckets rise to a
// `+Inf` bucket equal to its `_count`.

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
export type Sample = { readonly name: string; readonly labels: Readonly<Record<string, string>>; readonly value: number };
export type MetricFamily = { readonly name: string; readonly type: MetricType; readonly help: string; readonly samples: Sample[] };

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES: ReadonlySet<string> = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

export class PrometheusTextError extends Error {
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
  }
}

/** The families of a scrape, by name; throws PrometheusTextError on the first line Prometheus would refuse. */
export function parsePrometheusText(text: string): Map<string, MetricFamily> {
  const families = new Map<string, MetricFamily>();
  const helps = new Map<string, string>();
  const lines = text.split('\n');
  if (lines.at(-1) !== '') throw new PrometheusTextError(lines.length, 'the text must end with a newline');
  lines.forEach((line, index) => {
    const number = index + 1;
    if (line === '') return;
    if (line.startsWith('#')) {
      const match = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (match === null) return; // a plain comment
      const [, keyword, name, rest] = match as unknown as [string, string, string, string];
      if (!METRIC_NAME.test(name)) throw new PrometheusTextError(number, `bad metric name ${name}`);
      if (keyword === 'HELP') {
        if (helps.has(name)) throw new PrometheusTextError(number, `second HELP for ${name}`);
        helps.set(name, rest);
        return;
      }
      if (!TYPES.has(rest)) throw new PrometheusTextError(number, `bad type ${rest} for ${name}`);
      if (families.has(name)) throw new PrometheusTextError(number, `second TYPE for ${name}`);
      families.set(name, { name, type: rest as MetricType, help: helps.get(name) ?? '', samples: [] });
      return;
    }
    const sample = parseSample(line, number);
    const family = familyOf(families, sample.name);
    if (family === undefined) throw new PrometheusTextError(number, `sample ${sample.name} before any TYPE line of its metric`);
    family.samples.push(sample);
  });
  for (const family of families.values()) {
    if (!helps.has(family.name)) throw new PrometheusTextError(0, `${family.name} has no HELP line`);
    if (family.type === 'histogram') checkHistogram(family);
  }
  return families;
}

/** The family a sample belongs to: its own name, or a histogram's or summary's `_bucket`, `_sum`, `_count`. */
function familyOf(families: Map<string, MetricFamily>, sampleName: string): MetricFamily | undefined {
  const own = families.get(sampleName);
  if (own !== undefined) return own;
  const base = /^(.*)_(bucket|sum|count)$/.exec(sampleName)?.[1];
  const family = base === undefined ? undefined : families.get(base);
  return family !== undefined && (family.type === 'histogram' || family.type === 'summary') ? family : undefined;
}

function parseSample(line: string, number: number): Sample {
  const head = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(line);
  if (head === null) throw new PrometheusTextError(number, `not a sample: ${line}`);
  const name = head[1]!;
  let rest = line.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    rest = rest.slice(1);
    while (!rest.startsWith('}')) {
      const label = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\\\|\\"|\\n)*)"(,?)/.exec(rest);
      if (label === null || !LABEL_NAME.test(label[1]!)) throw new PrometheusTextError(number, `bad label in ${line}`);
      if (label[1]! in labels) throw new PrometheusTextError(number, `label ${label[1]} twice in ${line}`);
      labels[label[1]!] = label[2]!.replace(/\\(["\\n])/g, (_match, escaped: string) => (escaped === 'n' ? '\n' : escaped));
      rest = rest.slice(label[0].length);
      if (label[3] === '' && !rest.startsWith('}')) throw new PrometheusTextError(number, `labels not separated by commas in ${line}`);
    }
    rest = rest.slice(1);
  }
  const value = /^ (\S+)( -?[0-9]+)?$/.exec(rest);
  if (value === null) throw new PrometheusTextError(number, `no value in ${line}`);
  return { name, labels, value: parseValue(value[1]!, number) };
}

/** A float as Prometheus reads one (Go's ParseFloat: NaN and Inf in any case, e.g. prom-client's `Nan`). */
function parseValue(text: string, number: number): number {
  const word = text.toLowerCase();
  if (word === 'nan') return Number.NaN;
  if (word === '+inf' || word === 'inf') return Number.POSITIVE_INFINITY;
  if (word === '-inf') return Number.NEGATIVE_INFINITY;
  if (!/^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$/.test(text)) throw new PrometheusTextError(number, `bad value ${text}`);
  return Number(text);
}

/** Per label set (without `le`): cumulative buckets that never fall, ending at `+Inf` equal to `_count`. */
function checkHistogram(family: MetricFamily): void {
  const series = new Map<string, { buckets: [number, number][]; count: number | null }>();
  const keyOf = (labels: Readonly<Record<string, string>>) =>
    JSON.stringify(Object.entries(labels).filter(([name]) => name !== 'le').sort(([a], [b]) => (a < b ? -1 : 1)));
  for (const sample of family.samples) {
    const entry = series.get(keyOf(sample.labels)) ?? { buckets: [], count: null };
    series.set(keyOf(sample.labels), entry);
    if (sample.name.endsWith('_bucket')) {
      const le = sample.labels.le;
      if (le === undefined) throw new PrometheusTextError(0, `${family.name}: a bucket without le`);
      entry.buckets.push([le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le), sample.value]);
    } else if (sample.name.endsWith('_count')) entry.count = sample.value;
  }
  for (const [key, { buckets, count }] of series) {
    const last = buckets.at(-1);
    if (last === undefined || last[0] !== Number.POSITIVE_INFINITY) throw new PrometheusTextError(0, `${family.name}${key}: no +Inf bucket`);
    if (last[1] !== count) throw new PrometheusTextError(0, `${family.name}${key}: +Inf bucket ${last[1]} is not the count ${count}`);
    for (let index = 1; index < buckets.length; index++) {
      if (buckets[index]![0] <= buckets[index - 1]![0] || buckets[index]![1] < buckets[index - 1]![1]) {
        throw new PrometheusTextError(0, `${family.name}${key}: buckets out of order or falling`);
      }
    }
  }
}

/** The value of the one sample named `name` whose labels include `labels`; throws when there is none. */
export function sampleValue(families: Map<string, MetricFamily>, name: string, labels: Record<string, string> = {}): number {
  const family = familyOf(families, name);
  const sample = family?.samples.find((candidate) => candidate.name === name && Object.entries(labels).every(([key, value]) => candidate.labels[key] === value));
  if (sample === undefined) throw new Error(`no sample ${name}${JSON.stringify(labels)}`);
  return sample.value;
}
