// A Byzantine L1 replica as a real process, for tests over real replicas:
//   tsx test/support/byzantine-replica-main.ts --genesis FILE --key FILE --data DIR --seed N [--envelopes-per-second R]
// It holds one replica's key and speaks the real peer protocol (the same
// ReplicaNode, HTTP server and authenticated links as apps/l1-node), so it
// looks plausible; what it sends is decided by the simulator's Adversary
// (packages/sim/src/byzantine.ts) with every attack on: as primary it
// equivocates (one block to some replicas, a conflicting one to the others,
// with votes for both), it votes for every proposal it sees, tampers with the
// new views it sends, replays old messages, forges messages in another
// replica's name or with garbage signatures, complains about every view, and
// withholds a share of what it should send. Beside that, an envelope attacker
// posts to every honest replica's peer endpoint: envelopes of malformed
// messages under a valid MAC, envelopes with a wrong MAC or in another
// replica's name, envelopes declaring a body over the limit, and floods of
// replayed old messages under a valid MAC.
//
// Prints {"event":"listening",...} when ready (as the replica does) and, on
// SIGTERM, one {"event":"attacks",...} line counting what it sent and how
// the honest replicas answered, then exits.
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { GenesisFile, genesisHash, listenAddressOfUrl } from '@wedge/api';
import type { Message } from '@wedge/consensus';
import type { SignedTx } from '@wedge/ledger';
import { macOf } from '@wedge/shell';
import { Adversary, Prng, type ByzantineProfile } from '@wedge/sim';
import { networkOptionsOf } from '../../apps/l1-node/src/genesis-options.ts';
import { HistoryBackfill } from '../../apps/l1-node/src/history-backfill.ts';
import { createRequestListener } from '../../apps/l1-node/src/http-api.ts';
import { readKeyFile } from '../../apps/l1-node/src/key-file.ts';
import { PEER_BODY_LIMIT_BYTES } from '../../apps/l1-node/src/peer-endpoint.ts';
import { ReplicaNode } from '../../apps/l1-node/src/replica-node.ts';
import { stringifyTagged } from '../../apps/l1-node/src/tagged-json.ts';
import { PEER_PATH } from '../../apps/l1-node/src/transport.ts';

/** Every attack of the simulator's adversary at once (a silent primary aside: it would hide the equivocation). */
export const ALL_ATTACKS: ByzantineProfile = {
  equivocate: true,
  doubleVote: true,
  tamperNewView: true,
  withholdProbability: 0.2,
  silentPrimary: false,
  forge: true,
  replay: true,
  complain: true,
};

type EnvelopeAttack = 'malformed' | 'bad-mac' | 'impersonation' | 'oversized' | 'replay-flood';
const ENVELOPE_ATTACKS: readonly EnvelopeAttack[] = ['malformed', 'bad-mac', 'impersonation', 'oversized', 'replay-flood'];
/** Old messages replayed per flooding envelope. */
const FLOOD_MESSAGES = 200;
/** Old messages kept for replay floods. */
const REMEMBERED = 1_000;

type Args = { genesis: string; key: string; data: string; seed: number; envelopesPerSecond: number };

function parseArgs(argv: readonly string[]): Args {
  const values = new Map<string, string>();
  for (let index = 0; index < argv.length; index += 2) values.set(argv[index]!, argv[index + 1] ?? '');
  const required = (flag: string): string => {
    const value = values.get(flag);
    if (value === undefined || value === '') throw new Error(`byzantine replica: ${flag} is required`);
    return value;
  };
  return {
    genesis: required('--genesis'),
    key: required('--key'),
    data: required('--data'),
    seed: Number(required('--seed')),
    envelopesPerSecond: Number(values.get('--envelopes-per-second') ?? '50'),
  };
}

/** Malformed messages, each of a kind a peer must refuse one by one without harm. */
function malformedMessages(rng: Prng, self: number): unknown[] {
  let deep: unknown = { type: 'prepare' };
  for (let depth = 0; depth < 200; depth++) deep = { nested: deep };
  const choices: unknown[] = [
    { type: 'prepare', view: 'one', seq: -1, digest: 'zz', replica: self, signature: '' },
    { type: 'commit', view: Number.MAX_SAFE_INTEGER, seq: 1e300, digest: '00'.repeat(32), replica: self, signature: '11'.repeat(64) },
    { type: 'pre-prepare-block', prePrepare: null, block: { height: 1, txs: [{ junk: true }] } },
    { type: 'checkpoint', seq: 1, root: 'x'.repeat(10_000), replica: self },
    { type: 'no-such-message' },
    { __proto__: { type: 'commit' }, constructor: { prototype: { polluted: true } } },
    deep,
    'a string',
    42,
    null,
    [[[]]],
  ];
  return Array.from({ length: rng.int(1, 20) }, () => rng.pick(choices));
}

class EnvelopeAttacker {
  readonly sent: Record<EnvelopeAttack, number> = { malformed: 0, 'bad-mac': 0, impersonation: 0, oversized: 0, 'replay-flood': 0 };
  /** Answers of the honest replicas, by status (0: no answer). */
  readonly answers: Record<string, number> = {};
  private readonly remembered: Message<SignedTx>[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly node: ReplicaNode,
    private readonly peers: readonly { id: number; url: string }[],
    private readonly rng: Prng,
  ) {}

  remember(message: Message<SignedTx>): void {
    this.remembered.push(message);
    if (this.remembered.length > REMEMBERED) this.remembered.shift();
  }

  start(perSecond: number): void {
    if (perSecond <= 0) return;
    this.timer = setInterval(() => this.attackOnce(), Math.max(1, Math.round(1_000 / perSecond)));
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
  }

  private attackOnce(): void {
    const peer = this.rng.pick(this.peers);
    const attack = this.rng.pick(ENVELOPE_ATTACKS);
    const self = this.node.ctx.id;
    const key = this.node.peerKeys.macKeyFor(peer.id)!;
    this.sent[attack] += 1;
    switch (attack) {
      case 'malformed': {
        const body = stringifyTagged({ from: self, messages: malformedMessages(this.rng, self) });
        return this.post(peer.url, body, macOf(key, body));
      }
      case 'bad-mac': {
        const body = stringifyTagged({ from: self, messages: this.oldMessages(5) });
        return this.post(peer.url, body, '00'.repeat(32));
      }
      case 'impersonation': {
        // In the name of another honest replica, under our own link's key: the MAC cannot match.
        const victim = this.rng.pick(this.peers.filter((other) => other.id !== peer.id));
        const body = stringifyTagged({ from: victim.id, messages: this.oldMessages(5) });
        return this.post(peer.url, body, macOf(key, body));
      }
      case 'oversized':
        return this.post(peer.url, '{"from":0,"messages":[', macOf(key, 'x'), PEER_BODY_LIMIT_BYTES + 1);
      case 'replay-flood': {
        const body = stringifyTagged({ from: self, messages: this.oldMessages(FLOOD_MESSAGES) });
        return this.post(peer.url, body, macOf(key, body));
      }
    }
  }

  private oldMessages(count: number): Message<SignedTx>[] {
    if (this.remembered.length === 0) return [];
    return Array.from({ length: count }, () => this.rng.pick(this.remembered));
  }

  /** One POST; `declaredLength` claims a body longer than the one sent (the peer must refuse it unread). */
  private post(url: string, body: string, mac: string, declaredLength?: number): void {
    const bytes = Buffer.from(body, 'utf8');
    const target = new URL(PEER_PATH, url);
    const count = (status: number): void => {
      this.answers[status] = (this.answers[status] ?? 0) + 1;
    };
    const req = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': declaredLength ?? bytes.length, 'x-wedge-mac': mac },
        timeout: 5_000,
      },
      (response) => {
        count(response.statusCode ?? 0);
        response.resume();
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => count(0));
    if (declaredLength === undefined) req.end(bytes);
    else req.write(bytes); // never ends: the peer answers 413 from the header and closes
  }
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const genesis = GenesisFile.parse(JSON.parse(readFileSync(args.genesis, 'utf8')));
  const { id, secretKey } = readKeyFile(args.key);
  const rng = new Prng(args.seed);
  let adversary: Adversary<SignedTx> | null = null;
  let attacker: EnvelopeAttacker | null = null;
  const node = new ReplicaNode({
    ...networkOptionsOf(genesis),
    id,
    secretKey,
    dataDir: args.data,
    adversary: (ctx) => {
      adversary = new Adversary(ctx, ALL_ATTACKS, rng.fork());
      return {
        observe: (message) => {
          attacker?.remember(message);
          return adversary!.observe(message);
        },
        rewrite: (effects) => adversary!.rewrite(effects),
      };
    },
  });
  const peers = genesis.replicas.filter((replica) => replica.id !== id).map((replica) => ({ id: replica.id, url: replica.url }));
  attacker = new EnvelopeAttacker(node, peers, rng.fork());
  const history = HistoryBackfill.forReplica(node, genesis);
  const server = createServer(createRequestListener(node, { chainId: genesis.chainId, genesisHash: genesisHash(genesis), history }));
  const own = listenAddressOfUrl(genesis.replicas[id]!.url);
  server.listen(own.port, own.host, () => {
    process.stdout.write(`${JSON.stringify({ event: 'listening', replica: id, byzantine: true, port: own.port, pid: process.pid })}\n`);
    node.start();
    attacker!.start(args.envelopesPerSecond);
  });
  process.on('SIGTERM', () => {
    attacker!.stop();
    const core = (adversary as Adversary<SignedTx> | null)?.counts ?? null;
    process.stdout.write(`${JSON.stringify({ event: 'attacks', replica: id, core, envelopes: attacker!.sent, answers: attacker!.answers })}\n`);
    server.close();
    server.closeAllConnections();
    node.stop();
    process.exit(0);
  });
}

main();
