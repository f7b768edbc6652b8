// Replica processes in the network lab (apps/lab, root only): each replica in
// a network namespace of its own, at its own address, so partitions are real
// cuts between hosts. Only the replicas run in the lab: the partitions the
// soak injects are between replicas (a minority cut off, the primary
// isolated, 2|2), and the channel members and the watchtower run on the
// soak's side of the bridge, from where every replica is always reachable,
// with the soak's member settings (the lab starts members with its own).
import type { L1Network } from '../../../test/support/l1-network.ts';
import { WedgeLab, labSupport, replicaName } from '../../lab/src/index.ts';
import type { L1Processes } from './l1-processes.ts';

/** The lab's replicas, or why the lab cannot run here. */
export async function labReplicas(options: { replicas: number; accounts: number }): Promise<L1Processes | string> {
  const support = labSupport();
  if (!support.ok) return support.reason;
  const lab = await WedgeLab.start({ replicas: options.replicas, accounts: options.accounts });
  const name = (id: number) => replicaName(id);
  // The L2 harness reads only the genesis path, the directory and the genesis accounts of a network.
  const harnessNetwork = { dir: lab.dir, layout: lab.layout, genesis: lab.genesis } as unknown as L1Network;
  return {
    urls: lab.replicaUrls,
    genesis: lab.genesis,
    harnessNetwork,
    // WedgeLab.start has started every replica already.
    startAll: async () => {},
    start: (id) => lab.startNode(name(id)),
    kill: (id) => lab.kill(name(id)),
    pause: (id) => lab.pause(name(id)),
    resume: (id) => lab.resume(name(id)),
    pid: (id) => lab.pid(name(id)),
    log: (id) => lab.logTail(name(id), 1_000_000),
    partitions: {
      partition: (groups) => lab.partition(groups.map((group) => group.map(name))),
      heal: () => lab.heal(),
    },
    destroy: () => lab.destroy(),
  };
}
