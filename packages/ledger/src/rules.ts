// The ledger's splice rules that can be switched off one at a time, in the
// way @wedge/consensus has ConsensusRules and @wedge/channel MemberRules:
// every replica runs HONEST_LEDGER_RULES; the simulator's mutation tests
// (packages/sim/test/splice-mutations.test.ts) build a ledger with one rule
// broken and show that the checker guarding it (floor) fails.

export type LedgerRules = {
  /**
   * A state below the channel's version floor is STALE_STATE in every
   * dispute. Off, only the recorded version and the withdrawals L1 paid
   * decide, so a state between two withdrawals can be recorded below the floor.
   */
  readonly versionFloor: boolean;
};

export const HONEST_LEDGER_RULES: LedgerRules = { versionFloor: true };
