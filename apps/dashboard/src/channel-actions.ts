// What the forms do. Pay: sign a payment with the payer's key and hand it to
// the payer's own member process, which gets it certified. Close: ask a member
// for a cooperative close. Terminate: with no version, ask the member to wedge
// (it then terminates on L1 with its latest certificate); with a version, act
// as that member would if it were dishonest or out of date — fetch the old
// certificate and submit channel.terminate with it from the member's L1
// account — so the dispute flow (challenge, deadline, settlement) can be
// watched. The member API has no endpoint for terminating with an old version,
// which is why the dashboard builds that transaction itself.
import { randomBytes } from 'node:crypto';
import { SeqCounter, channelActionBody, signPayment } from '@wedge/channel';
import { ApiError, type WedgeClient } from '@wedge/client';
import { toHex } from '@wedge/common';
import { fastSecp256k1 } from '@wedge/crypto/node';
import type { ChannelRecord, TxCode } from '@wedge/ledger';
import type { ChannelConfig, DashboardConfig } from './config.ts';
import { DashboardError, statusOf, upstreamError } from './errors.ts';
import type { CloseForm, PayForm, SpliceForm, TerminateForm } from './forms.ts';
import type { MemberKey } from './member-key.ts';
import { getMemberCertificate, getMemberChannel, postClose, postDeposit, postPayment, postWedge, postWithdraw, type StoredCertificate } from './member-client.ts';

export type ActionDeps = { readonly config: DashboardConfig; readonly client: WedgeClient };

/** How long a terminate waits to see its transaction proven final. */
const TERMINATE_FINALITY_MS = 20_000;
/** The member process may use its account at the same moment (its own L1 jobs): retry on a nonce race. */
const MAX_NONCE_ATTEMPTS = 3;

export type PayResult = { paymentId: string; version: number };
export type CloseResult = { member: number; closeRequested: boolean; version: number };
/** A deposit is final on L1 at `height`; a withdrawal certified at `version`. */
export type SpliceResult = { kind: 'deposit' | 'withdraw'; member: number; amount: string; height: number | null; version: number | null };
export type TerminateResult =
  | { action: 'wedge'; member: number; version: number }
  | { action: 'terminate'; member: number; version: number; txHash: string; height: number; deadline: number | null };

function channelOf(config: DashboardConfig, channelId: string): ChannelConfig {
  const channel = config.channels.find((candidate) => candidate.id === channelId);
  if (channel === undefined) throw new DashboardError('UNKNOWN_CHANNEL', `this dashboard does not watch channel ${channelId.slice(0, 12)}…`);
  return channel;
}

function memberUrl(channel: ChannelConfig, member: number, field = 'member'): string {
  const url = channel.memberUrls[member];
  if (url === undefined) throw new DashboardError('INVALID_BODY', `${field}: this channel has members 0..${channel.memberUrls.length - 1}`);
  return url;
}

function keyOf(channel: ChannelConfig, member: number): MemberKey {
  const key = channel.memberKeys[member];
  if (key === null || key === undefined) throw new DashboardError('NO_KEY', `the dashboard has no key for member ${member} (add it to memberKeyFiles in the config)`);
  return key;
}

/** Errors of the L1 client, with the status this dashboard answers with. */
function fromClient(error: unknown): never {
  if (error instanceof ApiError) throw upstreamError(error.code, error.message, error.httpStatus ?? statusOf(error.code), error);
  throw error;
}

async function channelRecord(client: WedgeClient, channelId: string): Promise<ChannelRecord> {
  return client.getChannel(channelId).catch(fromClient);
}

function checkKeyIsMember(record: ChannelRecord, member: number, key: MemberKey): void {
  if (record.members[member]?.publicKey !== toHex(key.publicKey)) {
    throw new DashboardError('KEY_MISMATCH', `the key file ${key.path} is not member ${member}'s key on L1`);
  }
}

function checkOpen(record: ChannelRecord): void {
  if (record.status === 'frozen') throw new DashboardError('CHANNEL_FROZEN', `the channel is frozen on L1 (settles at height ${record.deadline})`);
  if (record.status === 'closed') throw new DashboardError('CHANNEL_CLOSED', 'the channel is closed on L1');
}

/** Per channel and payer, the seqs this dashboard signed (two quick payments never share one). */
const seqCounters = new Map<string, SeqCounter>();

export async function pay({ config, client }: ActionDeps, form: PayForm): Promise<PayResult> {
  const channel = channelOf(config, form.channelId);
  const url = memberUrl(channel, form.from, 'from');
  memberUrl(channel, form.to, 'to');
  const key = keyOf(channel, form.from);
  const record = await channelRecord(client, channel.id);
  checkKeyIsMember(record, form.from, key);
  checkOpen(record);
  // The payer's next seq: above what its member applied or holds, and above what this dashboard signed for it.
  const hint = (await getMemberChannel(url)).nextSeqs[form.from] ?? 1;
  const counterKey = `${channel.id}/${form.from}`;
  let counter = seqCounters.get(counterKey);
  if (counter === undefined) {
    counter = new SeqCounter();
    seqCounters.set(counterKey, counter);
  }
  const payment = signPayment(
    fastSecp256k1,
    { chainId: config.genesis.chainId, channelId: channel.id },
    { from: form.from, to: form.to, amount: BigInt(form.amount), seq: counter.next(hint), paymentId: toHex(randomBytes(32)) },
    key.secretKey,
  );
  const answer = await postPayment(url, { ...payment, amount: payment.amount.toString() });
  return { paymentId: answer.paymentId, version: answer.version };
}

/** The member tops up from its own L1 account or withdraws to it; the member process signs and submits (it holds its key). */
export async function splice({ config, client }: ActionDeps, form: SpliceForm): Promise<SpliceResult> {
  const channel = channelOf(config, form.channelId);
  const url = memberUrl(channel, form.member);
  checkOpen(await channelRecord(client, channel.id));
  if (form.kind === 'deposit') {
    const answer = await postDeposit(url, form.amount);
    return { kind: 'deposit', member: form.member, amount: form.amount, height: answer.height, version: null };
  }
  const answer = await postWithdraw(url, form.amount);
  return { kind: 'withdraw', member: form.member, amount: form.amount, height: null, version: answer.version };
}

export async function close({ config }: ActionDeps, form: CloseForm): Promise<CloseResult> {
  const channel = channelOf(config, form.channelId);
  const answer = await postClose(memberUrl(channel, form.member));
  return { member: form.member, closeRequested: answer.closeRequested, version: answer.version };
}

/** The certificate of `version`, from the chosen member or else any other (they all hold what they signed). */
async function certificateOf(channel: ChannelConfig, member: number, version: number): Promise<StoredCertificate> {
  const urls = [channel.memberUrls[member]!, ...channel.memberUrls.filter((_, index) => index !== member)];
  let last: unknown = null;
  for (const url of urls) {
    try {
      const certificate = await getMemberCertificate(url, version);
      if (certificate.state.channelId === channel.id && certificate.state.version === version) return certificate;
      last = new DashboardError('INVALID_RESPONSE', `${url} answered with another state than version ${version} of this channel`);
    } catch (error) {
      last = error;
    }
  }
  if (last instanceof DashboardError && last.code === 'UNKNOWN_STATE') {
    throw new DashboardError('UNKNOWN_STATE', `no member holds a certificate for version ${version}`);
  }
  throw last;
}

async function submitTerminate(client: WedgeClient, channelId: string, key: MemberKey, certificate: StoredCertificate | null): Promise<{ hash: string; height: number; code: TxCode }> {
  for (let attempt = 1; ; attempt++) {
    const nonce = (await client.getAccount(key.address).catch(fromClient)).nonce;
    // The one builder of a channel action's transaction (@wedge/channel), as the member processes use.
    const tx = client.buildTx({ ...channelActionBody(channelId, 'terminate', certificate), from: key.address, nonce }, [key]);
    try {
      const [hash] = await client.submit(tx);
      const final = await client.waitForFinality(hash!, { timeoutMs: TERMINATE_FINALITY_MS });
      if (final.code === 'BAD_NONCE' && attempt < MAX_NONCE_ATTEMPTS) continue;
      return { hash: final.hash, height: final.height, code: final.code };
    } catch (error) {
      if (error instanceof ApiError && error.code === 'BAD_NONCE' && attempt < MAX_NONCE_ATTEMPTS) continue;
      fromClient(error);
    }
  }
}

export async function terminate({ config, client }: ActionDeps, form: TerminateForm): Promise<TerminateResult> {
  const channel = channelOf(config, form.channelId);
  const url = memberUrl(channel, form.member);
  if (form.version === null) {
    const answer = await postWedge(url);
    return { action: 'wedge', member: form.member, version: answer.version };
  }
  const key = keyOf(channel, form.member);
  const record = await channelRecord(client, channel.id);
  checkKeyIsMember(record, form.member, key);
  checkOpen(record);
  // Version 0 is the opening state L1 recorded itself; it needs no certificate.
  const certificate = form.version === 0 ? null : await certificateOf(channel, form.member, form.version);
  const outcome = await submitTerminate(client, channel.id, key, certificate);
  if (outcome.code !== 'OK') {
    throw new DashboardError(outcome.code, `L1 rejected the termination at height ${outcome.height}: ${outcome.code}`);
  }
  const after = await channelRecord(client, channel.id);
  return { action: 'terminate', member: form.member, version: form.version, txHash: outcome.hash, height: outcome.height, deadline: after.deadline };
}
