// Benchmark 1: the gateway against raw JetStream publishing of the same batches, same client.
// Benchmark 2: ingest → searchable against raw `_bulk` of the same documents, same OpenSearch.
// Benchmark 3: p50/p99 latency from ingest to searchable.
import { createRequire } from 'node:module';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, DiscardPolicy, StorageType } from '@nats-io/jetstream';
import { fmt, mib, percentile, runBounded, sampleLine } from './lib.mjs';

const require = createRequire(import.meta.url);
const { Client } = require('@opensearch-project/opensearch');
const { newBatchId } = require('../../libs/log-schema/dist/index.js');
const { eventIndexName, toDocument } = require('../../libs/search-index/dist/index.js');

const LINES_PER_REQUEST = 1000;

function requestBody(requestIndex, marker) {
  const lines = [];
  for (let i = 0; i < LINES_PER_REQUEST; i++) {
    const n = requestIndex * LINES_PER_REQUEST + i;
    lines.push({ line: sampleLine(n, marker), app: `bench-app-${n % 7}`, level: 'info' });
  }
  return JSON.stringify({ lines });
}

/** Gateway lines/s answered 2xx, and raw JetStream publishing of the same batches. */
export async function gatewayVersusRaw({ urls, keys, stack, requests, concurrency }) {
  const bodies = Array.from({ length: Math.min(requests, 50) }, (_, i) => requestBody(i, `gw${i}`));
  const bytesPerRequest = bodies.reduce((s, b) => s + Buffer.byteLength(b), 0) / bodies.length;

  // Gateway.
  let ok = 0;
  let failed = 0;
  const started = performance.now();
  await runBounded(requests, concurrency, async (i) => {
    const res = await fetch(`${urls.ingest}/logs/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.ingest}`, 'content-type': 'application/json' },
      body: bodies[i % bodies.length],
    });
    await res.arrayBuffer();
    if (res.status === 200) ok++;
    else failed++;
  });
  const gatewaySeconds = (performance.now() - started) / 1000;

  // Raw JetStream: the same batches, as the gateway would build them, into a stream configured
  // like INGEST (file storage, discard new, duplicate window), with the same client library.
  const nc = await connect({ servers: stack.NATS_URL, name: 'bench-raw' });
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  await jsm.streams.delete('BENCH_RAW').catch(() => undefined);
  await jsm.streams.add({ name: 'BENCH_RAW', subjects: ['benchraw.>'], storage: StorageType.File, discard: DiscardPolicy.New, duplicate_window: 120e9, max_bytes: 4 * 1024 ** 3 });
  const encoder = new TextEncoder();
  const payloads = bodies.map((b) => encoder.encode(JSON.stringify({ v: 1, tenant: 'bench', batchId: newBatchId(), receivedAt: Date.now(), source: { protocol: 'http-json' }, lines: JSON.parse(b).lines })));
  const rawStarted = performance.now();
  await runBounded(requests, concurrency, async (i) => {
    await js.publish('benchraw.bench', payloads[i % payloads.length], { msgID: `${i}-${newBatchId()}` });
  });
  const rawSeconds = (performance.now() - rawStarted) / 1000;
  await jsm.streams.delete('BENCH_RAW').catch(() => undefined);
  await nc.drain();

  const lines = ok * LINES_PER_REQUEST;
  return {
    gateway: { linesPerSec: lines / gatewaySeconds, mibPerSec: mib(ok * bytesPerRequest) / gatewaySeconds, ok, failed },
    raw: { linesPerSec: (requests * LINES_PER_REQUEST) / rawSeconds, mibPerSec: mib(requests * payloads[0].length) / rawSeconds },
  };
}

async function countTenant(os, tenant, app) {
  const { body } = await os.count({ index: 'millrace-events-*', routing: tenant, body: { query: { bool: { filter: [{ term: { tenant } }, ...(app ? [{ term: { app } }] : [])] } } } });
  return body.count;
}

/** Lines/s from ingest to searchable, beside raw `_bulk` of the same documents. */
export async function endToEndVersusBulk({ urls, keys, tenant, stack, requests, concurrency }) {
  const os = new Client({ node: stack.OPENSEARCH_URL });
  const marker = `e2e${Date.now()}`;
  const before = await countTenant(os, tenant);
  const total = requests * LINES_PER_REQUEST;
  const started = performance.now();
  await runBounded(requests, concurrency, async (i) => {
    const res = await fetch(`${urls.ingest}/logs/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.ingest}`, 'content-type': 'application/json' },
      body: requestBody(i, marker),
    });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`gateway answered ${res.status}`);
  });
  const deadline = Date.now() + 300_000;
  while ((await countTenant(os, tenant)) - before < total) {
    if (Date.now() > deadline) throw new Error('events did not all become searchable within 5 minutes');
    await new Promise((r) => setTimeout(r, 100));
  }
  const e2eSeconds = (performance.now() - started) / 1000;

  // Raw _bulk of the same documents (same mapping, routing and ids scheme) into the same cluster.
  const rawTenant = `bulkraw${Date.now().toString(36)}`;
  const now = Date.now();
  const docsPerRequest = Array.from({ length: requests }, (_, r) => {
    const batchId = newBatchId();
    const body = [];
    for (let i = 0; i < LINES_PER_REQUEST; i++) {
      const n = r * LINES_PER_REQUEST + i;
      const parsed = JSON.parse(sampleLine(n, marker));
      const event = { id: `${batchId}-${i}`, tenant: rawTenant, ts: now, receivedAt: now, app: `bench-app-${n % 7}`, host: 'bench', level: parsed.level, message: parsed.msg, tags: [], fields: { status: parsed.status, latency_ms: parsed.latency_ms, trace: parsed.trace }, source: 'http-json' };
      body.push({ index: { _index: eventIndexName('r30', now), _id: event.id, routing: rawTenant } }, toDocument(event));
    }
    return body;
  });
  const bulkStarted = performance.now();
  await runBounded(requests, 4, async (i) => {
    const { body } = await os.bulk({ body: docsPerRequest[i] });
    if (body.errors) throw new Error('raw bulk had item errors');
  });
  await os.indices.refresh({ index: eventIndexName('r30', now) });
  const bulkSeconds = (performance.now() - bulkStarted) / 1000;
  await os.close();
  return { e2e: { linesPerSec: total / e2eSeconds }, bulk: { linesPerSec: total / bulkSeconds } };
}

/** p50/p99 from the gateway's 2xx to the line being returned by the search API. */
export async function ingestToSearchLatency({ urls, keys, samples, intervalMs }) {
  const marker = `lat${Date.now()}`;
  const sentAt = new Map();
  const seenAt = new Map();
  let sending = true;
  const poller = (async () => {
    while (sending || seenAt.size < sentAt.size) {
      const res = await fetch(`${urls.query}/v1/search?q=${encodeURIComponent(`${marker} app:latency`)}&limit=1000&from=-10m`, { headers: { authorization: `Bearer ${keys.read}` } });
      const { events = [] } = await res.json();
      const now = performance.now();
      for (const e of events) {
        const n = Number(e.message.split(' ').pop());
        if (!seenAt.has(n)) seenAt.set(n, now);
      }
      if (!sending && performance.now() - lastSent > 30000) break;
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  let lastSent = performance.now();
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    const res = await fetch(`${urls.ingest}/logs/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.ingest}`, 'content-type': 'application/json' },
      body: JSON.stringify({ lines: [{ line: `${marker} sample ${i}`, app: 'latency' }] }),
    });
    await res.arrayBuffer();
    sentAt.set(i, t0);
    lastSent = performance.now();
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  sending = false;
  await poller;
  const latencies = [...sentAt].filter(([i]) => seenAt.has(i)).map(([i, t]) => seenAt.get(i) - t).sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), seen: latencies.length, sent: samples };
}

export function report(results, print) {
  const { gw, e2e, lat } = results;
  print(`gateway (HTTP JSON, ${LINES_PER_REQUEST} lines/request): ${fmt(gw.gateway.linesPerSec)} lines/s, ${fmt(gw.gateway.mibPerSec, 1)} MiB/s answered 2xx (${gw.gateway.failed} failed)`);
  print(`raw JetStream publish of the same batches:     ${fmt(gw.raw.linesPerSec)} lines/s, ${fmt(gw.raw.mibPerSec, 1)} MiB/s`);
  print(`  ratio gateway / raw publish: ${fmt(gw.gateway.linesPerSec / gw.raw.linesPerSec, 2)}`);
  print(`ingest → searchable: ${fmt(e2e.e2e.linesPerSec)} lines/s`);
  print(`raw _bulk of the same documents: ${fmt(e2e.bulk.linesPerSec)} lines/s`);
  print(`  ratio pipeline / raw bulk: ${fmt(e2e.e2e.linesPerSec / e2e.bulk.linesPerSec, 2)}`);
  print(`ingest → searchable latency: p50 ${fmt(lat.p50)} ms, p99 ${fmt(lat.p99)} ms (${lat.seen}/${lat.sent} samples)`);
}

/** Wait until every pipeline consumer has nothing pending, so benchmarks do not overlap. */
export async function waitForDrain(stack, timeoutMs = 600_000) {
  const nc = await connect({ servers: stack.NATS_URL, name: 'bench-drain' });
  const jsm = await jetstreamManager(nc);
  const deadline = Date.now() + timeoutMs;
  const consumers = [['INGEST', 'broker-router'], ['PARSE', 'parser-worker'], ['EVENTS', 'indexer']];
  for (;;) {
    let pending = 0;
    for (const [stream, durable] of consumers) {
      const info = await jsm.consumers.info(stream, durable);
      pending += info.num_pending + info.num_ack_pending;
    }
    if (pending === 0) break;
    if (Date.now() > deadline) throw new Error(`pipeline still has ${pending} batches pending`);
    await new Promise((r) => setTimeout(r, 250));
  }
  await nc.close();
}
