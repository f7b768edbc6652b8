// `wedge network status`: each replica's view, height, state root, peers it
// reaches and pending transactions, as the replica reports them, plus whether
// its process runs. A replica that does not answer is shown as down, not an
// error: status is what people run when something is wrong.
import type { Command } from 'commander';
import { z } from 'zod';
import { addCommonOptions, addExamples, defineAction } from '../lib/command.ts';
import { replicaStatuses } from '../lib/network.ts';
import { table } from '../lib/output.ts';

export function registerNetworkStatus(network: Command): void {
  const command = network.command('status').description('show every replica: view, height, state root, peers up, pending transactions');
  addCommonOptions(command);
  addExamples(command, ['wedge network status', 'wedge network status --json | jq ".replicas[].height"']);
  defineAction(command, z.object({}), async (_input, { home, printer }) => {
    const statuses = await replicaStatuses(home);
    const replicas = statuses.map(({ replica, url, process, pid, status, error }) => ({
      replica,
      url,
      up: status !== null,
      process,
      pid,
      view: status?.view ?? null,
      viewStatus: status?.viewStatus ?? null,
      height: status?.height ?? null,
      stableCheckpoint: status?.stableCheckpoint.seq ?? null,
      stateRoot: status?.stateRoot ?? null,
      peersUp: status === null ? null : status.peers.filter((peer) => peer.reachable).length,
      peers: status?.peers.length ?? null,
      pendingTxs: status?.pendingTxs ?? null,
      error,
    }));
    const up = replicas.filter((replica) => replica.up).length;
    printer.result({ ok: up === replicas.length, up, replicas }, () => {
      const rows = replicas.map((replica) => ({
        replica: replica.replica,
        url: replica.url,
        state: replica.up ? (replica.viewStatus === 'normal' ? 'up' : 'view-change') : `down (${replica.process})`,
        view: replica.view,
        height: replica.height,
        'state root': replica.stateRoot === null ? null : `${replica.stateRoot.slice(0, 12)}…`,
        'peers up': replica.peersUp === null ? null : `${replica.peersUp}/${replica.peers}`,
        pending: replica.pendingTxs,
      }));
      return `${table(rows)}\n\n${up} of ${replicas.length} replicas answer`;
    });
  });
}
