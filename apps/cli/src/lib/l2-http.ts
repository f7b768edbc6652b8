// Reads of the L2 processes' HTTP API with a short timeout of our own: a
// status command must answer even when a member is paused or gone. Writes
// (pay, wedge, close, watch, push) go through the l2-node's own client.
import { z } from 'zod';
import { ChannelViewResponse, L2Error, WatchedChannelResponse } from '@wedge/l2-node';

export { createMemberClient, createWatchtowerClient, L2Error } from '@wedge/l2-node';

const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export const STATUS_TIMEOUT_MS = 2_000;

async function getJson<T extends z.ZodType>(url: string, schema: T, timeoutMs: number): Promise<z.output<T>> {
  let response: Response;
  let json: unknown;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    json = await response.json();
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'TimeoutError' || name === 'AbortError') throw new L2Error('TIMEOUT', `no answer from ${url} in ${timeoutMs} ms`, null);
    throw new L2Error('UNREACHABLE', `cannot reach ${url}`, null);
  }
  if (!response.ok) {
    const body = ErrorBody.safeParse(json);
    throw new L2Error(body.success ? body.data.error.code : 'INVALID_RESPONSE', body.success ? body.data.error.message : `HTTP ${response.status}`, response.status);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new L2Error('INVALID_RESPONSE', `${url} answered outside the L2 API schema`, response.status);
  return parsed.data;
}

export function memberView(baseUrl: string, timeoutMs = STATUS_TIMEOUT_MS): Promise<ChannelViewResponse> {
  return getJson(`${baseUrl}/v1/channel`, ChannelViewResponse, timeoutMs);
}

export function watchedChannel(baseUrl: string, channelId: string, timeoutMs = STATUS_TIMEOUT_MS): Promise<WatchedChannelResponse> {
  return getJson(`${baseUrl}/v1/channels/${channelId}`, WatchedChannelResponse, timeoutMs);
}

export type { ChannelViewResponse, WatchedChannelResponse };
