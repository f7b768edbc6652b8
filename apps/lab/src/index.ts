// The network lab as a library (root only): Wedge replicas, channel members
// and a watchtower, each in a network namespace of its own with its own
// address on a bridge, started from the same binaries as on one machine, and
// partitions between them.
//
//   import { WedgeLab, labSupport } from '../../lab/src/index.ts';
//   if (!labSupport().ok) ...skip, with labSupport().reason
//   const lab = await WedgeLab.start({ replicas: 4, params: { ... }, channels: ['star2', 'chain3'], watchtower: true });
//   lab.replicaUrls            // http://10.77.X.2:7100, ...; lab.genesis for a client
//   lab.channel('star2')       // its L1 id, member nodes (star2-m0, star2-m1) and their genesis accounts
//   lab.url('star2-m0')        // http://10.77.X.6:7200; lab.watchtowerUrl: the `tower` node
//   lab.isolate('r0');         // r0 cut off from every other node (members and the tower included)
//   lab.partition([['r0', 'r1'], ['r2', 'r3']]);
//   lab.heal();
//   await lab.kill('r2'); await lab.startNode('r2'); lab.pause('r1'); lab.resume('r1');
//   await lab.status();        // per node: pid, running, /v1/status
//   await lab.destroy();       // every namespace, link, bridge and process gone
//
// The test or driver process (the root namespace) reaches every node through
// the bridge whatever the partition. A lab torn down by nobody (its owner
// died) is removed by the next WedgeLab.start, or by cleanStaleLabs().
export { LAB_ERROR, LabError, type LabErrorCode } from './lab-error.ts';
export { labSupport, requireLabSupport, type LabSupport } from './lab-support.ts';
export { leftoversWithPrefix } from './net-topology.ts';
export { LAB_NAME_PATTERN, readLabs, type LabRecord } from './lab-registry.ts';
export { cleanStaleLabs } from './teardown.ts';
export {
  MEMBER_PORT,
  REPLICA_PORT,
  WATCHTOWER_NODE,
  WATCHTOWER_PORT,
  WedgeLab,
  replicaName,
  type LabNode,
  type LabNodeKind,
  type LabNodeStatus,
  type StartLabOptions,
} from './wedge-lab.ts';
export { memberNodeName, type LabChannel } from './lab-channels.ts';
