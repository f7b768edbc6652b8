// Proves, over real replica processes in the network lab (root only), that
// (1) four replicas, each in a network namespace of its own and bound to its
// own address there, commit a transfer and converge; (2) a partition that
// cuts the primary off from the other three leads to a view change on the
// majority side — blocks commit again there in a higher view — while the
// isolated primary commits nothing; (3) after the heal the isolated replica
// catches up: same height and state root as the others, back in the quorum's
// view, normal, nothing pending; and (4) the lab leaves no namespace, link,
// bridge or process behind. Prints the time from isolating the primary to
// the first commit in the new view, and from the heal to the catch-up.
// Where the machine is not root the tests are skipped, with the reason in
// their names (vitest counts them as skipped).
import { readFileSync, readlinkSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountResponse, StatusResponse, apiPaths, signedTxToWire } from '@wedge/api';
import { createClient, type WedgeClient } from '@wedge/client';
import { fromHex } from '@wedge/common';
import { keyPairFromSecret, type KeyPair } from '@wedge/crypto';
import { fastSecp256k1 } from '@wedge/crypto/node';
import { WedgeLab, labSupport, leftoversWithPrefix, replicaName } from '../apps/lab/src/index.ts';

const support = labSupport();
const needsLab = support.ok ? '' : ` (skipped: ${support.reason})`;
/** From isolating the primary to the first block the other three commit in a higher view. */
const VIEW_CHANGE_BOUND_MS = 20_000;
/** From the heal until the isolated replica is level with the others, in their view. */
const CATCH_UP_BOUND_MS = 20_000;
const POLL_MS = 50;

let lab: WedgeLab | null = null;
let client: WedgeClient;
let accounts: KeyPair[];

async function status(url: string): Promise<StatusResponse | null> {
  try {
    const answer = await fetch(`${url}${apiPaths.status()}`, { signal: AbortSignal.timeout(2_000) });
    return StatusResponse.parse(await answer.json());
  } catch {
    return null;
  }
}

async function statuses(ids: readonly number[]): Promise<(StatusResponse | null)[]> {
  return Promise.all(ids.map((id) => status(lab!.replicaUrls[id]!)));
}

/** Hex of an IPv4 address and port as /proc/net/tcp shows a local address. */
function procNetAddress(address: string, port: number): string {
  const octets = address.split('.').map(Number).reverse();
  return `${octets.map((octet) => octet.toString(16).padStart(2, '0')).join('')}:${port.toString(16).padStart(4, '0')}`.toUpperCase();
}

/** The local addresses a process listens on over TCP (IPv4 and IPv6), as /proc/PID/net/tcp{,6} of its namespace shows them. */
function listeningAddresses(pid: number): string[] {
  return ['tcp', 'tcp6'].flatMap((file) =>
    readFileSync(`/proc/${pid}/net/${file}`, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[3] === '0A')
      .map((fields) => fields[1]!),
  );
}

/**
 * Steady load: every tick, each account's next transfer is posted to every
 * replica (so every replica holds it and notices when it does not commit),
 * its nonce taken from what the replicas answer. A replica that is cut off
 * or refuses a duplicate changes nothing.
 */
class Load {
  private stopping = false;
  private done: Promise<void> | null = null;

  constructor(private readonly from: readonly KeyPair[], private readonly to: string) {}

  start(): void {
    this.stopping = false;
    this.done = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.done;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      await Promise.all(this.from.map((account) => this.submitNext(account)));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  private async submitNext(account: KeyPair): Promise<void> {
    const nonces = await Promise.all(
      lab!.replicaUrls.map(async (url) => {
        try {
          const answer = await fetch(`${url}${apiPaths.account(account.address)}`, { signal: AbortSignal.timeout(1_000) });
          return AccountResponse.parse(await answer.json()).nonce;
        } catch {
          return 0;
        }
      }),
    );
    const tx = client.buildTx({ type: 'transfer', from: account.address, nonce: Math.max(...nonces), to: this.to, amount: 1n }, [account]);
    const body = JSON.stringify(signedTxToWire(tx));
    await Promise.all(
      lab!.replicaUrls.map((url) =>
        fetch(`${url}${apiPaths.submitTxs()}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(1_000) })
          .then((answer) => answer.body?.cancel())
          .catch(() => undefined),
      ),
    );
  }
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; replicas: ${JSON.stringify((await statuses([0, 1, 2, 3])).map((s) => s && [s.replicaId, s.view, s.viewStatus, s.height, s.pendingTxs]))}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

beforeAll(async () => {
  if (!support.ok) return;
  lab = await WedgeLab.start({ replicas: 4, accounts: 4 });
  client = createClient({ genesis: lab.genesis });
  accounts = lab.layout.accounts.map((account) => keyPairFromSecret(fastSecp256k1, fromHex(account.secretKey)));
}, 90_000);

afterAll(async () => {
  // The last test tears the lab down and checks; this is for when it did not get there.
  await lab?.destroy().catch(() => undefined);
});

describe('replicas in the network lab', () => {
  it.skipIf(!support.ok)(`each in its own namespace, bound to its own address, commit and converge${needsLab}`, async () => {
    const ownNamespace = readlinkSync('/proc/self/ns/net');
    const namespaces = new Set<string>();
    for (const node of lab!.replicas) {
      const pid = lab!.pid(node.name)!;
      const namespace = readlinkSync(`/proc/${pid}/ns/net`);
      expect(namespace, `${node.name} runs in the test's namespace`).not.toBe(ownNamespace);
      namespaces.add(namespace);
      expect(new URL(node.url).hostname).toBe(node.address);
      expect(listeningAddresses(pid), `${node.name} listens on its own address only`).toEqual([procNetAddress(node.address, 7100)]);
    }
    expect(namespaces.size).toBe(4);
    const final = await client.transfer(accounts[0]!, accounts[3]!.address, 5n, { timeoutMs: 30_000 });
    expect(final.code).toBe('OK');
    await until('convergence', 30_000, async () => {
      const all = await statuses([0, 1, 2, 3]);
      const first = all[0] ?? null;
      const level = all.every((s) => s !== null && first !== null && s.height === first.height && s.stateRoot === first.stateRoot && s.pendingTxs === 0);
      return level && first!.height > 0 ? true : undefined;
    });
  });

  it.skipIf(!support.ok)(`isolating the primary changes the view on the majority side; after the heal it catches up${needsLab}`, async () => {
    const before = (await statuses([0, 1, 2, 3])).map((s) => s!);
    const view = Math.max(...before.map((s) => s.view));
    const primary = view % 4;
    const majority = [0, 1, 2, 3].filter((id) => id !== primary);
    const load = new Load(accounts.slice(0, 3), accounts[3]!.address);
    load.start();
    try {
      await until('commits under load before the cut', 10_000, async () => ((await status(lab!.replicaUrls[primary]!))!.height > before[primary]!.height ? true : undefined));
      const isolatedAt = Date.now();
      lab!.isolate(replicaName(primary));
      const cutHeight = Math.max(...(await statuses([0, 1, 2, 3])).map((s) => s?.height ?? 0));
      // A block whose last votes were on the wire at the cut may still commit there; after that, nothing can.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const isolatedHeight = (await status(lab!.replicaUrls[primary]!))!.height;
      // The majority is done with the view change when all three are normal in a higher view and have committed past the cut.
      const after = await until('a view change and commits on the majority side', VIEW_CHANGE_BOUND_MS, async () => {
        const sides = await statuses(majority);
        const moved = sides.every((s) => s !== null && s.view > view && s.viewStatus === 'normal' && s.height > cutHeight);
        return moved ? sides.map((s) => s!) : undefined;
      });
      const viewChangeMs = Date.now() - isolatedAt;
      const isolated = (await status(lab!.replicaUrls[primary]!))!;
      expect(isolated.height, 'the isolated primary committed nothing alone').toBe(isolatedHeight);
      const quorumView = after[0]!.view;
      expect(after.every((s) => s.view === quorumView)).toBe(true);
      // Let the majority commit on in its view for a while, then heal.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const healedAt = Date.now();
      const majorityHeightAtHeal = Math.max(...(await statuses(majority)).map((s) => s?.height ?? 0));
      lab!.heal();
      await until('the isolated replica back in the quorum view and level with it', CATCH_UP_BOUND_MS, async () => {
        const [back = null, other = null] = await statuses([primary, majority[0]!]);
        return back !== null && other !== null && back.view === other.view && back.viewStatus === 'normal' && back.height >= majorityHeightAtHeal ? true : undefined;
      });
      const catchUpMs = Date.now() - healedAt;
      process.stdout.write(`lab: primary r${primary} isolated -> first commit in view ${quorumView} on the majority side: ${viewChangeMs} ms; heal -> r${primary} caught up: ${catchUpMs} ms\n`);
    } finally {
      await load.stop();
    }
    const level = await until('all four level, one view, normal, nothing pending', CATCH_UP_BOUND_MS, async () => {
      const all = await statuses([0, 1, 2, 3]);
      const first = all[0] ?? null;
      const same = all.every(
        (s) => s !== null && first !== null && s.height === first.height && s.stateRoot === first.stateRoot && s.view === first.view && s.viewStatus === 'normal' && s.pendingTxs === 0,
      );
      return same ? all.map((s) => s!) : undefined;
    });
    expect(level[0]!.view).toBeGreaterThan(view);
  });

  it.skipIf(!support.ok)(`tearing the lab down leaves no namespace, link, bridge or process${needsLab}`, async () => {
    const pids = lab!.replicas.map((node) => lab!.pid(node.name)!);
    const prefix = lab!.prefix;
    expect(leftoversWithPrefix(prefix).length).toBeGreaterThan(4);
    await lab!.destroy();
    lab = null;
    expect(leftoversWithPrefix(prefix)).toEqual([]);
    for (const pid of pids) expect(() => process.kill(pid, 0), `process ${pid} still runs`).toThrow();
  });
});
