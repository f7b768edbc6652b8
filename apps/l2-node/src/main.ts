// One L2 process: a channel member, or a watchtower (see args.ts for usage).
//   tsx apps/l2-node/src/main.ts --genesis net/genesis.json --channel ID --key alice.key \
//       --peers http://127.0.0.1:7201,http://127.0.0.1:7202 --data net/l2/alice [--port 7201] [--watchtower URL]
//   tsx apps/l2-node/src/main.ts --watchtower --genesis net/genesis.json --key tower.key --data net/l2/tower --url http://127.0.0.1:7300
// A member reads its channel from L1 (f+1 replicas must agree; members,
// deposits and topology come from there), recovers from its data directory,
// listens on the host and port of its own URL in --peers (a watchtower: of
// its --url; see args.ts for --port and --listen), prints one JSON line
// {"event":"listening",...} when ready, and stops cleanly on SIGTERM or SIGINT.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { GenesisFile, answerClientError, formatListenAddress, listenAddressOfUrl, parseWire, type ListenAddress } from '@wedge/api';
import { toHex } from '@wedge/common';
import { keyPairFromSecret } from '@wedge/crypto';
import { fastSecp256k1, withVerifyCache } from '@wedge/crypto/node';
import { readKeyFile } from '../../l1-node/src/key-file.ts';
import { parseArgs, USAGE, type MemberArgs, type WatchtowerArgs } from './args.ts';
import { L1Reader, type VerifiedChannel } from './l1-reader.ts';
import { createLogger, type Logger } from './logger.ts';
import { createMemberRequestListener } from './member-fast-paths.ts';
import { MemberNode } from './member-node.ts';
import { createWatchtowerApi } from './watchtower-api.ts';
import { WatchtowerNode } from './watchtower-node.ts';

const L1_STARTUP_WAIT_MS = 30_000;
/** Where a watchtower given only --port listens: one machine. */
const DEFAULT_HOST = '127.0.0.1';

function exitWith(message: string): never {
  process.stderr.write(`l2-node: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function readGenesis(path: string): GenesisFile {
  return parseWire(GenesisFile, JSON.parse(readFileSync(path, 'utf8')));
}

/** The channel as f+1 L1 replicas report it; L1 may still be starting, so this waits a while. */
async function channelFromL1(reader: L1Reader, channelId: string): Promise<VerifiedChannel> {
  const deadline = Date.now() + L1_STARTUP_WAIT_MS;
  for (;;) {
    const verified = await reader.channel(channelId);
    if (verified !== null) return verified;
    if (Date.now() > deadline) exitWith(`channel ${channelId} not found on L1 (f+1 replicas must agree on it)`);
    await sleep(250);
  }
}

/** Where to bind: --listen, else the own URL's host (DEFAULT_HOST without one) at --port or the URL's port. */
function bindAddress(args: { listen?: ListenAddress; port?: number }, ownUrl: string | undefined): ListenAddress {
  if (args.listen !== undefined) return args.listen;
  const own = ownUrl === undefined ? null : listenAddressOfUrl(ownUrl);
  return { host: own?.host ?? DEFAULT_HOST, port: args.port ?? own!.port };
}

function listen(app: { listen: (port: number, host: string, callback: () => void) => Server }, bind: ListenAddress, log: Logger, fields: Record<string, unknown>, onListening: () => void, onStop: () => void): void {
  const server: Server = app.listen(bind.port, bind.host, () => {
    const address = server.address();
    const actualPort = typeof address === 'object' && address !== null ? address.port : bind.port;
    log.info('listening', { ...fields, host: bind.host, port: actualPort, pid: process.pid });
    onListening();
  });
  server.once('error', (error) => {
    process.stderr.write(`l2-node: cannot listen on ${formatListenAddress(bind)}: ${error.message}\n`);
    process.exit(1);
  });
  server.keepAliveTimeout = 30_000;
  // A request node:http cannot parse gets the API's error body too, not a bare 400 or 431.
  server.on('clientError', answerClientError);
  const shutdown = () => {
    server.close();
    server.closeAllConnections();
    onStop();
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

async function runMember(args: MemberArgs): Promise<void> {
  const genesis = readGenesis(args.genesis);
  const account = keyPairFromSecret(fastSecp256k1, readKeyFile(args.key).secretKey);
  const reader = new L1Reader(genesis);
  const { record } = await channelFromL1(reader, args.channel);
  const self = record.members.findIndex((member) => member.publicKey === toHex(account.publicKey));
  if (self === -1) exitWith(`the key in ${args.key} is not a member of channel ${record.id}`);
  if (args.peers.length !== record.members.length) exitWith(`--peers needs ${record.members.length} urls, one per member in member order`);
  const log = createLogger({ role: 'member', member: self }, [toHex(account.secretKey)]);
  const crash = process.env.WEDGE_CRASH_AFTER_PERSIST;
  const node = new MemberNode({
    chainId: genesis.chainId,
    record,
    self,
    account,
    // No verify cache: the core itself skips what it already checked (payments
    // waiting here that a proposal carries, and the signatures on a state it
    // signed that its certificate repeats), so each check runs once.
    scheme: fastSecp256k1,
    peers: args.peers,
    dataDir: args.data,
    maxBatchPayments: args.maxBatch,
    progressTimeoutMs: args.progressTimeoutMs,
    l1PollMs: args.l1PollMs,
    reader,
    watchtowerUrl: args.watchtower ?? null,
    crashAfterPersist: crash === 'signature' ? 'signature' : null,
    log,
  });
  // Peer envelopes and payments by the plain fast paths, everything else by the express app (member-fast-paths.ts).
  const server = createServer(createMemberRequestListener(node, { paymentWaitMs: args.paymentWaitMs }));
  listen(server, bindAddress(args, args.peers[self]!), log, { channelId: record.id }, () => node.start(), () => node.stop());
}

async function runWatchtower(args: WatchtowerArgs): Promise<void> {
  const genesis = readGenesis(args.genesis);
  const account = keyPairFromSecret(fastSecp256k1, readKeyFile(args.key).secretKey);
  const reader = new L1Reader(genesis);
  const log = createLogger({ role: 'watchtower' }, [toHex(account.secretKey)]);
  const node = new WatchtowerNode({
    chainId: genesis.chainId,
    account,
    scheme: withVerifyCache(fastSecp256k1),
    dataDir: args.data,
    l1PollMs: args.l1PollMs,
    reader,
    log,
  });
  const app = createWatchtowerApi(node, reader);
  listen(app, bindAddress(args, args.url), log, { address: account.address }, () => node.start(), () => node.stop());
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (typeof args === 'string') exitWith(args);
  try {
    if (args.mode === 'member') await runMember(args);
    else await runWatchtower(args);
  } catch (error) {
    exitWith((error as Error).message);
  }
}

void main();
