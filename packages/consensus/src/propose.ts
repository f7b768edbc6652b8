// The primary's side of the normal case: choosing a batch of pending
// requests (in arrival order, each sender's nonces in sequence), signing a
// pre-prepare for it, and the idle blocks that advance L1 time while a
// channel is frozen.
import { writable, type StepContext } from './context.ts';
import { broadcast } from './emit.ts';
import { isSpent } from './mempool.ts';
import { blockDigest, signMessage } from './messages.ts';
import { slotOf } from './slots.ts';
import type { MempoolState, NormalCaseState } from './state.ts';
import { clearTimer, setTimer } from './timers.ts';
import type { Block, PrePrepare } from './types.ts';
import { highWatermark, isPrimary } from './windows.ts';

type Writes<Tx> = Pick<NormalCaseState<Tx>, 'slots' | 'proposed' | 'nextSeq'> & MempoolState<Tx>;

/** The primary proposes blocks while it has requests and room in its pipeline and watermarks. */
export function propose<Tx>(c: StepContext<Tx, unknown>): void {
  const s = c.state;
  if (s.status !== 'normal' || !isPrimary(c)) return;
  while (s.nextSeq - 1 - s.executed < c.config.pipelineBlocks && s.nextSeq <= highWatermark(c)) {
    const txs = selectBatch(c);
    if (txs.length === 0) return;
    proposeBlock(c, txs);
  }
}

export function selectBatch<Tx>(c: StepContext<Tx, unknown>): Tx[] {
  const s = writable<Writes<Tx>>(c);
  const { txSequence, nextNonce } = c.app;
  const maxBlockTxs = c.config.maxBlockTxs;
  if (txSequence === undefined || nextNonce === undefined) {
    const batch: Tx[] = [];
    for (const [hash, tx] of s.pending) {
      if (batch.length >= maxBlockTxs) break;
      if (!s.proposed.has(hash)) batch.push(tx);
    }
    return batch;
  }
  // Per sender: the next nonce after what is executed and already proposed.
  const expected = new Map<string, number>();
  for (const hash of s.proposed) {
    const tx = s.pending.get(hash);
    if (tx === undefined) continue;
    const { sender, nonce } = txSequence(tx);
    expected.set(sender, Math.max(expected.get(sender) ?? nextNonce(c.state.app, sender), nonce + 1));
  }
  // Oldest request first, so that a backlog drains in arrival order and no
  // sender waits behind another (the progress watch of every backup times
  // the oldest request). A sender's later nonce that arrived first waits for
  // the next block.
  const batch: Tx[] = [];
  for (const [hash, tx] of s.pending) {
    if (batch.length >= maxBlockTxs) break;
    if (s.proposed.has(hash)) continue;
    const { sender, nonce } = txSequence(tx);
    const next = expected.get(sender) ?? nextNonce(c.state.app, sender);
    if (nonce === next) {
      expected.set(sender, next + 1);
      batch.push(tx);
    } else if (isSpent(c, tx)) {
      s.pending.delete(hash); // executed or superseded: it can never execute
    }
    // Otherwise it waits: for a gap to fill, or (same nonce as one proposed) to be spent.
  }
  return batch;
}

export function proposeBlock<Tx>(c: StepContext<Tx, unknown>, txs: readonly Tx[]): void {
  const s = writable<Writes<Tx>>(c);
  const seq = s.nextSeq++;
  const block: Block<Tx> = { height: seq, txs };
  for (const tx of txs) s.proposed.add(c.app.txHash(tx));
  const prePrepare = signMessage<PrePrepare>(c.signer, {
    type: 'pre-prepare',
    view: c.state.view,
    seq,
    digest: blockDigest(c.config.chainId, block, c.app),
    replica: c.id,
  });
  const slot = slotOf(c, c.state.view, seq);
  slot.prePrepare = prePrepare;
  slot.block = block;
  clearTimer(c, 'idle');
  broadcast(c, { type: 'pre-prepare-block', prePrepare, block });
}

/** While the application asks for idle blocks, the primary arms a timer to propose one (handle/idle-timeout.ts). */
export function armIdleTimer<Tx>(c: StepContext<Tx, unknown>): void {
  if (c.state.status !== 'normal' || !isPrimary(c) || c.state.timers.idle !== 0) return;
  if (!c.app.needsIdleBlocks(c.state.app)) return;
  setTimer(c, 'idle', c.config.idleBlockMs);
}
