// The dashboard process:
//   tsx apps/dashboard/src/main.ts --config FILE [--port P]
// Serves the live network page on 127.0.0.1 (default port 7070; 0 picks a free
// one), prints one JSON line {"event":"listening","url":...} on stdout when
// ready, and stops cleanly on SIGTERM or SIGINT.
import type { Server } from 'node:http';
import { answerClientError } from '@wedge/api';
import { createClient } from '@wedge/client';
import { loadConfig, type DashboardConfig } from './config.ts';
import { createDashboardApp } from './http-server.ts';
import { NetworkPoller } from './network-poller.ts';
import { bundlePage } from './page-bundle.ts';

export const DEFAULT_PORT = 7070;
/** Replica requests in a poll: short, so a dead replica costs one poll at most this much. */
const REPLICA_TIMEOUT_MS = 1_000;

function usage(message: string): never {
  process.stderr.write(`dashboard: ${message}\nusage: dashboard --config FILE [--port PORT]\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): { config: string; port: number } {
  let config: string | undefined;
  let port = DEFAULT_PORT;
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index];
    const value = () => argv[++index] ?? usage(`${flag} needs a value`);
    if (flag === '--config') config = value();
    else if (flag === '--port') {
      const text = value();
      if (!/^[0-9]{1,5}$/.test(text) || Number(text) > 65_535) usage('--port needs an integer in 0..65535');
      port = Number(text);
    } else if (flag === '--help' || flag === '-h') usage('shows the network live in a browser');
    else usage(`unknown argument ${flag}`);
  }
  if (config === undefined) usage('--config FILE is required');
  return { config, port };
}

function loadConfigOrExit(path: string): DashboardConfig {
  try {
    return loadConfig(path);
  } catch (error) {
    usage((error as Error).message);
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const config = loadConfigOrExit(args.config);
  // Finality needs f+1 replicas to report a transaction's outcome; a config naming fewer replicas gets what it can.
  const confirmations = Math.min(config.replicas.length, Math.floor((config.genesis.replicas.length - 1) / 3) + 1);
  const client = createClient({ genesis: config.genesis, urls: [...config.replicas], timeoutMs: REPLICA_TIMEOUT_MS, resultConfirmations: confirmations });
  const poller = new NetworkPoller(config, client);
  const app = createDashboardApp({ config, client, poller, pageScript: await bundlePage() });
  const server: Server = app.listen(args.port, '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : args.port;
    process.stdout.write(`${JSON.stringify({ event: 'listening', url: `http://127.0.0.1:${port}/`, port, pid: process.pid })}\n`);
    poller.start();
  });
  // A request node:http cannot parse gets the API's error body too, not a bare 400 or 431.
  server.on('clientError', answerClientError);
  server.on('error', (error) => {
    process.stderr.write(`dashboard: cannot listen on 127.0.0.1:${args.port}: ${error.message}\n`);
    process.exit(1);
  });
  const shutdown = () => {
    poller.stop();
    server.close();
    server.closeAllConnections();
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

void main();
