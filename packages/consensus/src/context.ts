// The explicit context every handler and every helper of a step works on:
// the replica's fixed facts (configuration, id, application, rules, f, n,
// the quorum, its signer and verifier), its state, and the effects sink of
// this step. The state is read-only here; a module writes through
// `writable<…>(c)`, whose type argument names the fields it writes.
import type { ConsensusEffect } from './effect.ts';
import type { Signer, Verifier } from './messages.ts';
import { faultsTolerated } from './rules.ts';
import type { ReadState, ReplicaState } from './state.ts';
import type { ConsensusApp, ConsensusConfig, ConsensusRules, ReplicaContext, ReplicaId } from './types.ts';

export type StepContext<Tx, AppState> = {
  readonly config: ConsensusConfig;
  readonly id: ReplicaId;
  readonly app: ConsensusApp<Tx, AppState>;
  readonly rules: ConsensusRules;
  /** Faults tolerated: the largest f with n >= 3f + 1. */
  readonly f: number;
  readonly n: number;
  /** Votes that make a quorum: 2f+1 (unless a test's broken rules say otherwise). */
  readonly quorum: number;
  readonly signer: Signer;
  readonly verifier: Verifier;
  readonly state: ReadState<Tx, AppState>;
  /** What the shell must do after persisting the state, in order. */
  readonly effects: ConsensusEffect<Tx>[];
};

type FixedPart = Omit<StepContext<unknown, unknown>, 'state' | 'effects'>;

// The fixed part is worked out once per replica context, not on every step.
const fixedParts = new WeakMap<ReplicaContext<unknown, unknown>, FixedPart>();

function fixedPartOf(ctx: ReplicaContext<unknown, unknown>): FixedPart {
  let fixed = fixedParts.get(ctx);
  if (fixed === undefined) {
    const f = faultsTolerated(ctx.config);
    fixed = {
      config: ctx.config,
      id: ctx.id,
      app: ctx.app,
      rules: ctx.rules,
      f,
      n: ctx.config.replicas.length,
      quorum: ctx.rules.quorum(f),
      signer: { chainId: ctx.config.chainId, scheme: ctx.scheme, secretKey: ctx.secretKey, app: ctx.app },
      verifier: { config: ctx.config, scheme: ctx.scheme, app: ctx.app, rules: ctx.rules },
    };
    fixedParts.set(ctx, fixed);
  }
  return fixed;
}

export function createStepContext<Tx, AppState>(ctx: ReplicaContext<Tx, AppState>, state: ReplicaState<Tx, AppState>): StepContext<Tx, AppState> {
  const fixed = fixedPartOf(ctx as ReplicaContext<unknown, unknown>) as unknown as Omit<StepContext<Tx, AppState>, 'state' | 'effects'>;
  return {
    config: fixed.config,
    id: fixed.id,
    app: fixed.app,
    rules: fixed.rules,
    f: fixed.f,
    n: fixed.n,
    quorum: fixed.quorum,
    signer: fixed.signer,
    verifier: fixed.verifier,
    state: state as unknown as ReadState<Tx, AppState>,
    effects: [],
  };
}

/**
 * The state, writable in the fields of `W` only: `W` is the slice a module
 * writes (a Pick of the slices in state.ts). Reading the other fields goes
 * through `c.state`.
 */
export function writable<W extends Partial<ReplicaState<any, any>>>(c: StepContext<any, any>): W {
  return c.state as unknown as W;
}
