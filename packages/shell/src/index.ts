// @wedge/shell: the pieces every Wedge process wraps around its pure core —
// the persist-then-act loop with its bounded inbox and timers, the
// authenticated links to its peers, the runner of its serial jobs, the
// sampled log of what its core dropped, the structured log every process
// writes, and a scheme that counts its signature checks for the metrics.
export * from './bounded-inbox.ts';
export * from './counted-scheme.ts';
export * from './drop-log.ts';
export * from './peer-links.ts';
export * from './peer-mac.ts';
export * from './peer-post.ts';
export * from './process-log.ts';
export * from './serial-jobs.ts';
export * from './step-loop.ts';
export * from './token-timers.ts';
