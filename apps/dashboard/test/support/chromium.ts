// Makes sure a Chromium the browser test can drive is installed. Playwright's
// own browser download needs the internet, which CI machines here do not have;
// Debian's `chromium` package comes from the distribution mirror they can
// reach. So the test installs it with apt-get when /usr/bin/chromium is
// missing (CI runs `npm test` as root on a fresh machine), and says plainly
// what to do when it cannot.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** apt and dpkg may take minutes on a cold machine; nothing here runs longer than this. */
const INSTALL_TIMEOUT_MS = 600_000;

/**
 * Flags for a headless Chromium that runs as root in a container and talks to
 * nothing but loopback. The fresh profile directory is not among them:
 * Playwright takes it as `launchPersistentContext(userDataDir, ...)`, and
 * refuses a --user-data-dir flag.
 */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** Another apt run (an unattended upgrade, a second checkout's tests) may hold the lock for a while: wait for it instead of failing. */
const WAIT_FOR_LOCK = ['-o', 'DPkg::Lock::Timeout=300'];

/** Runs apt-get; on failure the thrown error's message carries apt's stderr. */
function apt(args: string[]): void {
  execFileSync('apt-get', [...WAIT_FOR_LOCK, ...args], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: INSTALL_TIMEOUT_MS,
  });
}

/** Returns the path of Chromium, installing the Debian package first if it is missing. */
export function ensureChromium(): string {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  if (process.getuid?.() !== 0) {
    throw new Error(`${CHROMIUM_PATH} is missing and this test is not root, so it cannot install it: run \`apt-get install -y chromium\``);
  }
  const install = ['install', '-y', '--no-install-recommends', 'chromium'];
  try {
    apt(install);
  } catch {
    // A fresh machine may have no package lists (or stale ones): fetch them and try once more.
    apt(['update']);
    apt(install);
  }
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`apt-get installed chromium but ${CHROMIUM_PATH} is still missing`);
  return CHROMIUM_PATH;
}
