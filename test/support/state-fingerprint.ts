// A fingerprint of what every replica, member and watchtower holds, read
// through their own APIs, leaving out what moves without any request (heights,
// views, peers' reachability, the L1 height a member last saw): every
// account's balance and nonce and every channel record on each replica, its
// mempool size; each member's latest certificate, signed version and hash,
// wedge and close flags and pending payments; the watchtower's best
// certificate per channel. Two equal fingerprints around a burst of rejected
// requests say those requests changed nothing.

export type FingerprintTargets = {
  readonly replicaUrls: readonly string[];
  /** Every address worth comparing (funded accounts, members, the watchtower's account). */
  readonly addresses: readonly string[];
  readonly channelIds: readonly string[];
  readonly memberUrls: readonly string[];
  readonly watchtowerUrl: string | null;
};

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url);
  const text = await response.text();
  if (!response.ok) return { status: response.status, body: text };
  return JSON.parse(text) as unknown;
}

function without<T extends Record<string, unknown>>(value: T, ...keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !keys.includes(key)));
}

/** The L1 view a member or watchtower reports, minus the height it saw it at. */
function l1ViewOf(view: unknown): unknown {
  return view === null || typeof view !== 'object' ? view : without(view as Record<string, unknown>, 'height');
}

export async function stateFingerprint(targets: FingerprintTargets): Promise<unknown> {
  const replicas = await Promise.all(
    targets.replicaUrls.map(async (url) => {
      const status = (await getJson(`${url}/v1/status`)) as { pendingTxs: number; chainId: string; genesisHash: string };
      const accounts = await Promise.all(targets.addresses.map(async (address) => without((await getJson(`${url}/v1/accounts/${address}`)) as Record<string, unknown>, 'height')));
      const channels = await Promise.all(targets.channelIds.map((id) => getJson(`${url}/v1/channels/${id}`)));
      return { url, chainId: status.chainId, genesisHash: status.genesisHash, pendingTxs: status.pendingTxs, accounts, channels };
    }),
  );
  const members = await Promise.all(
    targets.memberUrls.map(async (url) => {
      const view = (await getJson(`${url}/v1/channel`)) as Record<string, unknown>;
      return { url, ...without(view, 'l1'), l1: l1ViewOf(view.l1) };
    }),
  );
  const watchtower =
    targets.watchtowerUrl === null
      ? null
      : await Promise.all(
          targets.channelIds.map(async (id) => {
            const view = (await getJson(`${targets.watchtowerUrl}/v1/channels/${id}`)) as Record<string, unknown>;
            return 'l1' in view ? { ...without(view, 'l1'), l1: l1ViewOf(view.l1) } : view;
          }),
        );
  return { replicas, members, watchtower };
}
