// Search benchmarks: with a million or more events indexed for one tenant over the last day,
// p50/p99 latency of a term search, a phrase search, a histogram and a top-values query over the
// last hour and the last day, through the query-api; and the export rate.
import { createRequire } from 'node:module';
import { fmt, percentile, runBounded } from './lib.mjs';

const require = createRequire(import.meta.url);
const { Client } = require('@opensearch-project/opensearch');
const { newBatchId, eventId } = require('../../libs/log-schema/dist/index.js');
const { eventIndexName, eventsIndexTemplate, EVENTS_TEMPLATE, toDocument } = require('../../libs/search-index/dist/index.js');

const DAY = 86_400_000;
const APPS = ['web', 'api', 'worker', 'billing', 'auth', 'search', 'cron'];
const WORDS = ['request', 'handled', 'timeout', 'connection', 'reset', 'user', 'cache', 'miss', 'retry', 'payment', 'accepted'];

/** Index `count` events for `tenant`, spread evenly over the last day, with raw _bulk. */
export async function seedEvents({ stack, tenant, count }) {
  const os = new Client({ node: stack.OPENSEARCH_URL });
  await os.indices.putIndexTemplate({ name: EVENTS_TEMPLATE, body: eventsIndexTemplate() });
  const now = Date.now();
  const perRequest = 5000;
  const started = performance.now();
  await runBounded(Math.ceil(count / perRequest), 2, async (r) => {
    const batchId = newBatchId();
    const body = [];
    for (let k = 0; k < perRequest && r * perRequest + k < count; k++) {
      const i = r * perRequest + k;
      const ts = now - Math.floor((i / count) * DAY);
      const words = `${WORDS[i % 11]} ${WORDS[(i * 7) % 11]} ${WORDS[(i * 13) % 11]}`;
      body.push({ index: { _index: eventIndexName('r30', ts), _id: eventId(batchId, k), routing: tenant } });
      body.push(toDocument({
        id: eventId(batchId, k), tenant, ts, receivedAt: ts, app: APPS[i % 7], host: `host-${i % 50}`,
        level: ['info', 'warn', 'error', 'debug'][i % 4], message: `${words} id=${i}`, tags: [],
        fields: { status: [200, 201, 404, 500, 503][i % 5], latency_ms: (i * 37) % 2000, user: `u${i % 1000}` }, source: 'http-json',
      }));
    }
    const { body: result } = await os.bulk({ body });
    if (result.errors) throw new Error('seeding had item errors');
  });
  await os.indices.refresh({ index: 'millrace-events-*' });
  const seconds = (performance.now() - started) / 1000;
  await os.close();
  return { count, seconds };
}

async function timed(url, key, samples) {
  const latencies = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    const res = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
    latencies.push(performance.now() - t0);
  }
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

export async function searchLatencies({ urls, key, samples = 50 }) {
  const base = urls.query;
  const cases = {
    'term search (app:billing level:error)': '/v1/search?q=app%3Abilling%20level%3Aerror&limit=100',
    'phrase search ("connection reset")': '/v1/search?q=%22connection%20reset%22&limit=100',
    'histogram split by app': '/v1/graphs/histogram?split=app&top=5',
    'top values of status': '/v1/graphs/top?field=status&size=10',
  };
  const results = [];
  for (const [name, path] of Object.entries(cases)) {
    for (const range of ['-1h', '-24h']) {
      const r = await timed(`${base}${path}&from=${range}`, key, samples);
      results.push({ name, range, ...r });
    }
  }
  return results;
}

export async function exportRate({ urls, key }) {
  const t0 = performance.now();
  const res = await fetch(`${urls.query}/v1/export?from=-24h&format=ndjson&limit=300000`, { headers: { authorization: `Bearer ${key}` } });
  let lines = 0;
  for await (const chunk of res.body) for (const byte of chunk) if (byte === 10) lines++;
  return { lines, linesPerSec: lines / ((performance.now() - t0) / 1000) };
}

export function reportSearch({ seeded, latencies, exported }, print) {
  print(`seeded ${fmt(seeded.count)} events over the last day with raw _bulk in ${fmt(seeded.seconds, 1)} s (${fmt(seeded.count / seeded.seconds)} docs/s)`);
  for (const l of latencies) print(`  ${l.name.padEnd(42)} over ${l.range === '-1h' ? 'last hour' : 'last day '}: p50 ${fmt(l.p50, 1)} ms, p99 ${fmt(l.p99, 1)} ms`);
  print(`export: ${fmt(exported.lines)} lines at ${fmt(exported.linesPerSec)} lines/s`);
}
