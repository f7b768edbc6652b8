// The public surface of the PBFT core: step and the state it works on, the
// types of its inputs, effects and drop reasons, message signing and
// verification, the rules, and crash recovery.
export { createReplicaState } from './create-state.ts';
export type { DroppedEffect, ConsensusEffect } from './effect.ts';
export type { ConsensusEvent, TimerName } from './input.ts';
export { DEFAULT_HEARTBEAT_MS } from './liveness.ts';
export * from './messages.ts';
export { planNewView, type NewViewPlan } from './new-view-plan.ts';
export * from './reasons.ts';
export * from './restore.ts';
export * from './rules.ts';
export type * from './state.ts';
export { step, type StepResult } from './step.ts';
export type * from './types.ts';
