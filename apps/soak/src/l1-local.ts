// Replica processes on loopback, through the end-to-end harness (test/support/l1-network.ts).
import { L1Network } from '../../../test/support/l1-network.ts';
import type { L1Processes } from './l1-processes.ts';
import { startPatiently } from './patient-start.ts';

export async function localReplicas(options: { replicas: number; accounts: number }): Promise<L1Processes> {
  const network = await L1Network.create(options);
  const signal = (id: number, name: NodeJS.Signals) => network.replicas[id]!.process?.kill(name);
  const start = (id: number) =>
    startPatiently({ start: () => network.start(id), log: () => network.replicas[id]!.log, running: () => network.replicas[id]!.process !== null }, '"listening"');
  return {
    urls: network.urls,
    genesis: network.genesis,
    harnessNetwork: network,
    startAll: async () => {
      await Promise.all(network.replicas.map((replica) => start(replica.id)));
    },
    start,
    kill: (id) => network.kill(id),
    pause: (id) => void signal(id, 'SIGSTOP'),
    resume: (id) => void signal(id, 'SIGCONT'),
    pid: (id) => network.replicas[id]!.process?.pid ?? null,
    log: (id) => network.replicas[id]!.log.join(''),
    partitions: null,
    destroy: () => network.destroy(),
  };
}
