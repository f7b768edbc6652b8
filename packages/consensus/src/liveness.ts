// Liveness of the primary (docs/l1-view-changes.md, "Noticing a dead
// primary fast"). While normal, the primary broadcasts a signed heartbeat
// every heartbeatMs; a backup counts silence windows of twice that long in
// which nothing came from the primary (neither a heartbeat nor a proposal)
// while it had work, and complains after SILENT_WINDOWS of them in a row.
// A crashed primary is then noticed in 2-3 windows instead of two progress
// timeouts; one window alone never complains, so a backup whose own event
// loop stalled (its timer fires before the heartbeats waiting in its inbox)
// does not. Every window, like every other failover timer, backs off
// exponentially with the view changes that failed to commit a block.
import { writable, type StepContext } from './context.ts';
import { broadcast } from './emit.ts';
import { signMessage } from './messages.ts';
import { hasWork } from './progress-watch.ts';
import type { LivenessState } from './state.ts';
import { clearTimer, setTimer } from './timers.ts';
import type { Heartbeat } from './types.ts';
import { isPrimary } from './windows.ts';

type Writes = LivenessState;

/** The heartbeat interval of a genesis that does not name one. */
export const DEFAULT_HEARTBEAT_MS = 50;

/** Consecutive silent windows after which a backup with work complains. */
export const SILENT_WINDOWS = 2;
/** A silence window is this many heartbeat intervals: a window normally holds two heartbeats. */
export const HEARTBEATS_PER_WINDOW = 2;
/** The backoff stops doubling after this many failed view changes in a row (64 times the base). */
export const MAX_BACKOFF_DOUBLINGS = 6;

/** 2^failedViews, capped: how much longer every failover timer waits after view changes that committed nothing. */
export function backoffFactor(c: StepContext<unknown, unknown>): number {
  return 2 ** Math.min(c.state.failedViews, MAX_BACKOFF_DOUBLINGS);
}

/** A failover timeout stretches to this many times the observed commit latency... */
export const LATENCY_MARGIN = 2;
/** ...but never beyond this many times its configured value, so a slow primary cannot stretch it without end. */
export const MAX_STRETCH = 4;

/**
 * Stretch and backoff together never make a silence window or a progress
 * timeout longer than this many times its configured value: a network
 * whose views keep failing under load must still try the next primary
 * within tens of seconds (the view-change timer alone doubles on, as PBFT's).
 */
export const MAX_TOTAL_FACTOR = 16;

/** The observed commit latency (LivenessState.commitLatency) in milliseconds. */
export function commitLatencyMs(c: StepContext<unknown, unknown>): number {
  return c.state.commitLatency * c.config.heartbeatMs;
}

/**
 * `baseMs`, or LATENCY_MARGIN times the observed commit latency when that
 * is longer, up to MAX_STRETCH times `baseMs`: under load, requests take
 * longer to commit and heartbeats wait longer behind them, and a primary
 * that is merely busy is not to be replaced.
 */
export function stretchedToLatency(c: StepContext<unknown, unknown>, baseMs: number): number {
  return Math.min(Math.max(baseMs, LATENCY_MARGIN * commitLatencyMs(c)), MAX_STRETCH * baseMs);
}

/** A silence window: two heartbeats; under load, half the observed commit latency (two windows: about one latency); backed off; at most MAX_TOTAL_FACTOR times two heartbeats. */
export function silenceWindowMs(c: StepContext<unknown, unknown>): number {
  const baseMs = HEARTBEATS_PER_WINDOW * c.config.heartbeatMs;
  return Math.min(Math.min(Math.max(baseMs, commitLatencyMs(c) / 2), MAX_STRETCH * baseMs) * backoffFactor(c), MAX_TOTAL_FACTOR * baseMs);
}

/** The watched request committed after waiting `ticks` heartbeat intervals: the latency estimate takes it in. */
export function sampleCommitLatency(c: StepContext<unknown, unknown>, ticks: number): void {
  const s = writable<Writes>(c);
  s.commitLatency = Math.max(ticks, s.commitLatency - s.commitLatency / 8);
}

/**
 * In the normal case, the primary's heartbeat timer or a backup's silence
 * timer runs (whichever is not running is armed); changing views, neither.
 * The heartbeat does not back off: a primary that is alive says so on time.
 */
export function armLivenessTimers(c: StepContext<unknown, unknown>): void {
  if (c.state.status !== 'normal') return;
  if (isPrimary(c)) {
    clearTimer(c, 'silence');
    if (c.state.timers.heartbeat === 0) setTimer(c, 'heartbeat', c.config.heartbeatMs);
  } else {
    clearTimer(c, 'heartbeat');
    if (c.state.timers.silence === 0) startSilenceWindow(c);
  }
}

/** `intervals` heartbeat intervals have passed, as a liveness timer tells (complaints age by it). */
export function advanceLivenessClock(c: StepContext<unknown, unknown>, intervals: number): void {
  writable<Writes>(c).livenessClock += intervals;
}

/** A new silence window: nothing heard from the primary in it yet. */
export function startSilenceWindow(c: StepContext<unknown, unknown>): void {
  writable<Writes>(c).heardFromPrimary = false;
  setTimer(c, 'silence', silenceWindowMs(c));
}

/** The primary of our view showed it is alive (a valid heartbeat or proposal of the view). */
export function noteSignOfLife(c: StepContext<unknown, unknown>): void {
  const s = writable<Writes>(c);
  s.heardFromPrimary = true;
  s.silentWindows = 0;
}

/** The primary's side: one signed heartbeat to everyone. */
export function sendHeartbeat(c: StepContext<unknown, unknown>): void {
  const s = writable<Writes>(c);
  s.heartbeatsSent += 1;
  broadcast(c, signMessage<Heartbeat>(c.signer, { type: 'heartbeat', view: c.state.view, beat: s.heartbeatsSent, replica: c.id }));
}

/** Whether the window that just ended was silent: nothing from the primary although we had work for it. */
export function windowWasSilent<Tx>(c: StepContext<Tx, unknown>): boolean {
  return !c.state.heardFromPrimary && hasWork(c);
}

/** A new view (entered, or started): what we heard from the previous primary no longer counts. */
export function resetPrimaryWatch(c: StepContext<unknown, unknown>): void {
  const s = writable<Writes>(c);
  s.primaryBeat = 0;
  s.heardFromPrimary = false;
  s.silentWindows = 0;
}
