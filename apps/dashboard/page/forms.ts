// The pay, splice (deposit or withdraw), close and terminate forms. Their channel and member choices follow
// the live snapshot without disturbing what the user is typing; each input is
// checked here for a quick answer, and again by the server, whose messages
// (its own or a member's or L1's refusal) are shown as they come.
import type { ChannelView, Snapshot } from '../src/snapshot.ts';
import { postJson } from './api.ts';
import { amount as formatAmount, byId, h, short } from './dom.ts';

type FormName = 'pay' | 'splice' | 'close' | 'terminate';

let latest: Snapshot | null = null;

const AMOUNT = /^[1-9][0-9]{0,30}$/;
const VERSION = /^(0|[1-9][0-9]{0,14})$/;

function select(form: HTMLFormElement, name: string): HTMLSelectElement {
  return form.elements.namedItem(name) as HTMLSelectElement;
}

function input(form: HTMLFormElement, name: string): HTMLInputElement {
  return form.elements.namedItem(name) as HTMLInputElement;
}

function show(form: FormName, kind: 'ok' | 'error' | 'busy', text: string): void {
  const message = byId(`${form}-message`);
  message.className = `message ${kind}`;
  message.textContent = text;
}

/** Sets a select's options only when they differ, so an open dropdown or a choice survives the poll. */
function setOptions(target: HTMLSelectElement, options: { value: string; label: string }[], preferred?: string): void {
  const current = [...target.options].map((option) => `${option.value}=${option.text}`).join('|');
  const next = options.map((option) => `${option.value}=${option.label}`).join('|');
  if (current === next) return;
  const keep = target.value;
  target.replaceChildren(...options.map((option) => h('option', { value: option.value }, option.label)));
  const values = options.map((option) => option.value);
  target.value = values.includes(keep) ? keep : preferred !== undefined && values.includes(preferred) ? preferred : (values[0] ?? '');
}

function channelOf(form: HTMLFormElement): ChannelView | undefined {
  return latest?.channels.find((channel) => channel.id === select(form, 'channel').value);
}

function memberOptions(channel: ChannelView | undefined, needsKey: boolean): { value: string; label: string }[] {
  return (channel?.members ?? []).map((member) => ({
    value: String(member.index),
    label: `${member.index} · ${short(member.address, 8, 0)}${needsKey && !member.hasKey ? ' (no key)' : ''}`,
  }));
}

function refreshForm(form: HTMLFormElement, memberFields: string[], needsKey: boolean): void {
  const channels = latest?.channels ?? [];
  setOptions(
    select(form, 'channel'),
    channels.map((channel) => ({ value: channel.id, label: `${short(channel.id, 8, 4)} (${channel.l1?.topology ?? '?'}, ${channel.members.length})` })),
  );
  const channel = channelOf(form);
  memberFields.forEach((field, index) => setOptions(select(form, field), memberOptions(channel, needsKey), String(index)));
}

function refreshAll(): void {
  refreshForm(byId<HTMLFormElement>('pay-form'), ['from', 'to'], true);
  refreshForm(byId<HTMLFormElement>('splice-form'), ['member'], false);
  refreshForm(byId<HTMLFormElement>('close-form'), ['member'], false);
  refreshForm(byId<HTMLFormElement>('terminate-form'), ['member'], false);
}

export function updateForms(snapshot: Snapshot): void {
  latest = snapshot;
  refreshAll();
}

type Submit = (form: HTMLFormElement) => Promise<void>;

function onSubmit(name: FormName, submit: Submit): void {
  const form = byId<HTMLFormElement>(`${name}-form`);
  // A new channel choice changes the member lists at once, not at the next poll.
  select(form, 'channel').addEventListener('change', refreshAll);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const button = form.querySelector('button');
    if (button !== null) button.disabled = true;
    submit(form)
      .catch((error: unknown) => show(name, 'error', `Something went wrong: ${(error as Error).message}`))
      .finally(() => {
        if (button !== null) button.disabled = false;
      });
  });
}

function chosenChannel(form: HTMLFormElement, name: FormName): string | null {
  const channelId = select(form, 'channel').value;
  if (channelId === '') show(name, 'error', 'Choose a channel first.');
  return channelId === '' ? null : channelId;
}

async function submitPay(form: HTMLFormElement): Promise<void> {
  const channelId = chosenChannel(form, 'pay');
  if (channelId === null) return;
  const from = Number(select(form, 'from').value);
  const to = Number(select(form, 'to').value);
  const amount = input(form, 'amount').value.trim();
  if (from === to) return show('pay', 'error', 'The payer and the payee must be different members.');
  if (!AMOUNT.test(amount)) return show('pay', 'error', 'The amount must be a whole number of units, at least 1 (no sign, decimals or leading zeros).');
  show('pay', 'busy', `Paying ${amount} from member ${from} to member ${to}…`);
  const outcome = await postJson<{ paymentId: string; version: number }>('/api/pay', { channelId, from, to, amount });
  if (outcome.ok) show('pay', 'ok', `Paid ${amount} from member ${from} to member ${to}: certified at version ${outcome.data.version}.`);
  else show('pay', 'error', `${outcome.code}: ${explainPayRefusal(outcome.code, channelOf(form), from) ?? outcome.message}`);
}

/** The refusals a person meets most, said in the channel's terms; null keeps the server's message. */
function explainPayRefusal(code: string, channel: ChannelView | undefined, from: number): string | null {
  const balance = channel?.balances?.[from] ?? null;
  if (code === 'INSUFFICIENT_FUNDS' && balance !== null) return `member ${from} holds ${formatAmount(balance)} in this channel; a payment cannot exceed it.`;
  if (code === 'WEDGED') return 'a member has wedged: it signs no new state, so the channel takes no more payments (it is being terminated).';
  return null;
}

type SpliceAnswer = { kind: 'deposit' | 'withdraw'; member: number; amount: string; height: number | null; version: number | null };

async function submitSplice(form: HTMLFormElement): Promise<void> {
  const channelId = chosenChannel(form, 'splice');
  if (channelId === null) return;
  const member = Number(select(form, 'member').value);
  const kind = select(form, 'kind').value === 'withdraw' ? 'withdraw' : 'deposit';
  const amount = input(form, 'amount').value.trim();
  if (!AMOUNT.test(amount)) return show('splice', 'error', 'The amount must be a whole number of units, at least 1 (no sign, decimals or leading zeros).');
  show('splice', 'busy', kind === 'deposit' ? `Member ${member} deposits ${amount} on L1…` : `Member ${member} withdraws ${amount}…`);
  const outcome = await postJson<SpliceAnswer>('/api/splice', { channelId, member, kind, amount });
  if (!outcome.ok) return show('splice', 'error', `${outcome.code}: ${outcome.message}`);
  const answer = outcome.data;
  if (answer.kind === 'deposit') show('splice', 'ok', `Member ${member} deposited ${amount}: final on L1 at height ${answer.height}; the members take it into the next state.`);
  else show('splice', 'ok', `Member ${member} withdrew ${amount}: certified at version ${answer.version}; L1 pays it and raises the version floor.`);
}

async function submitClose(form: HTMLFormElement): Promise<void> {
  const channelId = chosenChannel(form, 'close');
  if (channelId === null) return;
  const member = Number(select(form, 'member').value);
  show('close', 'busy', `Asking member ${member} for a cooperative close…`);
  const outcome = await postJson<{ closeRequested: boolean; version: number }>('/api/close', { channelId, member });
  if (outcome.ok) show('close', 'ok', `Member ${member} asked for a cooperative close at version ${outcome.data.version}; the members sign a final state and L1 settles it.`);
  else show('close', 'error', `${outcome.code}: ${outcome.message}`);
}

type TerminateAnswer =
  | { action: 'wedge'; member: number; version: number }
  | { action: 'terminate'; member: number; version: number; txHash: string; height: number; deadline: number | null };

async function submitTerminate(form: HTMLFormElement): Promise<void> {
  const channelId = chosenChannel(form, 'terminate');
  if (channelId === null) return;
  const member = Number(select(form, 'member').value);
  const versionText = input(form, 'version').value.trim();
  if (versionText !== '' && !VERSION.test(versionText)) return show('terminate', 'error', 'The version must be a whole number (0 is the opening state), or empty for the latest.');
  const version = versionText === '' ? null : Number(versionText);
  show('terminate', 'busy', version === null ? `Member ${member} wedges…` : `Submitting channel.terminate with version ${version} for member ${member}…`);
  const outcome = await postJson<TerminateAnswer>('/api/terminate', { channelId, member, version });
  if (!outcome.ok) return show('terminate', 'error', `${outcome.code}: ${outcome.message}`);
  const answer = outcome.data;
  if (answer.action === 'wedge') {
    show('terminate', 'ok', `Member ${member} wedged at version ${answer.version}: it signs nothing newer and terminates on L1 with that state.`);
  } else {
    show('terminate', 'ok', `Terminated with version ${answer.version} at height ${answer.height}; deadline at height ${answer.deadline}. Members holding a newer state challenge it before then.`);
  }
}

export function setUpForms(): void {
  onSubmit('pay', submitPay);
  onSubmit('splice', submitSplice);
  onSubmit('close', submitClose);
  onSubmit('terminate', submitTerminate);
}
