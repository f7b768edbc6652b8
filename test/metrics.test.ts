// Proves every kind of Wedge process exports Prometheus metrics over real
// processes (four L1 replicas, a two-member channel, its watchtower): a scrape
// of GET /metrics from each parses as Prometheus' text format (strictly:
// test/support/prometheus-text.ts, itself shown here to refuse what
// Prometheus refuses) and holds the series an operator needs — heights,
// views, view changes, the commit latency histogram, mempool and inbox
// depths, signature checks, SQLite commit time and peer reachability on a
// replica; per channel the version, payments, certified states, wedges and
// disputes on a member, and what the watchtower holds — with values that
// follow what the test made the network do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type WedgeClient } from '@wedge/client';
import { L1Network } from './support/l1-network.ts';
import { L2Channel, WatchtowerProcess, accountKeys, eventually } from './support/l2-network.ts';
import { PrometheusTextError, parsePrometheusText, sampleValue, type MetricFamily } from './support/prometheus-text.ts';

const DEPOSIT = 100_000n;
const PAYMENTS = 3;

let network: L1Network;
let client: WedgeClient;
let channel: L2Channel;
let watchtower: WatchtowerProcess;

beforeAll(async () => {
  network = await L1Network.create({ replicas: 4, accounts: 2, params: { idleBlockMs: 100 } });
  await network.startAll();
  client = createClient({ genesis: network.genesis });
  watchtower = await WatchtowerProcess.create(network);
  await watchtower.start();
  channel = await L2Channel.open(network, client, { keys: accountKeys(network), deposits: [DEPOSIT, DEPOSIT], topology: 'star', challengeBlocks: 5, watchtowerUrl: watchtower.url });
  await channel.startAll();
  for (let index = 0; index < PAYMENTS; index++) await channel.client(index % 2).pay(channel.payment(index % 2, (index + 1) % 2, 10n));
}, 90_000);

afterAll(async () => {
  await Promise.all([channel?.killAll(), watchtower?.kill()]);
  await network?.destroy();
});

async function scrape(url: string): Promise<Map<string, MetricFamily>> {
  const response = await fetch(`${url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const families = parsePrometheusText(await response.text());
  // Node's own series may be NaN before their first reading; Wedge's never are.
  for (const family of families.values()) {
    if (family.name.startsWith('wedge_')) for (const sample of family.samples) expect(sample.value, `${sample.name}${JSON.stringify(sample.labels)}`).not.toBeNaN();
  }
  return families;
}

function expectFamily(families: Map<string, MetricFamily>, name: string, type: MetricFamily['type']): MetricFamily {
  const family = families.get(name);
  expect(family, `${name} is exported`).toBeDefined();
  expect(family!.type, `${name} is a ${type}`).toBe(type);
  expect(family!.help.length, `${name} has a help text`).toBeGreaterThan(0);
  return family!;
}

describe('GET /metrics on every process', () => {
  it('a replica exports heights, views, latency, depths, signature checks, SQLite time and peers', async () => {
    const scrapes = await Promise.all(network.urls.map(scrape));
    let latencyCount = 0;
    for (const [id, families] of scrapes.entries()) {
      for (const [name, type] of [
        ['wedge_l1_height', 'gauge'],
        ['wedge_l1_view', 'gauge'],
        ['wedge_l1_view_changing', 'gauge'],
        ['wedge_l1_stable_checkpoint', 'gauge'],
        ['wedge_l1_view_changes_total', 'counter'],
        ['wedge_l1_blocks_committed_total', 'counter'],
        ['wedge_l1_txs_committed_total', 'counter'],
        ['wedge_l1_commit_latency_seconds', 'histogram'],
        ['wedge_l1_mempool_txs', 'gauge'],
        ['wedge_l1_inbox_events', 'gauge'],
        ['wedge_l1_signature_checks_total', 'counter'],
        ['wedge_l1_sqlite_commit_seconds', 'histogram'],
        ['wedge_l1_peer_reachable', 'gauge'],
        ['wedge_l1_dropped_inputs_total', 'counter'],
        ['process_cpu_seconds_total', 'counter'],
      ] as const) {
        expectFamily(families, name, type);
      }
      expect(sampleValue(families, 'wedge_l1_height', { replica: String(id), chain_id: 'wedge-test' })).toBeGreaterThan(0);
      expect(sampleValue(families, 'wedge_l1_view')).toBe(0);
      expect(sampleValue(families, 'wedge_l1_view_changes_total')).toBe(0);
      expect(sampleValue(families, 'wedge_l1_blocks_committed_total')).toBeGreaterThan(0);
      // channel.open carries the members' signatures: every replica checked them.
      expect(sampleValue(families, 'wedge_l1_signature_checks_total', { result: 'valid' })).toBeGreaterThan(0);
      expect(sampleValue(families, 'wedge_l1_sqlite_commit_seconds_count')).toBeGreaterThan(0);
      const peers = families.get('wedge_l1_peer_reachable')!.samples;
      expect(peers.map((sample) => sample.labels.peer).sort()).toEqual([0, 1, 2, 3].filter((peer) => peer !== id).map(String));
      latencyCount += sampleValue(families, 'wedge_l1_commit_latency_seconds_count');
    }
    // The client sent channel.open to some replica: that one timed it to its commit.
    expect(latencyCount).toBeGreaterThan(0);
    await eventually('every peer reachable from every replica', async () => {
      const now = await Promise.all(network.urls.map(scrape));
      return now.every((families) => families.get('wedge_l1_peer_reachable')!.samples.every((sample) => sample.value === 1)) ? true : undefined;
    });
  });

  it('a member exports its channel: version, payments, certified states, wedges, disputes', async () => {
    for (const [index, member] of channel.members.entries()) {
      const families = await scrape(member.url);
      for (const [name, type] of [
        ['wedge_l2_channel_version', 'gauge'],
        ['wedge_l2_channel_signed_version', 'gauge'],
        ['wedge_l2_channel_wedged', 'gauge'],
        ['wedge_l2_payments_certified_total', 'counter'],
        ['wedge_l2_payments_rejected_total', 'counter'],
        ['wedge_l2_certified_states_total', 'counter'],
        ['wedge_l2_wedges_total', 'counter'],
        ['wedge_l2_disputes_total', 'counter'],
        ['wedge_l2_settlements_total', 'counter'],
        ['wedge_l2_payment_latency_seconds', 'histogram'],
        ['wedge_l2_pending_payments', 'gauge'],
        ['wedge_l2_inbox_events', 'gauge'],
        ['wedge_l2_signature_checks_total', 'counter'],
        ['wedge_l2_sqlite_commit_seconds', 'histogram'],
        ['wedge_l2_peer_reachable', 'gauge'],
      ] as const) {
        expectFamily(families, name, type);
      }
      const labels = { channel: channel.id, role: 'member', member: String(index) };
      expect(sampleValue(families, 'wedge_l2_channel_version', labels)).toBe(PAYMENTS);
      expect(sampleValue(families, 'wedge_l2_payments_certified_total', labels)).toBe(PAYMENTS);
      expect(sampleValue(families, 'wedge_l2_certified_states_total', labels)).toBe(PAYMENTS);
      expect(sampleValue(families, 'wedge_l2_channel_wedged', labels)).toBe(0);
      expect(sampleValue(families, 'wedge_l2_signature_checks_total', { result: 'valid' })).toBeGreaterThan(0);
      expect(sampleValue(families, 'wedge_l2_payment_latency_seconds_count', { channel: channel.id })).toBeGreaterThan(0);
      expect(sampleValue(families, 'wedge_l2_peer_reachable', { peer: String(1 - index) })).toBe(1);
    }
  });

  it('the watchtower exports what it holds per channel', async () => {
    const families = await eventually('the watchtower holds the last certificate', async () => {
      const now = await scrape(watchtower.url);
      return sampleValue(now, 'wedge_l2_channel_version', { channel: channel.id }) === PAYMENTS ? now : undefined;
    });
    for (const [name, type] of [
      ['wedge_l2_watched_channels', 'gauge'],
      ['wedge_l2_channel_version', 'gauge'],
      ['wedge_l2_channel_closed', 'gauge'],
      ['wedge_l2_certified_states_total', 'counter'],
      ['wedge_l2_pushes_rejected_total', 'counter'],
      ['wedge_l2_disputes_total', 'counter'],
      ['wedge_l2_settlements_total', 'counter'],
      ['wedge_l2_inbox_events', 'gauge'],
      ['wedge_l2_signature_checks_total', 'counter'],
      ['wedge_l2_sqlite_commit_seconds', 'histogram'],
    ] as const) {
      expectFamily(families, name, type);
    }
    expect(sampleValue(families, 'wedge_l2_watched_channels', { role: 'watchtower' })).toBe(1);
    // Members push newest first and skip what a newer push replaces: at least the last one was taken.
    const taken = sampleValue(families, 'wedge_l2_certified_states_total', { channel: channel.id });
    expect(taken).toBeGreaterThanOrEqual(1);
    expect(taken).toBeLessThanOrEqual(PAYMENTS);
    expect(sampleValue(families, 'wedge_l2_channel_closed', { channel: channel.id })).toBe(0);
  });

  it('a wedge, the dispute it starts and the settlement are counted where they happen', async () => {
    await channel.client(0).wedge();
    const settlements = (families: Map<string, MetricFamily>) => families.get('wedge_l2_settlements_total')!.samples.reduce((sum, sample) => sum + sample.value, 0);
    // Whoever is first after the deadline settles (a member or the watchtower); the others see the channel closed.
    await eventually('the channel settled on L1', async () => {
      const now = await Promise.all([...channel.members.map((member) => member.url), watchtower.url].map(scrape));
      const watched = now.at(-1)!;
      return sampleValue(watched, 'wedge_l2_channel_closed', { channel: channel.id }) === 1 && now.some((families) => settlements(families) > 0) ? true : undefined;
    }, 60_000);
    const member = await scrape(channel.members[0]!.url);
    expect(sampleValue(member, 'wedge_l2_wedges_total', { channel: channel.id, reason: 'user' })).toBe(1);
    expect(sampleValue(member, 'wedge_l2_channel_wedged', { channel: channel.id })).toBe(1);
    expect(sampleValue(member, 'wedge_l2_disputes_total', { channel: channel.id, action: 'terminate' })).toBeGreaterThanOrEqual(1);
  }, 90_000);
});

describe('the Prometheus text reader refuses what Prometheus refuses', () => {
  const good = '# HELP up Whether it is up.\n# TYPE up gauge\nup{job="a"} 1\n';
  it('takes a well-formed scrape', () => {
    expect(sampleValue(parsePrometheusText(good), 'up', { job: 'a' })).toBe(1);
  });
  it.each([
    ['no final newline', good.slice(0, -1)],
    ['a sample before its TYPE', 'up 1\n# HELP up x\n# TYPE up gauge\n'],
    ['a bad value', good.replace(' 1\n', ' one\n')],
    ['an unquoted label', good.replace('"a"', 'a')],
    ['a bad metric name', good.replaceAll('up', '1up')],
    ['a missing HELP', '# TYPE up gauge\nup 1\n'],
    ['a histogram without +Inf', '# HELP h x\n# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n'],
    ['falling buckets', '# HELP h x\n# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n'],
  ])('refuses %s', (_case, text) => {
    expect(() => parsePrometheusText(text)).toThrow(PrometheusTextError);
  });
});
