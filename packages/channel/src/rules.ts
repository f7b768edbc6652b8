// The honest-member rules that can be switched off one at a time, in the way
// @wedge/consensus has ConsensusRules and HONEST_RULES: every process and
// every honest simulated member uses the honest ones; a test that turns one
// off builds a broken member and shows the simulator's L2 checkers catch it
// (packages/sim/test/l2-mutations.test.ts). Rule 1 is not here: breaking it
// breaks the ledger's own checks first, which the L1 tests cover.

export type MemberRules = {
  /**
   * Rule 2: never sign two different states with the same version. Off, a
   * member signs whatever state extends its certificate, whatever it signed
   * at that version before (and so never detects an equivocation).
   */
  readonly oneStatePerVersion: boolean;
  /**
   * Rule 3: after wedging, sign nothing but the final close state. Off, a
   * wedged member goes on signing (and, as the sequencer, proposing) states.
   */
  readonly silentAfterWedge: boolean;
  /**
   * Rule 1 for deposits (DESIGN §7): sign a state only if every deposit it
   * accounts for is final in this member's L1 view. Off, a member signs a
   * state claiming any deposit (a Byzantine sequencer can credit itself
   * money it never put in).
   */
  readonly depositsOnlyWhenFinal: boolean;
  /**
   * Rule 1 for withdrawals: sign a state that takes from this member's own
   * balance only the withdrawal its user asked for, once. Off, a member signs
   * whatever withdrawal of its own a proposal carries (a Byzantine sequencer
   * can withdraw one request twice).
   */
  readonly withdrawsOnlyAsAsked: boolean;
};

export const HONEST_MEMBER_RULES: MemberRules = { oneStatePerVersion: true, silentAfterWedge: true, depositsOnlyWhenFinal: true, withdrawsOnlyAsAsked: true };

export type WatchtowerRules = {
  /** Challenge a frozen channel whose recorded state is older than the best certificate held. */
  readonly challengesStaleStates: boolean;
};

export const HONEST_WATCHTOWER_RULES: WatchtowerRules = { challengesStaleStates: true };
