// Benchmark 1: the gateway against raw JetStream publishing of the same batches, same client.
// Benchmark 2: ingest → searchable against raw `_bulk` of the same documents, same OpenSearch.
// Benchmark 3: p50/p99 latency from ingest to searchable.
import { createRequire } from 'node:module';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, DiscardPolicy, StorageType } from '@nats-io/jetstream';
import { call, fmt, mib, ownerSession, percentile, runBounded, sampleLine } from './lib.mjs';
import { ndjsonBody } from './corpus.mjs';
import { cpuSeconds, formatCpu, meter } from './procstat.mjs';

const require = createRequire(import.meta.url);
const { Client } = require('@opensearch-project/opensearch');
const { newBatchId } = require('../../libs/log-schema/dist/index.js');

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

async function count(os, index, tenant) {
  const query = tenant ? { bool: { filter: [{ term: { tenant } }] } } : { match_all: {} };
  const { body } = await os.count({ index, ...(tenant ? { routing: tenant } : {}), body: { query } });
  return body.count;
}

/** Poll until `index` holds `n` documents (of `tenant`), as searches would see them. */
async function waitVisible(os, index, tenant, n, timeoutMs = 600_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seen = await count(os, index, tenant);
    if (seen >= n) return seen;
    if (Date.now() > deadline) throw new Error(`only ${seen} of ${n} documents visible in ${index} after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Wait until OpenSearch is quiet: no merges running and under 5% of a core busy for a second,
 * so neither side of a comparison pays for work left over from earlier writes.
 */
export async function settleOpenSearch(os, pid, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await os.nodes.stats({ metric: 'indices', index_metric: 'merge' });
    const merging = Object.values(body.nodes).reduce((s, n) => s + (n.indices?.merges?.current ?? 0), 0);
    const before = cpuSeconds(pid) ?? 0;
    await new Promise((r) => setTimeout(r, 1000));
    const busy = (cpuSeconds(pid) ?? 0) - before;
    if (merging === 0 && busy < 0.05) return;
    if (Date.now() > deadline) return;
  }
}

/** Every document of a tenant as the indexer wrote it: index, id, routing and source. */
async function documentsOf(os, tenant) {
  const docs = [];
  let { body } = await os.search({ index: 'millrace-events-*', routing: tenant, scroll: '2m', size: 5000, body: { query: { bool: { filter: [{ term: { tenant } }] } }, sort: ['_doc'] } });
  while (body.hits.hits.length > 0) {
    for (const hit of body.hits.hits) docs.push({ id: hit._id, routing: hit._routing, source: hit._source });
    ({ body } = await os.scroll({ scroll_id: body._scroll_id, scroll: '2m' }));
  }
  await os.clearScroll({ scroll_id: body._scroll_id }).catch(() => undefined);
  return docs;
}

/**
 * Ingest → searchable against raw `_bulk` of the same documents, measured fairly:
 * - the pipeline gets `requests` NDJSON requests of `linesPerRequest` lines of the corpus,
 *   `concurrency` in flight, bodies built before the clock starts; its clock stops when the
 *   tenant's count reaches N;
 * - after the pipeline has settled, the raw side sends exactly the documents the indexer wrote
 *   (read back from OpenSearch) into a fresh index with the events template, in bulks of the
 *   same size with the same concurrency, bodies built before its clock; it stops when that
 *   index's count reaches N (the same visibility: no forced refresh on either side). The raw
 *   index is deleted afterwards.
 * - both phases report every process' CPU seconds (from /proc).
 */
export async function pipelineVersusBulk({ urls, keys, tenant, stack, pids, corpus = 'mixed', requests, concurrency = 8, linesPerRequest = 1000, elu, retentionClass = 'r3' }) {
  const os = new Client({ node: stack.OPENSEARCH_URL });
  // The benchmark's organisation writes to the indices of a retention class of its own (r3 unless
  // told otherwise), so the pipeline's index is as close to fresh as the raw side's; what it
  // already held is reported.
  const owner = await ownerSession({ profile: 'dev', stack, urls, org: tenant });
  const settings = await call('PATCH', `${urls.auth}/v1/org/settings`, owner, { retentionClass });
  if (settings.status !== 200) throw new Error(`cannot set the benchmark organisation's retention class: ${settings.status} ${JSON.stringify(settings.body)}`);
  const pipelineIndex = `millrace-events-${retentionClass}-${new Date().toISOString().slice(0, 10).replace(/-/g, '.')}`;
  const heldBefore = await count(os, pipelineIndex).catch(() => 0);
  const marker = `pv${Date.now().toString(36)}`;
  const total = requests * linesPerRequest;
  const now = Date.now();
  const bodies = Array.from({ length: requests }, (_, r) => ndjsonBody(corpus, r * linesPerRequest, linesPerRequest, now - (requests - r) * 10, marker));
  const bodyBytes = bodies.reduce((s, b) => s + Buffer.byteLength(b), 0);

  await settleOpenSearch(os, pids.opensearch);
  const eluBefore = elu ? await elu() : undefined;
  const pipelineMeter = meter(pids);
  let refused = 0;
  await runBounded(requests, concurrency, async (i) => {
    for (;;) {
      const res = await fetch(`${urls.ingest}/v1/ingest?app=bench-${i % 7}&host=bench-host-${i % 3}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${keys.ingest}`, 'content-type': 'application/x-ndjson', 'idempotency-key': `${marker}-${i}` },
        body: bodies[i],
      });
      await res.arrayBuffer();
      if (res.status === 200) return;
      if (res.status !== 429 && res.status !== 503) throw new Error(`gateway answered ${res.status}`);
      refused++;
      await new Promise((r) => setTimeout(r, 200));
    }
  });
  const acceptedAt = pipelineMeter.stop().seconds;
  await waitVisible(os, 'millrace-events-*', tenant, total);
  const pipeline = pipelineMeter.stop();
  const eluAfter = elu ? await elu() : undefined;

  await waitForDrain(stack);
  await new Promise((r) => setTimeout(r, 2000));

  // The raw side: the very documents the indexer wrote, into a fresh index of the same template.
  const docs = await documentsOf(os, tenant);
  if (docs.length !== total) throw new Error(`read back ${docs.length} documents, expected ${total}`);
  const rawIndex = `millrace-events-benchraw-${Date.now().toString(36)}`;
  const bulkBodies = [];
  for (let i = 0; i < docs.length; i += linesPerRequest) {
    let body = '';
    for (const d of docs.slice(i, i + linesPerRequest)) body += `${JSON.stringify({ index: { _index: rawIndex, _id: d.id, routing: d.routing } })}\n${JSON.stringify(d.source)}\n`;
    bulkBodies.push(body);
  }
  await os.indices.create({ index: rawIndex });
  await settleOpenSearch(os, pids.opensearch);
  const rawMeter = meter({ opensearch: pids.opensearch, bench: pids.bench });
  await runBounded(bulkBodies.length, concurrency, async (i) => {
    const { body } = await os.transport.request({ method: 'POST', path: '/_bulk', body: bulkBodies[i], headers: { 'content-type': 'application/x-ndjson' } });
    if (body.errors) throw new Error('raw bulk had item errors');
  });
  await waitVisible(os, rawIndex, undefined, total);
  const raw = rawMeter.stop();
  const rawBytes = bulkBodies.reduce((s, b) => s + Buffer.byteLength(b), 0);
  await os.indices.delete({ index: rawIndex });
  await os.close();

  return {
    corpus, lines: total, requests, concurrency, linesPerRequest, bodyBytes, refused, pipelineIndex, heldBefore,
    pipeline: { ...pipeline, linesPerSec: total / pipeline.seconds, acceptedSeconds: acceptedAt },
    raw: { ...raw, linesPerSec: total / raw.seconds, bytes: rawBytes },
    elu: eluBefore && eluAfter ? diffElu(eluBefore, eluAfter) : undefined,
  };
}

function diffElu(before, after) {
  const out = {};
  for (const [name, a] of Object.entries(after)) {
    const b = before[name];
    if (!a || !b) continue;
    const active = a.active - b.active;
    const idle = a.idle - b.idle;
    out[name] = active + idle > 0 ? active / (active + idle) : 0;
  }
  return out;
}

const NODE_PIPELINE = ['ingest-gateway', 'broker-router', 'parser-worker', 'indexer'];

export function reportPipeline(r, print) {
  const per = (s) => (s * 1e6) / r.lines;
  const node = NODE_PIPELINE.reduce((s, name) => s + (r.pipeline.cpu[name] ?? 0), 0);
  print(`ingest → searchable, ${r.corpus} corpus: ${fmt(r.lines)} lines (${fmt(mib(r.bodyBytes), 1)} MiB), ${r.linesPerRequest} lines/request, ${r.concurrency} in flight`);
  print(`  pipeline into ${r.pipelineIndex} (held ${fmt(r.heldBefore)} documents before): ${fmt(r.pipeline.linesPerSec)} lines/s (${fmt(r.pipeline.seconds, 1)} s; all accepted after ${fmt(r.pipeline.acceptedSeconds, 1)} s${r.refused ? `, ${r.refused} requests retried after 429/503` : ''})`);
  print(`  raw _bulk of the same documents, same batch size and concurrency, fresh index: ${fmt(r.raw.linesPerSec)} lines/s (${fmt(r.raw.seconds, 1)} s)`);
  print(`  ratio pipeline / raw _bulk: ${fmt(r.pipeline.linesPerSec / r.raw.linesPerSec, 2)}`);
  print(`  CPU, pipeline phase: ${formatCpu(r.pipeline.cpu)}`);
  print(`  CPU, raw phase: ${formatCpu(r.raw.cpu)}`);
  print(`  Node pipeline services (gateway, router, parser, indexer): ${fmt(node, 2)} CPU-s = ${fmt(per(node), 1)} µs/line (${NODE_PIPELINE.map((n) => `${n} ${fmt(per(r.pipeline.cpu[n] ?? 0), 1)}`).join(', ')})`);
  print(`  OpenSearch CPU: pipeline ${fmt(r.pipeline.cpu.opensearch, 2)} s vs raw ${fmt(r.raw.cpu.opensearch, 2)} s (ratio ${fmt(r.pipeline.cpu.opensearch / r.raw.cpu.opensearch, 2)}); ${fmt(r.lines / r.raw.cpu.opensearch)} documents per OpenSearch CPU-second raw`);
  if (r.elu) print(`  event-loop utilisation during the pipeline phase: ${Object.entries(r.elu).map(([n, v]) => `${n} ${fmt(v * 100)}%`).join(', ')}`);
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
  const { gw, lat } = results;
  print(`gateway (HTTP JSON, ${LINES_PER_REQUEST} lines/request): ${fmt(gw.gateway.linesPerSec)} lines/s, ${fmt(gw.gateway.mibPerSec, 1)} MiB/s answered 2xx (${gw.gateway.failed} failed)`);
  print(`raw JetStream publish of the same batches:     ${fmt(gw.raw.linesPerSec)} lines/s, ${fmt(gw.raw.mibPerSec, 1)} MiB/s`);
  print(`  ratio gateway / raw publish: ${fmt(gw.gateway.linesPerSec / gw.raw.linesPerSec, 2)}`);
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
