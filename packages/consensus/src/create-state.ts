// A new replica's state, at genesis, after checking the configuration.
import { assert } from '@wedge/common';
import type { ReplicaState } from './state.ts';
import type { ReplicaContext } from './types.ts';

export function createReplicaState<Tx, AppState>(ctx: ReplicaContext<Tx, AppState>, genesisApp: AppState): ReplicaState<Tx, AppState> {
  validateConfig(ctx);
  return {
    view: 0,
    status: 'normal',
    app: genesisApp,
    executed: 0,
    stable: { seq: 0, root: ctx.app.stateRoot(genesisApp), proof: [] },
    stableSnapshot: ctx.app.encodeState(genesisApp),
    ownCheckpoints: new Map(),
    checkpointVotes: new Map(),
    slots: new Map(),
    preparedCertificates: new Map(),
    readyToExecute: new Map(),
    recentBlocks: new Map(),
    pending: new Map(),
    proposed: new Set(),
    nextSeq: 1,
    recentlyExecuted: new Set(),
    viewChanges: new Map(),
    complaints: new Map(),
    complaintHeardAt: new Map(),
    newView: null,
    newViewRequested: new Set(),
    viewChangeAttempts: 0,
    viewChangeTimeouts: 0,
    progressStrikes: 0,
    progressWatch: { txHash: null, executed: 0, sinceClock: 0 },
    heartbeatsSent: 0,
    primaryBeat: 0,
    heardFromPrimary: false,
    silentWindows: 0,
    failedViews: 0,
    livenessClock: 0,
    commitLatency: 0,
    timers: { progress: 0, 'view-change': 0, idle: 0, fetch: 0, heartbeat: 0, silence: 0 },
    tokenCounter: 0,
    fetching: false,
    fetchNonce: 0,
    catchUpTarget: 0,
  };
}

function validateConfig(ctx: ReplicaContext<unknown, unknown>): void {
  const { config } = ctx;
  assert(config.replicas.length >= 4, 'PBFT needs at least 4 replicas');
  config.replicas.forEach((replica, index) => assert(replica.id === index, 'replica ids must be 0..n-1 in order'));
  assert(ctx.id >= 0 && ctx.id < config.replicas.length, 'replica id out of range');
  assert(config.checkpointBlocks >= 1, 'checkpointBlocks must be >= 1');
  assert(config.watermarkBlocks >= 2 * config.checkpointBlocks, 'watermarkBlocks must be >= 2 * checkpointBlocks');
  assert(config.pipelineBlocks >= 1 && config.pipelineBlocks <= config.watermarkBlocks, 'pipelineBlocks out of range');
  assert(config.maxBlockTxs >= 1, 'maxBlockTxs must be >= 1');
  assert(config.progressTimeoutMs > config.idleBlockMs, 'progressTimeoutMs must exceed idleBlockMs');
  assert(config.heartbeatMs >= 1, 'heartbeatMs must be >= 1');
}
