// Partitions come from the network lab (apps/lab, another helper's work in
// progress): each replica in its own network namespace, links cut by the lab.
// Until the lab's library is committed, --lab says it is not available and
// the soak runs without partitions only when --lab is not given.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PartitionDriver } from './nemesis.ts';

const LAB_ENTRY = fileURLToPath(new URL('../../lab/src/index.ts', import.meta.url));

/** The lab's partition driver, or why there is none. */
export async function loadLabPartitions(): Promise<PartitionDriver | string> {
  if (!existsSync(LAB_ENTRY)) return `the network lab library (${LAB_ENTRY}) is not in this tree yet`;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'the network lab needs root';
  return 'the network lab is present but the soak does not drive it yet (its replicas must start inside the lab namespaces)';
}
