// One L1 replica process:
//   tsx apps/l1-node/src/main.ts --genesis net/genesis.json --key net/replica-0.key --data net/data/0 [--listen HOST:PORT] [--port P] [--durable]
// Listens on the host and port of its URL in the genesis file — or on
// --listen HOST:PORT where the bind address differs from the public one, or
// on that host at --port P — prints one JSON line {"event":"listening",...} on stdout when ready, and
// stops cleanly on SIGTERM or SIGINT.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import {
  GenesisFile,
  answerClientError,
  formatListenAddress,
  genesisHash,
  listenAddressOfUrl,
  parseListenAddress,
  type ListenAddress,
} from '@wedge/api';
import { toHex } from '@wedge/common';
import { createProcessLog } from '@wedge/shell';
import { networkOptionsOf } from './genesis-options.ts';
import { HistoryBackfill } from './history-backfill.ts';
import { createRequestListener } from './http-api.ts';
import { readKeyFile } from './key-file.ts';
import { ReplicaNode } from './replica-node.ts';

type Args = { genesis: string; key: string; data: string; listen: ListenAddress | null; port: number | null; durable: boolean };

function usage(message: string): never {
  process.stderr.write(`l1-node: ${message}\nusage: l1-node --genesis FILE --key FILE --data DIR [--listen HOST:PORT] [--port PORT] [--durable]\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): Args {
  const args: Partial<Args> = { listen: null, port: null, durable: false };
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index];
    const value = () => argv[++index] ?? usage(`${flag} needs a value`);
    if (flag === '--genesis') args.genesis = value();
    else if (flag === '--key') args.key = value();
    else if (flag === '--data') args.data = value();
    else if (flag === '--durable') args.durable = true;
    else if (flag === '--listen') args.listen = parseListenAddress(value()) ?? usage('--listen needs HOST:PORT (IPv6 as [ADDRESS]:PORT)');
    else if (flag === '--port') {
      const port = Number(value());
      if (!Number.isInteger(port) || port < 0 || port > 65_535) usage('--port needs an integer in 0..65535');
      args.port = port;
    } else usage(`unknown argument ${flag}`);
  }
  if (args.genesis === undefined || args.key === undefined || args.data === undefined) usage('--genesis, --key and --data are required');
  if (args.listen !== null && args.port !== null) usage('give --listen or --port, not both');
  return args as Args;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const genesis = GenesisFile.parse(JSON.parse(readFileSync(args.genesis, 'utf8')));
  const { id, secretKey } = readKeyFile(args.key);
  const self = genesis.replicas[id];
  if (self === undefined) usage(`key file is for replica ${id}, which the genesis does not have`);
  // Every line this process logs is scrubbed of its secret key (process-log.ts).
  const log = createProcessLog({ base: { replica: id }, secrets: [toHex(secretKey)] });
  const node = new ReplicaNode({
    ...networkOptionsOf(genesis),
    id,
    secretKey,
    dataDir: args.data,
    durable: args.durable,
    log,
  });
  const history = HistoryBackfill.forReplica(node, genesis);
  const server: Server = createServer(createRequestListener(node, { chainId: genesis.chainId, genesisHash: genesisHash(genesis), history }));
  const own = listenAddressOfUrl(self.url);
  const bind = args.listen ?? { host: own.host, port: args.port ?? own.port };
  server.once('error', (error) => {
    process.stderr.write(`l1-node: cannot listen on ${formatListenAddress(bind)}: ${error.message}\n`);
    process.exit(1);
  });
  server.listen(bind.port, bind.host, () => {
    const address = server.address();
    const actualPort = typeof address === 'object' && address !== null ? address.port : bind.port;
    log.info('listening', { host: bind.host, port: actualPort, pid: process.pid });
    node.start();
    history.start(); // blocks a previous run skipped and did not fill
  });
  server.keepAliveTimeout = 30_000;
  // A request node:http cannot parse gets the API's error body too, not a bare 400 or 431.
  server.on('clientError', answerClientError);
  const shutdown = () => {
    log.info('stopping', { batches: node.stats, relay: node.relay.stats });
    server.close();
    server.closeAllConnections();
    history.stop();
    node.stop();
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main();
