// What each process holds over a run: its resident memory (from /proc), the
// V8 heap in use (its /metrics: nodejs_heap_size_used_bytes, which tells
// live objects from garbage not yet collected) and the bytes of its data
// directory, sampled every few seconds. The first
// minutes are warm-up (caches, JIT, SQLite pages fill); from the baseline
// (the first sample at or after `baselineAtMs`) on, a process whose memory
// or disk keeps growing at steady load has an unbounded queue, cache or
// table. The summary gives each process's baseline, last and largest value
// after it, and the largest as a ratio of the baseline.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ProcessKind } from './cluster.ts';

export type ResourceSample = {
  readonly name: string;
  readonly kind: ProcessKind;
  readonly rssMb: number | null;
  readonly diskBytes: number | null;
  readonly heapUsedMb?: number | null;
};

export type ProcessResources = {
  kind: ProcessKind;
  /** At the baseline (null when the run ended before it). */
  baselineRssMb: number | null;
  lastRssMb: number | null;
  /** The largest after the baseline. */
  maxRssMbAfterBaseline: number | null;
  /** maxRssMbAfterBaseline / baselineRssMb. */
  rssRatio: number | null;
  baselineDiskMb: number | null;
  lastDiskMb: number | null;
  baselineHeapUsedMb: number | null;
  lastHeapUsedMb: number | null;
  maxHeapUsedMbAfterBaseline: number | null;
};

export type ResourceSummary = { baselineAtMs: number; samples: number; processes: Record<string, ProcessResources> };

type Track = {
  kind: ProcessKind;
  baselineRss: number | null;
  lastRss: number | null;
  maxRss: number | null;
  baselineDisk: number | null;
  lastDisk: number | null;
  baselineHeap: number | null;
  lastHeap: number | null;
  maxHeap: number | null;
};

export class ResourceTracker {
  private readonly tracks = new Map<string, Track>();
  private samples = 0;

  /** @param baselineAtMs run time from which growth is counted */
  constructor(private readonly baselineAtMs: number) {}

  add(atMs: number, samples: readonly ResourceSample[]): void {
    this.samples += 1;
    const afterBaseline = atMs >= this.baselineAtMs;
    for (const { name, kind, rssMb, diskBytes, heapUsedMb = null } of samples) {
      let track = this.tracks.get(name);
      if (track === undefined) {
        track = { kind, baselineRss: null, lastRss: null, maxRss: null, baselineDisk: null, lastDisk: null, baselineHeap: null, lastHeap: null, maxHeap: null };
        this.tracks.set(name, track);
      }
      if (rssMb !== null) track.lastRss = rssMb;
      if (diskBytes !== null) track.lastDisk = diskBytes;
      if (heapUsedMb !== null) track.lastHeap = heapUsedMb;
      if (!afterBaseline) continue;
      if (track.baselineRss === null && rssMb !== null) track.baselineRss = rssMb;
      if (track.baselineDisk === null && diskBytes !== null) track.baselineDisk = diskBytes;
      if (track.baselineHeap === null && heapUsedMb !== null) track.baselineHeap = heapUsedMb;
      if (rssMb !== null) track.maxRss = Math.max(track.maxRss ?? 0, rssMb);
      if (heapUsedMb !== null) track.maxHeap = Math.max(track.maxHeap ?? 0, heapUsedMb);
    }
  }

  summary(): ResourceSummary {
    const round = (value: number | null, digits = 1) => (value === null ? null : Number(value.toFixed(digits)));
    const mb = (bytes: number | null) => (bytes === null ? null : bytes / 1024 / 1024);
    const processes: Record<string, ProcessResources> = {};
    for (const [name, track] of [...this.tracks].sort(([a], [b]) => a.localeCompare(b))) {
      processes[name] = {
        kind: track.kind,
        baselineRssMb: round(track.baselineRss),
        lastRssMb: round(track.lastRss),
        maxRssMbAfterBaseline: round(track.maxRss),
        rssRatio: track.baselineRss === null || track.maxRss === null ? null : round(track.maxRss / track.baselineRss, 3),
        baselineDiskMb: round(mb(track.baselineDisk), 2),
        lastDiskMb: round(mb(track.lastDisk), 2),
        baselineHeapUsedMb: round(track.baselineHeap),
        lastHeapUsedMb: round(track.lastHeap),
        maxHeapUsedMbAfterBaseline: round(track.maxHeap),
      };
    }
    return { baselineAtMs: this.baselineAtMs, samples: this.samples, processes };
  }
}

/** Bytes of the files under `dir` (0 where it is gone). */
export function directoryBytes(dir: string): number {
  let total = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    try {
      if (entry.isDirectory()) total += directoryBytes(path);
      else if (entry.isFile()) total += statSync(path).size;
    } catch {
      // A file removed while we looked (SQLite's journal): not counted.
    }
  }
  return total;
}

/** The `--data` directory on a process's command line (replicas, members and watchtowers all take one), or null. */
export function dataDirOf(pid: number): string | null {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const at = args.indexOf('--data');
    return at === -1 ? null : (args[at + 1] ?? null);
  } catch {
    return null;
  }
}

/** The V8 heap in use of the process at `url`, from its /metrics, in MB; null when it does not answer in time. */
export async function heapUsedMb(url: string, timeoutMs = 2_000): Promise<number | null> {
  try {
    const answer = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!answer.ok) return null;
    const match = /^nodejs_heap_size_used_bytes(?:\{[^}]*\})? ([0-9.e+]+)$/m.exec(await answer.text());
    return match === null ? null : Number(match[1]) / 1024 / 1024;
  } catch {
    return null;
  }
}
