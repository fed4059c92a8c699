// Benchmark 4: alerts.
//  - latency from the ingest of the Nth matching line to the webhook receiving the presence
//    notification (p50/p99 over several alerts), through the whole pipeline;
//  - how many lines per second one alerter evaluates against K active stream alerts: the
//    alerter is stopped while a backlog of EVENTS builds up, then timed while it drains it.
import http from 'node:http';
import { createRequire } from 'node:module';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { call, fmt, ownerSession, percentile, runBounded, sampleLine } from './lib.mjs';

const require = createRequire(import.meta.url);
const services = require('../platform/services.cjs');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A service key with logs:read and config:manage, through a first owner's session (auth CLI + API). */
export async function configKey({ profile, stack, urls, org }) {
  const session = await ownerSession({ profile, stack, urls, org });
  const key = await call('POST', `${urls.auth}/v1/keys`, session, { name: 'bench-alerts', kind: 'service', scopes: ['logs:read', 'config:manage'] });
  if (!key.body.secret) throw new Error(`creating a key failed: ${key.status} ${JSON.stringify(key.body)}`);
  return key.body.secret;
}

function receiver() {
  const hits = new Map();
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.headers['x-millrace-event'] === 'firing' && !hits.has(req.url)) hits.set(req.url, performance.now());
      res.writeHead(200).end();
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, hits, port: server.address().port })));
}

async function ingest(urls, keys, lines) {
  const res = await fetch(`${urls.ingest}/logs/ingest`, {
    method: 'POST',
    headers: { authorization: `Bearer ${keys.ingest}`, 'content-type': 'application/json' },
    body: JSON.stringify({ lines }),
  });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`gateway answered ${res.status}`);
}

async function createAlerts(urls, key, bodies) {
  const ids = [];
  try {
    await runBounded(bodies.length, 8, async (i) => {
      const r = await call('POST', `${urls.query}/v1/alerts`, key, bodies[i]);
      if (r.status !== 201) throw new Error(`creating an alert answered ${r.status}: ${JSON.stringify(r.body)}`);
      ids.push(r.body.id);
    });
  } catch (error) {
    await deleteAlerts(urls, key, ids);
    throw error;
  }
  return ids;
}

async function deleteAlerts(urls, key, ids) {
  await runBounded(ids.length, 8, async (i) => {
    await call('DELETE', `${urls.query}/v1/alerts/${ids[i]}`, key);
  });
}

/** Wait until the alerter has read everything on EVENTS (other benchmarks leave backlogs). */
async function alerterCaughtUp(stack, timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  while ((await alerterPending(stack)) > 0) {
    if (Date.now() > deadline) throw new Error('the alerter did not catch up with EVENTS');
    await sleep(250);
  }
}

/**
 * One alert fired end to end before measuring: after an alerter restart, pull requests of the
 * process that was stopped can hold messages until they expire (30 s); this waits that out.
 */
async function canary(urls, keys) {
  const rx = await receiver();
  const marker = `bcanary${Date.now().toString(36)}`;
  const ids = await createAlerts(urls, keys.config, [{ name: `bench canary ${marker}`, kind: 'presence', query: marker, count: 1, windowSeconds: 60, channels: [{ type: 'webhook', url: `http://127.0.0.1:${rx.port}/canary` }] }]);
  try {
    await sleep(1000);
    await ingest(urls, keys, [{ line: `${marker} canary`, app: 'bench-alerts' }]);
    const deadline = Date.now() + 120_000;
    while (!rx.hits.has('/canary') && Date.now() < deadline) await sleep(50);
    if (!rx.hits.has('/canary')) throw new Error('the canary alert did not fire within 2 minutes');
  } finally {
    await deleteAlerts(urls, keys.config, ids);
    rx.server.close();
  }
}

/** p50/p99 from sending the Nth matching line to the webhook receiving the notification. */
export async function presenceLatency({ urls, keys, alerts = 20, count = 5 }) {
  await canary(urls, keys);
  const rx = await receiver();
  const marker = `balert${Date.now().toString(36)}`;
  const ids = await createAlerts(urls, keys.config, Array.from({ length: alerts }, (_, i) => ({
    name: `bench latency ${marker} ${i}`, kind: 'presence', query: `${marker}x${i}`, count, windowSeconds: 120,
    channels: [{ type: 'webhook', url: `http://127.0.0.1:${rx.port}/a/${i}` }],
  })));
  await sleep(2000);
  const latencies = [];
  try {
    for (let i = 0; i < alerts; i++) {
      await ingest(urls, keys, Array.from({ length: count - 1 }, (_, n) => ({ line: `${marker}x${i} early ${n}`, app: 'bench-alerts' })));
      await sleep(400);
      const t0 = performance.now();
      await ingest(urls, keys, [{ line: `${marker}x${i} the nth`, app: 'bench-alerts' }]);
      const deadline = Date.now() + 15_000;
      while (!rx.hits.has(`/a/${i}`) && Date.now() < deadline) await sleep(5);
      if (rx.hits.has(`/a/${i}`)) latencies.push(rx.hits.get(`/a/${i}`) - t0);
    }
  } finally {
    await deleteAlerts(urls, keys.config, ids);
    rx.server.close();
  }
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies[latencies.length - 1], seen: latencies.length, alerts, count };
}

async function alerterPending(stack) {
  const nc = await connect({ servers: stack.NATS_URL, name: 'bench-alerts' });
  try {
    const jsm = await jetstreamManager(nc);
    const info = await jsm.consumers.info('EVENTS', 'alerter');
    return info.num_pending + info.num_ack_pending;
  } finally {
    await nc.close();
  }
}

/**
 * Lines per second one alerter evaluates with `alertCount` active presence alerts on the
 * tenant (queries of the shape `app:bench-app-N status:500`, a quarter of a seventh of the lines
 * match each one, so every batch touches every alert). The backlog is built while the alerter is
 * stopped, then it is started and timed until it has read everything.
 */
export async function alerterThroughput({ profile, stack, urls, keys, alertCount, requests = 40, linesPerRequest = 1000, alerterEnv = {} }) {
  const marker = `bthru${Date.now().toString(36)}`;
  const ids = await createAlerts(urls, keys.config, Array.from({ length: alertCount }, (_, i) => ({
    name: `bench throughput ${marker} ${i}`, kind: 'presence', query: `app:bench-app-${i % 7} status:500`, count: 1_000_000, windowSeconds: 600,
  })));
  try {
    await sleep(1500);
    await services.stopService(profile, 'alerter');
    await runBounded(requests, 4, async (r) => {
      const lines = [];
      for (let i = 0; i < linesPerRequest; i++) {
        const n = r * linesPerRequest + i;
        lines.push({ line: sampleLine(n, marker), app: `bench-app-${n % 7}`, level: 'info' });
      }
      await ingest(urls, keys, lines);
    });
    // Wait until the pipeline has turned every line into EVENTS (the backlog is complete).
    let before = -1;
    for (;;) {
      const pending = await alerterPending(stack);
      if (pending === before && pending > 0) break;
      before = pending;
      await sleep(1500);
    }
    const started = performance.now();
    services.startService(profile, 'alerter', stack, alerterEnv);
    await services.waitReady(profile, 'alerter');
    while ((await alerterPending(stack)) > 0) await sleep(100);
    const seconds = (performance.now() - started) / 1000;
    const lines = requests * linesPerRequest;
    return { alerts: alertCount, lines, seconds, linesPerSec: lines / seconds, evaluationsPerSec: (lines * alertCount) / seconds, backlogBatches: before };
  } finally {
    if (!services.runningPid(profile, 'alerter')) {
      services.startService(profile, 'alerter', stack, alerterEnv);
      await services.waitReady(profile, 'alerter');
    }
    await deleteAlerts(urls, keys.config, ids);
  }
}

export function reportAlerts({ latency, throughput }, print) {
  print(`alert latency (ingest of the Nth line → webhook, presence, ${latency.alerts} alerts, N=${latency.count}): p50 ${fmt(latency.p50)} ms, p99 ${fmt(latency.p99)} ms (${latency.seen}/${latency.alerts} notified)`);
  for (const t of throughput) {
    print(`alerter with ${fmt(t.alerts)} active stream alerts: ${fmt(t.linesPerSec)} lines/s (${fmt(t.evaluationsPerSec)} line × alert matches/s; ${fmt(t.lines)} lines in ${fmt(t.seconds, 1)} s)`);
  }
}

/** Everything, for run.mjs: restarts the alerter (and the query-api if it predates alerts) on the current build. */
export async function alertBenchmarks({ profile, stack, urls, keys, org, quick, print }) {
  const probe = await call('GET', `${urls.query}/v1/alerts`, keys.read);
  if (probe.status === 404) {
    await services.stopService(profile, 'query-api');
    services.startService(profile, 'query-api', stack);
    await services.waitReady(profile, 'query-api');
  }
  const metrics = await fetch(`http://127.0.0.1:${services.portOf(profile, 'alerter')}/metrics`).then((r) => r.text()).catch(() => '');
  if (!metrics.includes('millrace_alerter_active_alerts')) {
    // An alerter from before alerts existed: run the current build.
    await services.stopService(profile, 'alerter');
    services.startService(profile, 'alerter', stack);
    await services.waitReady(profile, 'alerter');
  }
  const all = { ...keys, config: await configKey({ profile, stack, urls, org }) };
  await alerterCaughtUp(stack);
  const latency = await presenceLatency({ urls, keys: all, alerts: 20 });
  print?.(`  (alerts: latency p50 ${fmt(latency.p50)} ms, p99 ${fmt(latency.p99)} ms; measuring throughput…)`);
  const throughput = [];
  // 500 is ALERTS_MAX_PER_TENANT's default, and a batch is only ever matched against its own tenant's alerts.
  for (const alertCount of quick ? [10, 100] : [10, 100, 500]) {
    throughput.push(await alerterThroughput({ profile, stack, urls, keys: all, alertCount, requests: quick ? 20 : 50 }));
  }
  return { latency, throughput };
}
