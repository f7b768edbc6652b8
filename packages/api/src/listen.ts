// Where a server listens. Every process is addressed by a URL — a replica by
// its URL in the genesis file, a member or watchtower by the URL its peers
// and users reach it at — and listens on that URL's host and port, so the
// same binaries run one per host. `--listen HOST:PORT` is for where the bind
// address differs from the public one (a container, a NAT, 0.0.0.0).

export type ListenAddress = { readonly host: string; readonly port: number };

/** The host and port of an http(s) URL (the scheme's default port when it names none). */
export function listenAddressOfUrl(url: string): ListenAddress {
  const parsed = new URL(url);
  const port = parsed.port === '' ? (parsed.protocol === 'https:' ? 443 : 80) : Number(parsed.port);
  // URL keeps IPv6 hosts in brackets; a socket wants them bare.
  return { host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'), port };
}

/** `HOST:PORT` or `[IPv6]:PORT`; null when it is neither (the caller reports the bad argument). */
export function parseListenAddress(text: string): ListenAddress | null {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):([0-9]{1,5})$/.exec(text);
  if (match === null) return null;
  const port = Number(match[3]);
  if (port > 65_535) return null;
  return { host: match[1] ?? match[2]!, port };
}

/** For messages and URLs: `host:port`, an IPv6 host in brackets. */
export function formatListenAddress({ host, port }: ListenAddress): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}
