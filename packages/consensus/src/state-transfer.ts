// State transfer, the asking side: a replica that is behind (restarted, cut
// off, or shown a height it lacks) asks every peer for the blocks after its
// height, and asks again at each retry until an answer moves it on. The
// peer's side is handle/fetch-state.ts; taking the answer, handle/state-reply.ts.
import { writable, type StepContext } from './context.ts';
import { broadcast } from './emit.ts';
import { signMessage } from './messages.ts';
import type { StateTransferState } from './state.ts';
import { clearTimer, setTimer } from './timers.ts';
import type { FetchState } from './types.ts';

type Writes = Pick<StateTransferState, 'fetching' | 'fetchNonce'>;

/** Asks every peer for the blocks after our height, unless a request is out already. */
export function startFetch(c: StepContext<unknown, unknown>): void {
  const s = writable<Writes>(c);
  if (s.fetching) return;
  s.fetching = true;
  s.fetchNonce += 1;
  const request = signMessage<FetchState>(c.signer, {
    type: 'fetch-state',
    fromHeight: c.state.executed + 1,
    nonce: s.fetchNonce,
    replica: c.id,
  });
  broadcast(c, request);
  setTimer(c, 'fetch', c.config.fetchRetryMs);
}

/** The request out was answered (or is given up): the next startFetch asks again at once. */
export function endFetch(c: StepContext<unknown, unknown>): void {
  writable<Writes>(c).fetching = false;
  clearTimer(c, 'fetch');
}
