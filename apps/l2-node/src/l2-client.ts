// A small typed client of the L2 HTTP API (members and watchtowers): members
// use it to push certificates to their watchtower, tests and tools to pay,
// read, wedge and close. Answers are validated with the L2 schemas; every
// failure is an L2Error with the server's code, or UNREACHABLE / TIMEOUT /
// INVALID_RESPONSE when no valid answer came.
import { ApiErrorBody } from '@wedge/api';
import type { Certificate, Payment } from '@wedge/channel';
import { WedgeError } from '@wedge/common';
import type { SignatureScheme } from '@wedge/crypto';
import type { z } from 'zod';
import {
  ChannelViewResponse,
  DepositResponse,
  PaymentResponse,
  WithdrawResponse,
  type DepositResponse as DepositAnswer,
  type WithdrawResponse as WithdrawAnswer,
  WatchedChannelResponse,
  type ChannelViewResponse as ChannelView,
  type PaymentResponse as PaymentAnswer,
  type WatchedChannelResponse as WatchedChannel,
} from './l2-api.ts';
import { getWatchtowerClaimValidity, type ExpectedChannel } from './watchtower-check.ts';
import { WireCertificate, certificateFromWire, certificateToWire, paymentToWire } from './wire.ts';

export class L2Error extends WedgeError {
  constructor(
    code: string,
    message: string,
    readonly httpStatus: number | null,
  ) {
    super(code, message);
  }
}

const DEFAULT_TIMEOUT_MS = 15_000;

async function request<T>(
  baseUrl: string,
  method: 'GET' | 'POST',
  path: string,
  body: unknown,
  schema: z.ZodType<T> | null,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<T> {
  const url = `${baseUrl.replace(/\/+$/, '')}${path}`;
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'TimeoutError' || name === 'AbortError') throw new L2Error('TIMEOUT', `no answer from ${url} in ${timeoutMs} ms`, null);
    throw new L2Error('UNREACHABLE', `cannot reach ${url}: ${(error as Error).message}`, null);
  }
  let json: unknown = undefined;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    // handled below
  }
  if (!response.ok) {
    const parsed = ApiErrorBody.safeParse(json);
    if (parsed.success) throw new L2Error(parsed.data.error.code, parsed.data.error.message, response.status);
    throw new L2Error('INVALID_RESPONSE', `${url} answered ${response.status} without an error body`, response.status);
  }
  if (schema === null) return undefined as T;
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new L2Error('INVALID_RESPONSE', `${url} answered outside the schema: ${parsed.error.message.slice(0, 300)}`, response.status);
  return parsed.data;
}

export type MemberClient = {
  pay(payment: Payment, timeoutMs?: number): Promise<PaymentAnswer>;
  /** Posts a raw body (tests of bad input). */
  postRaw(path: string, body: string): Promise<{ status: number; json: unknown }>;
  channel(): Promise<ChannelView>;
  state(version: number): Promise<Certificate>;
  wedge(): Promise<void>;
  close(): Promise<void>;
  /** A top-up from the member's L1 account: answers once it is final on L1 (DESIGN §7). */
  deposit(amount: bigint, timeoutMs?: number): Promise<DepositAnswer>;
  /** A withdrawal to the member's L1 account: answers once a certificate carries it. */
  withdraw(amount: bigint, timeoutMs?: number): Promise<WithdrawAnswer>;
};

export function createMemberClient(baseUrl: string): MemberClient {
  return {
    pay: (payment, timeoutMs) => request(baseUrl, 'POST', '/v1/payments', paymentToWire(payment), PaymentResponse, timeoutMs),
    async postRaw(path, body) {
      const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const text = await response.text();
      let json: unknown = null;
      try {
        json = JSON.parse(text);
      } catch {
        json = text;
      }
      return { status: response.status, json };
    },
    channel: () => request(baseUrl, 'GET', '/v1/channel', undefined, ChannelViewResponse),
    state: async (version) => certificateFromWire(await request(baseUrl, 'GET', `/v1/channel/states/${version}`, undefined, WireCertificate)),
    wedge: () => request(baseUrl, 'POST', '/v1/wedge', {}, null),
    close: () => request(baseUrl, 'POST', '/v1/close', {}, null),
    deposit: (amount, timeoutMs = 30_000) => request(baseUrl, 'POST', '/v1/deposit', { amount: String(amount) }, DepositResponse, timeoutMs),
    withdraw: (amount, timeoutMs) => request(baseUrl, 'POST', '/v1/withdraw', { amount: String(amount) }, WithdrawResponse, timeoutMs),
  };
}

export type WatchtowerClient = {
  watch(channelId: string): Promise<WatchedChannel>;
  push(channelId: string, certificate: Certificate): Promise<void>;
  channel(channelId: string): Promise<WatchedChannel>;
  /**
   * The watchtower's best certificate of `expected`, taken only if it checks
   * (watchtower-check.ts): every member's valid signature, this channel, at
   * least `atLeastVersion`. Otherwise an L2Error with the reason's code.
   */
  certificate(expected: ExpectedChannel, scheme: SignatureScheme, atLeastVersion?: number): Promise<Certificate>;
};

export function createWatchtowerClient(baseUrl: string, timeoutMs = DEFAULT_TIMEOUT_MS): WatchtowerClient {
  return {
    watch: (channelId) => request(baseUrl, 'POST', '/v1/watch', { channelId }, WatchedChannelResponse, timeoutMs),
    push: (channelId, certificate) =>
      request(baseUrl, 'POST', '/v1/states', { channelId, certificate: certificateToWire(certificate) }, null, timeoutMs),
    channel: (channelId) => request(baseUrl, 'GET', `/v1/channels/${channelId}`, undefined, WatchedChannelResponse, timeoutMs),
    async certificate(expected, scheme, atLeastVersion = 1) {
      const watched = await request(baseUrl, 'GET', `/v1/channels/${expected.channelId}`, undefined, WatchedChannelResponse, timeoutMs);
      const best = watched.best === null ? null : certificateFromWire(watched.best);
      const code = getWatchtowerClaimValidity(scheme, expected, best, atLeastVersion);
      if (code !== null) throw new L2Error(code, `${baseUrl} holds no valid certificate of channel ${expected.channelId.slice(0, 12)} at version ${atLeastVersion} or newer (${code})`, null);
      return best!;
    },
  };
}
