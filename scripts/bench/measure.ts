// Timing helpers shared by the benchmark suites. A measurement runs an
// operation in a loop for a fixed time, several rounds, and reports the median
// rate, so that one slow round (a GC pause, a noisy neighbour) does not move it.

/** Where results end up, so that the engine cannot drop the measured work as unused. */
export let blackhole = 0;

export type MeasureOptions = {
  /** How long one round runs. */
  roundMs: number;
  /** How many timed rounds; the median is reported. */
  rounds: number;
  /** An untimed round before the timed ones, so the JIT has settled. */
  warmupMs: number;
  /** Operations between two reads of the clock (larger for very cheap operations). */
  batch: number;
};

export type Measurement = {
  perSec: number;
  roundsPerSec: number[];
};

/**
 * Measures `operation(i)`, where `i` counts up across all rounds so that the
 * operation can pick a different input every call. `operation` returns a
 * value so the work cannot be optimised away; the values are folded together.
 */
export function measure(operation: (i: number) => unknown, options: MeasureOptions): Measurement {
  let i = 0;
  let sink = 0;
  const runFor = (durationMs: number): number => {
    const start = performance.now();
    let count = 0;
    let elapsedMs = 0;
    do {
      for (let k = 0; k < options.batch; k++) {
        const result = operation(i++);
        sink = (sink + (result ? 1 : 0)) | 0;
      }
      count += options.batch;
      elapsedMs = performance.now() - start;
    } while (elapsedMs < durationMs);
    return (count * 1000) / elapsedMs;
  };
  runFor(options.warmupMs);
  const roundsPerSec: number[] = [];
  for (let round = 0; round < options.rounds; round++) roundsPerSec.push(runFor(options.roundMs));
  blackhole = (blackhole + sink) | 0;
  return { perSec: median(roundsPerSec), roundsPerSec };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Formats rows as an aligned text table: the first column left, the others right. */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

/** A rate with thousands separators and no decimals, e.g. "12,345". */
export function formatRate(perSec: number): string {
  return Math.round(perSec).toLocaleString('en-US');
}
