// Tears down the labs this process owns when it exits or is told to stop, so
// a test that throws, a Ctrl-C or a vitest worker being stopped leaves no
// namespace, link or process behind. Teardown is synchronous and works from
// 'exit'. For SIGINT, SIGTERM and SIGHUP: if nobody else listens, Node would
// have ended the process, so after tearing down we end it the same way (by
// re-raising the signal with our listener removed); if someone else listens,
// the decision is theirs and 'exit' still cleans up when it comes.
import { teardownLab } from './teardown.ts';
import type { LabRecord } from './lab-registry.ts';

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const owned = new Map<string, LabRecord>();
let installed = false;

function teardownAll(): void {
  for (const record of owned.values()) {
    try {
      teardownLab(record, { removeDir: record.meta.madeDir === true });
    } catch {
      // Best effort on the way out; stale cleanup finds whatever is left.
    }
  }
  owned.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  teardownAll();
  if (process.listenerCount(signal) === 1) {
    uninstall();
    process.kill(process.pid, signal);
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', teardownAll);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off('exit', teardownAll);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

export function registerTeardownOnExit(record: LabRecord): void {
  owned.set(record.prefix, record);
  install();
}

export function unregisterTeardownOnExit(record: LabRecord): void {
  owned.delete(record.prefix);
  if (owned.size === 0) uninstall();
}
