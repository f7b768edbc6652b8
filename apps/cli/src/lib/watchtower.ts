// The directory's watchtower (apps/l2-node in watchtower mode): one process
// with its own L1 account (it needs no funds) and a fixed port, kept in
// DIR/l2/watchtower/ so it comes back at the same url — members are started
// with that url and push every new certificate to it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fastSecp256k1, randomKeyPair } from '@wedge/crypto/node';
import { z } from 'zod';
import { writeKeyFile } from '../../../l1-node/src/key-file.ts';
import { CliError } from './cli-error.ts';
import { saveChannel, type ChannelEntry } from './channel-registry.ts';
import { newestCertificate } from './channel-l1.ts';
import { ensureDir, readJsonFile, writeJsonFile, type Home } from './home.ts';
import { createWatchtowerClient, L2Error } from './l2-http.ts';
import { startMember, stopMember, L2_SCRIPT } from './members.ts';
import { DEFAULT_HOST, freePorts } from './ports.ts';
import { isRunning, logTail, spawnDetached } from './processes.ts';
import { readProcesses, recordProcess, runningProcess } from './registry.ts';

export const WATCHTOWER_PROCESS = 'watchtower';
const READY_TIMEOUT_MS = 30_000;

const WatchtowerFile = z.object({ port: z.int().min(1).max(65_535), address: z.string() });

function watchtowerDir(home: Home): string {
  return ensureDir(join(home.l2Data, 'watchtower'));
}

/** The watchtower's port and account, made once per directory. */
async function watchtowerIdentity(home: Home): Promise<{ port: number; keyPath: string; dataDir: string; address: string }> {
  const dir = watchtowerDir(home);
  const configPath = join(dir, 'watchtower.json');
  const keyPath = join(dir, 'watchtower.key');
  if (!existsSync(configPath) || !existsSync(keyPath)) {
    const account = randomKeyPair(fastSecp256k1);
    writeKeyFile(keyPath, 0, account.secretKey);
    const [port] = await freePorts(1);
    writeJsonFile(configPath, { port, address: account.address });
  }
  const config = readJsonFile(configPath, WatchtowerFile, `no ${configPath}`);
  return { port: config.port, keyPath, dataDir: join(dir, 'data'), address: config.address };
}

/** Starts the watchtower unless it runs; resolves with its url once it answers. */
export async function startWatchtower(home: Home): Promise<{ url: string; address: string; started: boolean }> {
  const identity = await watchtowerIdentity(home);
  const url = `http://${DEFAULT_HOST}:${identity.port}`;
  const running = runningProcess(home, WATCHTOWER_PROCESS) !== null;
  if (!running) {
    const log = join(ensureDir(home.logs), `${WATCHTOWER_PROCESS}.log`);
    const args = ['--watchtower', '--genesis', home.genesis, '--key', identity.keyPath, '--data', identity.dataDir, '--url', url];
    const pid = spawnDetached({ script: L2_SCRIPT, args, logPath: log });
    recordProcess(home, { name: WATCHTOWER_PROCESS, kind: 'watchtower', pid, script: L2_SCRIPT, url, log, startedAt: new Date().toISOString() });
  }
  await waitForWatchtower(home, url);
  return { url, address: identity.address, started: !running };
}

async function waitForWatchtower(home: Home, url: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const record = readProcesses(home).find((entry) => entry.name === WATCHTOWER_PROCESS);
    if (record === undefined || !isRunning(record.pid, record.script)) {
      throw new CliError('START_FAILED', `the watchtower exited while starting; the end of its log:\n${record === undefined ? '' : logTail(record.log)}`);
    }
    try {
      // Any answer, even 404 for an unknown channel, means it listens.
      await fetch(`${url}/v1/channels/${'0'.repeat(64)}`, { signal: AbortSignal.timeout(1_000) });
      return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new CliError('START_TIMEOUT', `the watchtower did not answer within ${READY_TIMEOUT_MS} ms`);
    await sleep(200);
  }
}

/**
 * Has the watchtower at `url` watch `channel` and hold its newest certificate.
 * Members started without this watchtower are restarted with it, one at a
 * time, so that they push every later certificate too.
 */
export async function watchChannel(home: Home, channel: ChannelEntry, url: string): Promise<{ version: number | null; restarted: number }> {
  const tower = createWatchtowerClient(url);
  await tower.watch(channel.id);
  const newest = await newestCertificate(channel).catch(() => null);
  if (newest !== null) {
    await tower.push(channel.id, newest).catch((error: unknown) => {
      // It holds this version already: nothing to add.
      if (!(error instanceof L2Error && error.code === 'STALE_STATE')) throw error;
    });
  }
  let restarted = 0;
  if (channel.watchtower !== url) {
    const updated = { ...channel, watchtower: url };
    saveChannel(home, updated);
    for (let index = 0; index < channel.members.length; index++) {
      if (runningProcess(home, channel.members[index]!.process) === null) continue;
      await stopMember(home, updated, index);
      await startMember(home, updated, index);
      restarted++;
    }
  }
  return { version: newest?.state.version ?? null, restarted };
}
