// A lying watchtower as a real process, for tests over real members:
//   tsx test/support/lying-watchtower-main.ts --port P
// It answers the watchtower API (apps/l2-node/src/watchtower-api.ts) with
// lies and never acts on L1 (it does not even follow it):
// - POST /v1/watch: "watching" (with no members: it never reads L1);
// - POST /v1/states: keeps the first certificate pushed and answers every
//   later push 409 STALE_STATE — it claims to hold newer states than it has,
//   so that a member would stop pushing;
// - GET /v1/channels/:id: its `best` as the test set it at POST /lying/mode
//   {"lie": ...}: "old" (the first certificate pushed), "forged" (that
//   state with a higher version and moved balances, under its old
//   signatures), "claimed" (a version far ahead with no signatures),
//   "other-channel" (the old certificate relabelled to another channel), or
//   "none" (it holds nothing).
// GET /lying/report counts the pushes it swallowed.
import { createServer, type ServerResponse } from 'node:http';

const LIES = ['old', 'forged', 'claimed', 'other-channel', 'none'] as const;
type Lie = (typeof LIES)[number];
type WireCertificate = { state: { version: number; balances: string[]; channelId: string; [field: string]: unknown }; signatures: string[] };

function answer(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

function main(): void {
  const portIndex = process.argv.indexOf('--port');
  const port = Number(process.argv[portIndex + 1]);
  const first = new Map<string, WireCertificate>();
  let lie: Lie = 'old';
  let pushes = 0;
  const best = (channelId: string): WireCertificate | null => {
    const old = first.get(channelId);
    if (old === undefined || lie === 'none') return null;
    switch (lie) {
      case 'old':
        return old;
      case 'forged': {
        // More for member 0, under the signatures of the old state.
        const balances = old.state.balances.map(BigInt);
        balances[0] = balances[0]! + balances[1]!;
        balances[1] = 0n;
        return { state: { ...old.state, version: old.state.version + 100, balances: balances.map(String) }, signatures: old.signatures };
      }
      case 'claimed':
        return { state: { ...old.state, version: 1_000_000 }, signatures: [] };
      case 'other-channel':
        return { state: { ...old.state, channelId: 'ab'.repeat(32) }, signatures: old.signatures };
    }
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const body = (text === '' ? {} : JSON.parse(text)) as { channelId?: string; certificate?: WireCertificate; lie?: Lie };
      const url = request.url ?? '';
      const view = (channelId: string) => ({ channelId, members: [], best: best(channelId), closed: false, l1: null });
      if (request.method === 'POST' && url === '/v1/watch') return answer(response, 200, view(body.channelId!));
      if (request.method === 'POST' && url === '/v1/states') {
        pushes += 1;
        if (!first.has(body.channelId!)) {
          first.set(body.channelId!, body.certificate!);
          return answer(response, 200, { channelId: body.channelId, version: body.certificate!.state.version });
        }
        return answer(response, 409, { error: { code: 'STALE_STATE', message: 'a certificate of this version or a newer one is held already' } });
      }
      const match = /^\/v1\/channels\/([0-9a-f]{64})$/.exec(url);
      if (request.method === 'GET' && match !== null) return answer(response, 200, view(match[1]!));
      if (request.method === 'POST' && url === '/lying/mode' && LIES.includes(body.lie!)) {
        lie = body.lie!;
        return answer(response, 200, { lie });
      }
      if (request.method === 'GET' && url === '/lying/report') return answer(response, 200, { lie, pushes, channels: first.size });
      answer(response, 404, { error: { code: 'NOT_FOUND', message: url } });
    });
  });
  server.listen(port, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ event: 'listening', lying: true, port, pid: process.pid })}\n`));
  process.on('SIGTERM', () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  });
}

main();
