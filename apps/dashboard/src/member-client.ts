// What the dashboard asks of channel member and watchtower processes (L2 HTTP
// API v1): a member's view of its channel, a stored certificate, and the
// user's requests (pay, wedge, close). Answers are untrusted input: bounded in
// size and read through schemas. The schemas are tolerant readers — they
// check the fields the dashboard uses and ignore others — so a member that
// grows its API does not blank the page.
import { ApiErrorBody, WireChannelState, WireCount, WireHash, WireSignature, channelStateFromWire } from '@wedge/api';
import type { ChannelState } from '@wedge/ledger';
import { z } from 'zod';
import { DashboardError, upstreamError } from './errors.ts';

/** Member answers are a few kilobytes; anything near this is broken. */
const MAX_ANSWER_BYTES = 1024 * 1024;

const Certificate = z.object({ state: WireChannelState, signatures: z.array(WireSignature).max(16) });
const L1View = z.object({ status: z.enum(['open', 'frozen', 'closed']), recordedVersion: WireCount, deadline: WireCount.nullable(), height: WireCount });

export const MemberChannelView = z.object({
  channelId: WireHash,
  member: WireCount,
  latest: Certificate,
  signed: z.object({ version: WireCount }),
  wedged: z.string().max(64).nullable(),
  closeRequested: z.boolean(),
  closed: z.boolean(),
  pendingPayments: WireCount,
  nextSeqs: z.array(WireCount).max(16),
  l1: L1View.nullable(),
});
export type MemberChannelView = z.infer<typeof MemberChannelView>;

export const WatchtowerChannelView = z.object({ channelId: WireHash, best: Certificate.nullable(), closed: z.boolean() });
export type WatchtowerChannelView = z.infer<typeof WatchtowerChannelView>;

const PaymentAnswer = z.object({ paymentId: WireHash, version: WireCount });
const WedgeAnswer = z.object({ wedged: z.string().max(64).nullable(), version: WireCount });
const CloseAnswer = z.object({ closeRequested: z.boolean(), version: WireCount });
const DepositAnswer = z.object({ txHash: WireHash, height: WireCount });
const WithdrawAnswer = z.object({ version: WireCount });

export type WirePaymentBody = { from: number; to: number; amount: string; seq: number; paymentId: string; signature: string };
export type StoredCertificate = { state: ChannelState; signatures: string[] };

async function readBounded(response: Response): Promise<string> {
  if (Number(response.headers.get('content-length') ?? '0') > MAX_ANSWER_BYTES) throw new Error('answer too large');
  const text = await response.text();
  if (text.length > MAX_ANSWER_BYTES) throw new Error('answer too large');
  return text;
}

async function request<T>(baseUrl: string, method: 'GET' | 'POST', path: string, body: unknown, schema: z.ZodType<T>, timeoutMs: number): Promise<T> {
  const url = `${baseUrl.replace(/\/+$/, '')}${path}`;
  let status: number;
  let text: string;
  try {
    const response = await fetch(url, {
      method,
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
    status = response.status;
    text = await readBounded(response);
  } catch (cause) {
    const name = (cause as { name?: string }).name;
    if (name === 'TimeoutError' || name === 'AbortError') throw new DashboardError('TIMEOUT', `no answer from ${url} within ${timeoutMs} ms`, null, cause);
    throw new DashboardError('UNREACHABLE', `cannot reach ${url}: ${(cause as Error).message}`, null, cause);
  }
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (status < 200 || status >= 300) {
    const error = ApiErrorBody.safeParse(json);
    if (error.success) throw upstreamError(error.data.error.code, error.data.error.message, status);
    throw new DashboardError('INVALID_RESPONSE', `${url} answered ${status} without an error body`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new DashboardError('INVALID_RESPONSE', `${url} answered outside the L2 API: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data;
}

/** Reads are for the page's live view: short timeouts, so one dead member never stalls a poll. */
export const READ_TIMEOUT_MS = 1_500;
/** A payment waits until its certificate forms; a wedge or close until the member persisted it. */
export const WRITE_TIMEOUT_MS = 20_000;

export function getMemberChannel(url: string): Promise<MemberChannelView> {
  return request(url, 'GET', '/v1/channel', undefined, MemberChannelView, READ_TIMEOUT_MS);
}

export async function getMemberCertificate(url: string, version: number): Promise<StoredCertificate> {
  const wire = await request(url, 'GET', `/v1/channel/states/${version}`, undefined, Certificate, READ_TIMEOUT_MS);
  return { state: channelStateFromWire(wire.state), signatures: [...wire.signatures] };
}

export function getWatchtowerChannel(url: string, channelId: string): Promise<WatchtowerChannelView> {
  return request(url, 'GET', `/v1/channels/${channelId}`, undefined, WatchtowerChannelView, READ_TIMEOUT_MS);
}

export function postPayment(url: string, payment: WirePaymentBody): Promise<z.infer<typeof PaymentAnswer>> {
  return request(url, 'POST', '/v1/payments', payment, PaymentAnswer, WRITE_TIMEOUT_MS);
}

export function postWedge(url: string): Promise<z.infer<typeof WedgeAnswer>> {
  return request(url, 'POST', '/v1/wedge', {}, WedgeAnswer, WRITE_TIMEOUT_MS);
}

/** A deposit waits for L1 finality; a withdrawal for its certificate. */
export function postDeposit(url: string, amount: string): Promise<z.infer<typeof DepositAnswer>> {
  return request(url, 'POST', '/v1/deposit', { amount }, DepositAnswer, WRITE_TIMEOUT_MS);
}

export function postWithdraw(url: string, amount: string): Promise<z.infer<typeof WithdrawAnswer>> {
  return request(url, 'POST', '/v1/withdraw', { amount }, WithdrawAnswer, WRITE_TIMEOUT_MS);
}

export function postClose(url: string): Promise<z.infer<typeof CloseAnswer>> {
  return request(url, 'POST', '/v1/close', {}, CloseAnswer, WRITE_TIMEOUT_MS);
}
