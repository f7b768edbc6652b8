// The dashboard page: polls GET /api/state every half second and redraws the
// panels from it. The page holds no state of its own beyond the last snapshot.
import type { Snapshot } from '../src/snapshot.ts';
import { fetchState } from './api.ts';
import { byId, fill, short } from './dom.ts';
import { setUpForms, updateForms } from './forms.ts';
import { renderRate } from './rate-chart.ts';
import { renderBlocks } from './render-blocks.ts';
import { renderChannels } from './render-channels.ts';
import { renderReplicas } from './render-replicas.ts';

const POLL_MS = 500;
/** No fresh snapshot for this long and the page says it is stale. */
const STALE_MS = 3_000;

let lastOkMs = 0;

function render(snapshot: Snapshot): void {
  fill('chain-id', snapshot.chainId);
  fill('genesis-hash', short(snapshot.genesisHash, 10, 0));
  fill('l1-height', snapshot.l1Height ?? '—');
  renderReplicas(snapshot);
  renderChannels(snapshot);
  renderBlocks(snapshot);
  renderRate(snapshot);
  updateForms(snapshot);
}

function showLiveness(): void {
  const live = Date.now() - lastOkMs < STALE_MS;
  const indicator = byId('live');
  indicator.className = live ? 'live on' : 'live off';
  indicator.textContent = live ? 'live' : 'no data';
}

async function poll(): Promise<void> {
  try {
    const snapshot = await fetchState();
    if (snapshot.updatedAtMs > 0) lastOkMs = Date.now();
    render(snapshot);
  } catch {
    // The server is down or restarting: keep the last picture, marked stale.
  }
  showLiveness();
  setTimeout(() => void poll(), POLL_MS);
}

setUpForms();
void poll();
