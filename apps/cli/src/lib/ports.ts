// Free TCP ports on 127.0.0.1, found by binding port 0 (the OS picks one) and
// releasing it, as test/support/ports.ts does for the tests. Another program
// could take a port between release and use; the replica then fails to listen
// and `network up` reports its log.
import { createServer, type Server } from 'node:net';

/**
 * The host in the URLs the CLI gives the members and the watchtower it
 * starts: one machine. Each process listens on its own URL's host, so this
 * is the only place the CLI names 127.0.0.1.
 */
export const DEFAULT_HOST = '127.0.0.1';

export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Server>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, DEFAULT_HOST, () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}
