// The PBFT replica core (Castro & Liskov), sans-I/O. `step(ctx, state, event)`
// handles one input: it mutates the replica's own state and returns effects
// (messages, timers, commits, dropped inputs) that a shell — the simulator
// or a process — carries out after persisting the state. No clock, no
// randomness, no I/O.
//
// This file is only the dispatch: each input has its own module under
// handle/, free functions over an explicit context (context.ts). The
// machinery they share is in modules named after what they do (propose,
// normal-case, execute, checkpoints, state-transfer, catch-up, complain, liveness,
// start-view-change, send-new-view, enter-view, new-view-plan), and vote
// counting is in votes/.
import { createStepContext, type StepContext } from './context.ts';
import type { ConsensusEffect } from './effect.ts';
import { handleCheckpoint } from './handle/checkpoint.ts';
import { handleCommit } from './handle/commit.ts';
import { handleComplaint } from './handle/complaint.ts';
import { handleFetchState } from './handle/fetch-state.ts';
import { handleFetchTimeout } from './handle/fetch-timeout.ts';
import { handleHeartbeatTimeout } from './handle/heartbeat-timeout.ts';
import { handleHeartbeat } from './handle/heartbeat.ts';
import { handleIdleTimeout } from './handle/idle-timeout.ts';
import { handleNewViewRequest } from './handle/new-view-request.ts';
import { handleNewView } from './handle/new-view.ts';
import { handlePrePrepare } from './handle/pre-prepare.ts';
import { handlePrepare } from './handle/prepare.ts';
import { handleProgressTimeout } from './handle/progress-timeout.ts';
import { handleRequest } from './handle/request.ts';
import { handleSilenceTimeout } from './handle/silence-timeout.ts';
import { handleStart } from './handle/start.ts';
import { handleStateReply } from './handle/state-reply.ts';
import { handleViewChangeTimeout } from './handle/view-change-timeout.ts';
import { handleViewChange } from './handle/view-change.ts';
import type { ConsensusEvent, TimerName } from './input.ts';
import type { ReplicaState } from './state.ts';
import type { Message, ReplicaContext, ReplicaId } from './types.ts';

export type StepResult<Tx, AppState> = { state: ReplicaState<Tx, AppState>; effects: ConsensusEffect<Tx>[] };

/** Handles one event. Mutates `state` (owned by the core) and returns the effects to carry out. */
export function step<Tx, AppState>(
  ctx: ReplicaContext<Tx, AppState>,
  state: ReplicaState<Tx, AppState>,
  event: ConsensusEvent<Tx>,
): StepResult<Tx, AppState> {
  const c = createStepContext(ctx, state);
  switch (event.type) {
    case 'start':
      handleStart(c);
      break;
    case 'request':
      handleRequest(c, event.tx, undefined);
      break;
    case 'message':
      onMessage(c, event.from, event.message);
      break;
    case 'timeout':
      onTimeout(c, event.timer, event.token);
      break;
  }
  return { state, effects: c.effects };
}

function onMessage<Tx>(c: StepContext<Tx, unknown>, from: ReplicaId, message: Message<Tx>): void {
  switch (message.type) {
    case 'request':
      return handleRequest(c, message.tx, from);
    case 'pre-prepare-block':
      return handlePrePrepare(c, from, message);
    case 'prepare':
      return handlePrepare(c, from, message);
    case 'commit':
      return handleCommit(c, from, message);
    case 'checkpoint':
      return handleCheckpoint(c, from, message);
    case 'complaint':
      return handleComplaint(c, from, message);
    case 'heartbeat':
      return handleHeartbeat(c, from, message);
    case 'view-change':
      return handleViewChange(c, from, message);
    case 'new-view':
      return handleNewView(c, from, message);
    case 'new-view-request':
      return handleNewViewRequest(c, from, message);
    case 'fetch-state':
      return handleFetchState(c, from, message);
    case 'state-reply':
      return handleStateReply(c, from, message);
  }
}

function onTimeout(c: StepContext<unknown, unknown>, timer: TimerName, token: number): void {
  switch (timer) {
    case 'progress':
      return handleProgressTimeout(c, token);
    case 'view-change':
      return handleViewChangeTimeout(c, token);
    case 'idle':
      return handleIdleTimeout(c, token);
    case 'fetch':
      return handleFetchTimeout(c, token);
    case 'heartbeat':
      return handleHeartbeatTimeout(c, token);
    case 'silence':
      return handleSilenceTimeout(c, token);
  }
}
