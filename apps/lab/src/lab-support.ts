// Whether the lab can run here: network namespaces need root (CAP_NET_ADMIN)
// and iproute2. Tests ask first and skip with the reason; the CLI prints the
// reason and exits 2.
import { ip, ipQuietly } from './ip-command.ts';
import { LAB_ERROR, LabError, type LabErrorCode } from './lab-error.ts';

export type LabSupport = { readonly ok: true } | { readonly ok: false; readonly code: LabErrorCode; readonly reason: string };

let cached: LabSupport | null = null;

function probe(): LabSupport {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    return { ok: false, code: LAB_ERROR.NOT_ROOT, reason: 'the network lab needs root (it creates network namespaces, veth pairs and a bridge); run it as root, as CI does' };
  }
  try {
    ip('-V');
  } catch (error) {
    return { ok: false, code: LAB_ERROR.NO_IPROUTE2, reason: (error as Error).message };
  }
  // Root without CAP_NET_ADMIN (an unprivileged container) cannot make namespaces either: try one.
  const name = `wlprobe${process.pid}`;
  try {
    ip('netns', 'add', name);
  } catch (error) {
    return { ok: false, code: LAB_ERROR.NOT_ROOT, reason: `cannot create a network namespace here (${(error as Error).message})` };
  } finally {
    ipQuietly('netns', 'del', name);
  }
  return { ok: true };
}

/** Whether the lab can run on this machine, and if not why (checked once per process). */
export function labSupport(): LabSupport {
  cached ??= probe();
  return cached;
}

/** Throws the LabError that says why the lab cannot run here, if it cannot. */
export function requireLabSupport(): void {
  const support = labSupport();
  if (!support.ok) throw new LabError(support.code, support.reason);
}
