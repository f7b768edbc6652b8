// The built-in scenarios, in the order `wedge scenario list` shows them.
import { scenario as conflictingSignatures } from './conflicting-signatures.ts';
import { scenario as cooperativeClose } from './cooperative-close.ts';
import type { Scenario } from './scenario.ts';
import { scenario as silentMember } from './silent-member.ts';
import { scenario as depositThenDispute } from './deposit-then-dispute.ts';
import { scenario as spliceIn } from './splice-in.ts';
import { scenario as spliceOut } from './splice-out.ts';
import { scenario as staleTerminateChallenged } from './stale-terminate-challenged.ts';
import { scenario as staleTerminateWatchtower } from './stale-terminate-watchtower.ts';
import { scenario as wedgeRestartRefuses } from './wedge-restart-refuses.ts';

export const BUILT_IN_SCENARIOS: readonly Scenario[] = [
  cooperativeClose,
  staleTerminateChallenged,
  staleTerminateWatchtower,
  wedgeRestartRefuses,
  silentMember,
  conflictingSignatures,
  spliceIn,
  spliceOut,
  depositThenDispute,
];
