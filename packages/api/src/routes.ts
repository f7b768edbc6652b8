// The paths of HTTP API v1, shared so that server routes and client requests
// cannot drift apart. `API_ROUTES` are route patterns (express syntax);
// `apiPaths` builds concrete paths, escaping each parameter.

export const API_ROUTES = {
  submitTxs: '/v1/txs',
  tx: '/v1/txs/:hash',
  account: '/v1/accounts/:address',
  channel: '/v1/channels/:id',
  block: '/v1/blocks/:height',
  blockResults: '/v1/blocks/:height/results',
  status: '/v1/status',
} as const;

export const apiPaths = {
  submitTxs: (): string => API_ROUTES.submitTxs,
  tx: (hash: string): string => `/v1/txs/${encodeURIComponent(hash)}`,
  account: (address: string): string => `/v1/accounts/${encodeURIComponent(address)}`,
  channel: (id: string): string => `/v1/channels/${encodeURIComponent(id)}`,
  block: (height: number): string => `/v1/blocks/${encodeURIComponent(String(height))}`,
  /** With `waitMs`, the replica answers when the block is executed, waiting at most that long (MAX_WAIT_MS). */
  blockResults: (height: number, waitMs?: number): string =>
    `/v1/blocks/${encodeURIComponent(String(height))}/results${waitMs === undefined ? '' : `?waitMs=${encodeURIComponent(String(waitMs))}`}`,
  status: (): string => API_ROUTES.status,
};
