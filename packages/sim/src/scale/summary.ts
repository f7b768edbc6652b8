// Small helpers the scale measurements share for reporting counts.

/** Two decimals: counts per transaction or state are ratios of integers. */
export const round2 = (value: number): number => Math.round(value * 100) / 100;

/** The median and the largest of latencies (in network delays); zeros for none. */
export function latencySummary(latencies: readonly number[]): { readonly p50: number; readonly max: number } {
  if (latencies.length === 0) return { p50: 0, max: 0 };
  const sorted = [...latencies].sort((a, b) => a - b);
  return { p50: sorted[Math.floor(sorted.length / 2)]!, max: sorted.at(-1)! };
}
