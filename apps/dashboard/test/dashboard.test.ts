// Proves the dashboard shows a network of real processes live and drives it
// from a browser: four L1 replica processes, a 2-member star channel opened
// on L1 with its two member processes (and, beside it, a 3-member chain
// channel that stays open), and the dashboard process, viewed in headless
// Chromium through playwright-core. The page lists the 4 replicas
// (one primary) and blocks certified by 2f+1 signatures; bad input gets
// readable messages in the page and JSON 4xx errors from the API, and changes
// nothing; the pay form advances the channel's version and moves its
// balances; the terminate form with an old version freezes the channel on L1,
// and the page shows the dispute deadline counting down, the honest members'
// challenge replacing the stale state, and the settlement; the splice form
// tops up and withdraws, and the channel card shows deposited, withdrawn and
// the version floor.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type WedgeClient } from '@wedge/client';
import { toHex } from '@wedge/common';
import { L1Network } from '../../../test/support/l1-network.ts';
import { L2Channel, WatchtowerProcess, accountKeys, boundedMap } from '../../../test/support/l2-network.ts';
import { CHROMIUM_FLAGS, ensureChromium } from './support/chromium.ts';
import { DashboardProcess } from './support/dashboard-process.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const DEPOSIT = 1_000_000n;
/** Long enough to watch the countdown, short enough to see the settlement. */
const CHALLENGE_BLOCKS = 20;
/** The committed screenshot is rewritten only on request, so a test run leaves the working tree clean. */
const SCREENSHOT = process.env.WEDGE_UPDATE_SCREENSHOT === '1' ? join(ROOT, 'docs/dashboard.png') : null;
/** On a fresh machine apt installs Chromium first: minutes, once. */
const SETUP_TIMEOUT_MS = 900_000;
const PAGE_TIMEOUT_MS = 20_000;

let dir: string | undefined;
let network: L1Network | undefined;
let client: WedgeClient;
/** The channel under test. */
let channel: L2Channel | undefined;
/** A second channel, other topology, with a watchtower: it keeps running while the first is disputed. */
let chain: L2Channel | undefined;
let watchtower: WatchtowerProcess | undefined;
let dashboard: DashboardProcess | undefined;
let browser: BrowserContext | undefined;
let page: Page;

/** The dashboard's config: the network, the channels' member processes, and a key file for every member. */
function writeConfig(root: string, l1: L1Network, opened: readonly L2Channel[]): string {
  const keysDir = join(root, 'keys');
  mkdirSync(keysDir);
  const channels = opened.map((entry) => {
    const memberKeyFiles = entry.keys.map((key, index) => {
      const name = `${entry.id.slice(0, 8)}-member-${index}.key`;
      writeFileSync(join(keysDir, name), `${JSON.stringify({ id: index, secretKey: toHex(key.secretKey) })}\n`, { mode: 0o600 });
      return name;
    });
    const watchtowerUrl = entry === chain ? (watchtower?.url ?? null) : null;
    return { id: entry.id, memberUrls: entry.members.map((member) => member.url), watchtowerUrl, memberKeyFiles };
  });
  const config = { genesisPath: l1.layout.genesisPath, replicas: l1.urls, channels, keysDir };
  const path = join(root, 'dashboard.json');
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

beforeAll(async () => {
  const executablePath = ensureChromium();
  dir = mkdtempSync(join(tmpdir(), 'wedge-dashboard-'));
  network = await L1Network.create({ replicas: 4, accounts: 5, params: { idleBlockMs: 150 } });
  await network.startAll();
  client = createClient({ genesis: network.genesis });
  const keys = accountKeys(network);
  channel = await L2Channel.open(network, client, { keys: keys.slice(0, 2), deposits: [DEPOSIT, DEPOSIT], topology: 'star', challengeBlocks: CHALLENGE_BLOCKS });
  watchtower = await WatchtowerProcess.create(network);
  await watchtower.start();
  chain = await L2Channel.open(network, client, {
    keys: keys.slice(2, 5),
    deposits: [DEPOSIT, DEPOSIT, DEPOSIT],
    topology: 'chain',
    challengeBlocks: CHALLENGE_BLOCKS,
    watchtowerUrl: watchtower.url,
  });
  await Promise.all([channel.startAll(), chain.startAll()]);
  dashboard = await DashboardProcess.start(writeConfig(dir, network, [channel, chain]));
  // A fresh profile per run: nothing cached or remembered from another test.
  browser = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
    executablePath,
    headless: true,
    args: [...CHROMIUM_FLAGS],
    viewport: { width: 1440, height: 1060 },
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  await page.goto(dashboard.url);
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
  await Promise.all([channel?.killAll(), chain?.killAll(), watchtower?.kill()]);
  await network?.destroy();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

const poll = { timeout: PAGE_TIMEOUT_MS, interval: 100 };

/** The text of the element with `testId`, inside the card of `scope` (a channel) or anywhere. */
async function text(testId: string, scope: L2Channel | null = null): Promise<string> {
  const root = scope === null ? page.locator('body') : page.locator(`[data-channel="${scope.id}"]`);
  return ((await root.getByTestId(testId).first().textContent()) ?? '').trim();
}

/** The channel's version as the page shows it (NaN while unknown). */
async function shownVersion(of = channel!): Promise<number> {
  return Number(await text('channel-version', of));
}

async function shownBalances(of = channel!): Promise<string[]> {
  const cells = await page.locator(`[data-channel="${of.id}"]`).getByTestId('member-balance').allTextContents();
  return cells.map((cell) => cell.replace(/[^0-9]/g, ''));
}

async function latestVersion(): Promise<number> {
  return (await channel!.client(0).channel()).latest.state.version;
}

async function pay(from: number, to: number, amount: string): Promise<void> {
  const form = page.locator('#pay-form');
  await form.locator('select[name=channel]').selectOption(channel!.id);
  await form.locator('select[name=from]').selectOption(String(from));
  await form.locator('select[name=to]').selectOption(String(to));
  await form.locator('input[name=amount]').fill(amount);
  await form.locator('button').click();
}

async function terminate(member: number, version: string): Promise<void> {
  const form = page.locator('#terminate-form');
  await form.locator('select[name=channel]').selectOption(channel!.id);
  await form.locator('select[name=member]').selectOption(String(member));
  await form.locator('input[name=version]').fill(version);
  await form.locator('button').click();
}

/** A request to the dashboard's API with any body, content type and Host header. */
type Answer = { status: number; json: { error?: { code: string; message: string } } | null };

function api(path: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<Answer> {
  const url = new URL(path, dashboard!.url);
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: body === '' ? 'GET' : 'POST', headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString() || 'null') as Answer['json'] }));
    });
    outgoing.on('error', reject);
    outgoing.end(body === '' ? undefined : body);
  });
}

describe('the dashboard in a browser, over real processes', () => {
  it('lists the four replicas, one of them primary, and blocks certified by 2f+1 signatures', async () => {
    await expect.poll(() => page.getByTestId('replica').count(), poll).toBe(4);
    await expect.poll(() => page.locator('[data-testid=replica].health-healthy').count(), poll).toBe(4);
    expect(await page.locator('[data-testid=replica] .badge.primary').count()).toBe(1);
    // channel.open is in a block by now; its certificate holds at least 2f+1 = 3 signatures.
    await expect.poll(() => page.getByTestId('block').count(), poll).toBeGreaterThan(0);
    expect(await page.getByTestId('block').first().locator('.chip.on').count()).toBeGreaterThanOrEqual(3);
    expect(Number(await text('l1-height'))).toBeGreaterThan(0);
  });

  it('bad input gets readable messages in the page, JSON 4xx errors from the API, and changes nothing', async () => {
    const before = await latestVersion();
    await pay(0, 1, '-5');
    await expect.poll(() => text('pay-message'), poll).toContain('whole number of units');
    // More than member 0 holds: the member refuses, and the page shows its refusal.
    await pay(0, 1, '1500000');
    await expect.poll(() => text('pay-message'), poll).toMatch(/^INSUFFICIENT_FUNDS: /);
    await terminate(1, 'one');
    await expect.poll(() => text('terminate-message'), poll).toContain('whole number');

    const id = channel!.id;
    const cases: [string, string, number, string][] = [
      ['/api/pay', JSON.stringify({ channelId: id, from: 0, to: 0, amount: '5' }), 400, 'INVALID_BODY'],
      ['/api/pay', JSON.stringify({ channelId: id, from: 0, to: 1, amount: '1.5' }), 400, 'INVALID_BODY'],
      ['/api/pay', JSON.stringify({ channelId: id, from: 0, to: 1, amount: 5 }), 400, 'INVALID_BODY'],
      ['/api/pay', JSON.stringify({ channelId: id, from: 0, to: 1, amount: `1${'0'.repeat(31)}` }), 400, 'INVALID_BODY'],
      ['/api/pay', JSON.stringify({ channelId: id, from: 0, to: 5, amount: '5' }), 400, 'INVALID_BODY'],
      ['/api/pay', JSON.stringify({ channelId: 'ab'.repeat(32), from: 0, to: 1, amount: '5' }), 404, 'UNKNOWN_CHANNEL'],
      ['/api/pay', JSON.stringify({ channelId: id, from: 0, to: 1, amount: '5', extra: true }), 400, 'INVALID_BODY'],
      ['/api/pay', '{"channelId":', 400, 'MALFORMED_JSON'],
      ['/api/pay', JSON.stringify({ channelId: id, from: 0, to: 1, amount: '5', pad: 'x'.repeat(20_000) }), 413, 'BODY_TOO_LARGE'],
      ['/api/close', JSON.stringify({ channelId: id, member: -1 }), 400, 'INVALID_BODY'],
      ['/api/terminate', JSON.stringify({ channelId: id, member: 1, version: -1 }), 400, 'INVALID_BODY'],
      ['/api/terminate', JSON.stringify({ channelId: id, member: 1, version: 999 }), 404, 'UNKNOWN_STATE'],
      ['/api/nothing-here', '{}', 404, 'NOT_FOUND'],
    ];
    for (const [path, body, status, code] of cases) {
      const answer = await api(path, body);
      expect([path, body.slice(0, 80), answer.status, answer.json?.error?.code]).toEqual([path, body.slice(0, 80), status, code]);
      expect(answer.json?.error?.message.length).toBeGreaterThan(0);
    }
    // What a hostile page in the same browser could send: a plain form post, or a request for another host name.
    expect((await api('/api/pay', 'channelId=x', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    expect((await api('/api/state', '', { host: 'attacker.example' })).status).toBe(403);

    expect(await latestVersion()).toBe(before);
    expect((await client.getChannel(id)).status).toBe('open');
  });

  it('the pay form advances the channel version and moves the balances', async () => {
    await expect.poll(() => shownVersion(), poll).toBe(0);
    await pay(0, 1, '250000');
    await expect.poll(() => text('pay-message'), poll).toMatch(/^Paid 250000 from member 0 to member 1: certified at version 1\./);
    await expect.poll(() => shownVersion(), poll).toBe(1);
    await expect.poll(() => shownBalances(), poll).toEqual(['750000', '1250000']);
  });

  it('terminate with an old version shows the dispute deadline counting down, the challenge, and the settlement', async () => {
    const started = performance.now();
    const lap = (what: string) => console.info(`${what}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    // Bursts of payments make version 1 well out of date (and the rate chart move).
    const burst = (target: L2Channel, count: number) =>
      boundedMap(Array.from({ length: count }, (_, index) => index), 4, (index) => {
        const from = index % target.keys.length;
        return target.client(from).pay(target.payment(from, (from + 1) % target.keys.length, BigInt(100 + 10 * from + index)));
      });
    // The pay form signed a payment of member 0's: count its seqs on from there.
    await channel!.syncSeqs(0);
    await Promise.all([burst(channel!, 100), burst(chain!, 30)]);
    const latest = await latestVersion();
    await expect.poll(() => shownVersion(), poll).toBe(latest);
    lap('payments');
    // Meanwhile the chain channel keeps taking payments: a dispute on one channel stops no other.
    const chainBefore = (await chain!.client(0).channel()).latest.state.version;
    const background = { stop: false, count: 0 };
    const chainPayments = (async () => {
      while (!background.stop) {
        const from = background.count++ % 3;
        await chain!.client(from).pay(chain!.payment(from, (from + 1) % 3, BigInt(40 - 15 * from)));
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
    })();

    try {
      // Member 1 goes rogue: it terminates with the certificate of version 1.
      await terminate(1, '1');
      await expect.poll(() => text('terminate-message'), { ...poll, timeout: 40_000 }).toMatch(/^Terminated with version 1 at height \d+; deadline at height \d+\./);
      await expect.poll(() => text('channel-status', channel), poll).toBe('frozen');
      lap('terminated');
      const blocksLeft = async () => Number(/Settles in (\d+) blocks?/.exec(await text('dispute-deadline', channel))?.[1] ?? NaN);
      const first = await blocksLeft();
      expect(first).toBeGreaterThan(0);
      expect(first).toBeLessThanOrEqual(CHALLENGE_BLOCKS);
      await expect.poll(blocksLeft, poll).toBeLessThan(first);
      // The honest side answers with the latest certificate; L1 now records it.
      await expect.poll(() => text('dispute-deadline', channel), poll).toContain(`L1 records version ${latest}`);
      lap('challenged');
      if (SCREENSHOT !== null) await page.screenshot({ path: SCREENSHOT, fullPage: true });

      await expect.poll(() => text('channel-status', channel), { ...poll, timeout: 60_000 }).toBe('closed');
      await expect.poll(() => page.locator(`[data-channel="${channel!.id}"] .settled`).textContent(), poll).toContain('Settled after a dispute');
      lap('settled');
    } finally {
      background.stop = true;
      await chainPayments;
    }
    const record = await client.getChannel(channel!.id);
    expect(record.closedBy).toBe('dispute');
    expect(record.recorded.version).toBe(latest);
    expect(await text('channel-status', chain)).toBe('open');
    await expect.poll(() => shownVersion(chain), poll).toBeGreaterThan(chainBefore);
  });

  it('the splice form tops up and withdraws on the other channel, and its card shows deposited, withdrawn and the floor', async () => {
    const form = page.locator('#splice-form');
    const submit = async (kind: 'deposit' | 'withdraw', amount: string) => {
      await form.locator('select[name=channel]').selectOption(chain!.id);
      await form.locator('select[name=member]').selectOption('1');
      await form.locator('select[name=kind]').selectOption(kind);
      await form.locator('input[name=amount]').fill(amount);
      await form.locator('button').click();
    };
    const thousands = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, '\u2009');
    await submit('deposit', '5000');
    await expect.poll(() => text('splice-message'), poll).toMatch(/^Member 1 deposited 5000: final on L1 at height \d+/);
    await expect.poll(() => text('splices', chain), poll).toContain(`deposited ${thousands(String(DEPOSIT))} / ${thousands(String(DEPOSIT + 5_000n))} / `);
    // The members take the deposit in before the withdrawal builds on it; then member 1 withdraws.
    await expect.poll(async () => (await chain!.client(1).channel()).latest.state.deposited[1], poll).toBe(String(DEPOSIT + 5_000n));
    await submit('withdraw', '2000');
    await expect.poll(() => text('splice-message'), poll).toMatch(/^Member 1 withdrew 2000: certified at version \d+/);
    await expect.poll(() => text('splices', chain), poll).toContain(`withdrawn 0 / ${thousands('2000')} / 0`);
    await expect.poll(() => text('floor', chain), poll).toMatch(/^version floor v\d+$/);
    const record = await client.getChannel(chain!.id);
    expect(record.withdrawn[1]).toBe(2_000n);
    expect(record.deposited[1]).toBe(DEPOSIT + 5_000n);
  });

  it('the close form closes the other channel cooperatively, and its watchtower is shown', async () => {
    const latest = (await chain!.client(0).channel()).latest.state.version;
    await expect.poll(() => text('watchtower', chain), poll).toContain(`watchtower holds v${latest}`);
    const form = page.locator('#close-form');
    await form.locator('select[name=channel]').selectOption(chain!.id);
    await form.locator('select[name=member]').selectOption('2');
    await form.locator('button').click();
    await expect.poll(() => text('close-message'), poll).toMatch(/^Member 2 asked for a cooperative close/);
    await expect.poll(() => text('channel-status', chain), { ...poll, timeout: 40_000 }).toBe('closed');
    await expect.poll(() => page.locator(`[data-channel="${chain!.id}"] .settled`).textContent(), poll).toContain('Closed cooperatively');
    expect((await client.getChannel(chain!.id)).closedBy).toBe('cooperative');
  });
});
