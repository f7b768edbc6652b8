// The watchtower's HTTP API v1: watch a channel (its members are read from
// L1, never taken from the request), receive certificates from members
// (verified by the core; a bad or stale one gets a 4xx and changes nothing),
// and show what it holds for a channel.
import express from 'express';
import { OPENAPI_PATH, answerHealth, answerReadiness, channelStateToWire, errorMiddleware, fail, notFoundMiddleware, openApiDocument, parseWire, sendError } from '@wedge/api';
import type { WatchtowerRejectionCode } from '@wedge/channel';
import { isHex } from '@wedge/common';
import { MAX_API_BODY_BYTES, PushStateRequest, WatchRequest, type WatchedChannelResponse, l1ViewToWire } from './l2-api.ts';
import type { L1Reader } from './l1-reader.ts';
import { WATCHTOWER_API_INFO, WATCHTOWER_ROUTES } from './l2-routes.ts';
import { watchtowerReadiness } from './readiness.ts';
import type { WatchtowerNode } from './watchtower-node.ts';
import { certificateFromWire } from './wire.ts';

const PUSH_MESSAGES: { readonly [C in WatchtowerRejectionCode]: string } = {
  UNKNOWN_CHANNEL: 'this watchtower does not watch that channel; POST /v1/watch first',
  BAD_SIGNATURE: 'the state is not signed by exactly the channel members, or is for another channel',
  STALE_STATE: 'a certificate of this version or a newer one is held already',
};

function viewOf(node: WatchtowerNode, channelId: string): WatchedChannelResponse {
  const channel = node.channels.get(channelId);
  if (channel === undefined) fail('UNKNOWN_CHANNEL', `channel ${channelId} is not watched here`);
  return {
    channelId,
    members: channel.members.map((member) => ({ publicKey: member.publicKey })),
    best: channel.best === null ? null : { state: channelStateToWire(channel.best.state), signatures: [...channel.best.signatures] },
    closed: channel.closed,
    l1: l1ViewToWire(node.lastL1View(channelId)),
  };
}

export function createWatchtowerApi(node: WatchtowerNode, reader: L1Reader): express.Express {
  const app = express();
  app.disable('x-powered-by');

  // ------------------------------------------------------------ operations
  // Prometheus' scrape (l2-metrics.ts).
  app.get('/metrics', async (_request, response) => {
    const { contentType, text } = await node.metrics.scrape();
    response.type(contentType).send(text);
  });

  // Probes for orchestrators (readiness.ts): alive, and ready for traffic.
  app.get('/healthz', (_request, response) => answerHealth(response, node.running, process.uptime()));
  app.get('/readyz', (_request, response) => answerReadiness(response, watchtowerReadiness(node)));
  // What this server serves, generated from WATCHTOWER_ROUTES (l2-routes.ts); built once.
  const openApi = openApiDocument(WATCHTOWER_API_INFO, WATCHTOWER_ROUTES);
  app.get(OPENAPI_PATH, (_request, response) => void response.json(openApi));

  app.use('/v1', express.json({ limit: MAX_API_BODY_BYTES, strict: false }));

  app.post('/v1/watch', async (request, response) => {
    const { channelId } = parseWire(WatchRequest, request.body);
    if (!node.channels.has(channelId)) {
      const verified = await reader.channel(channelId);
      if (verified === null) fail('UNKNOWN_CHANNEL', `f+1 replicas of L1 do not agree on a channel ${channelId}`);
      await node.watch(verified.record);
      if (!node.channels.has(channelId)) fail('BUSY', 'this watchtower watches as many channels as it can');
    }
    response.json(viewOf(node, channelId));
  });

  app.post('/v1/states', async (request, response) => {
    const body = parseWire(PushStateRequest, request.body);
    const effects = await node.push(body.channelId, certificateFromWire(body.certificate));
    const rejected = effects.find((effect) => effect.type === 'push-rejected');
    if (rejected !== undefined) return sendError(response, rejected.code, PUSH_MESSAGES[rejected.code]);
    response.json({ channelId: body.channelId, version: body.certificate.state.version });
  });

  app.get('/v1/channels/:id', (request, response) => {
    const channelId = String(request.params.id);
    if (!isHex(channelId, 32)) fail('INVALID_BODY', 'a channel id is 64 lowercase hex characters');
    response.json(viewOf(node, channelId));
  });

  app.use(notFoundMiddleware());
  app.use(errorMiddleware({ bodyLimitBytes: MAX_API_BODY_BYTES }));
  return app;
}
