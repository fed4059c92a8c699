#!/usr/bin/env node
// Consumers that scale (issue 19 item 4) and the clustered benchmarks: ingest → searchable
// throughput and latency on a clustered profile with ONE replica of each pipeline worker
// (broker-router, parser-worker, indexer: the second replicas stopped) and then with TWO, each
// beside every process' CPU seconds and how the batches were shared between the replicas
// (their `millrace_messages_settled_total`); and, with --single-node, the same measurement on a
// single-node profile first, in the same run.
//
//   node tools/bench/cluster.mjs [--profile cluster] [--single-node test|dev [--single-only]] [--lines 200000] [--json out.json]
//
// The profiles must be up (`npm run start:cluster`; the single-node profile's servers at least:
// its services are started here and stopped afterwards). Nothing here asserts a speed.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { readEnv, serverNodes } from '../stack/stack-lib.mjs';
import { ndjsonBody } from './corpus.mjs';
import { fmt, runBounded } from './lib.mjs';
import { ingestToSearchLatency } from './pipeline.mjs';
import { formatCpu, meter, pidOnPort } from './procstat.mjs';

const require = createRequire(import.meta.url);
const services = require('../platform/services.cjs');

const WORKERS = ['broker-router', 'parser-worker', 'indexer'];
const DURABLES = [['INGEST', 'broker-router'], ['PARSE', 'parser-worker'], ['EVENTS', 'indexer']];
const LINES_PER_REQUEST = 1000;
const CONCURRENCY = 8;

const { values } = parseArgs({
  options: { profile: { type: 'string', default: 'cluster' }, 'single-node': { type: 'string' }, 'single-only': { type: 'boolean' }, lines: { type: 'string', default: '200000' }, json: { type: 'string' } },
});
const print = (line) => process.stdout.write(`${line}\n`);

/** Every process of a profile by name: service instances, NATS and OpenSearch nodes, this benchmark. */
function processes(profile) {
  const pids = {};
  for (const i of services.allInstances(profile)) {
    const pid = services.runningPid(profile, i.name);
    if (pid) pids[i.name] = pid;
  }
  for (const node of serverNodes(profile)) {
    if (node.kind === 'nats' || node.kind === 'opensearch') pids[node.name] = pidOnPort(node.ports.client);
  }
  pids.bench = process.pid;
  return Object.fromEntries(Object.entries(pids).filter(([, pid]) => pid));
}

async function jsonOf(url, init) {
  const res = await fetch(url, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** Documents of the tenant (an organisation of its own per run) OpenSearch can see. */
async function visible(stack, tenant) {
  const node = stack.OPENSEARCH_URL.split(',')[0];
  const body = { query: { bool: { filter: [{ term: { tenant } }] } } };
  const r = await jsonOf(`${node}/millrace-events-*/_count?routing=${encodeURIComponent(tenant)}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return r.count;
}

/** Every pipeline durable with nothing pending or unacknowledged. */
async function drained(stack) {
  const nc = await connect({ servers: stack.NATS_URL.split(','), name: 'bench-cluster-drain' });
  try {
    const jsm = await jetstreamManager(nc);
    for (;;) {
      let pending = 0;
      for (const [stream, durable] of DURABLES) {
        const info = await jsm.consumers.info(stream, durable);
        pending += info.num_pending + info.num_ack_pending;
      }
      if (pending === 0) return;
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await nc.close();
  }
}

/** Batches each running worker instance acknowledged so far (its /metrics). */
async function settledBy(profile) {
  const out = {};
  for (const service of WORKERS) {
    for (const i of services.instancesOf(profile, service)) {
      if (!services.runningPid(profile, i.name)) continue;
      const text = await (await fetch(`http://127.0.0.1:${services.portOf(profile, i.name)}/metrics`)).text();
      let acked = 0;
      for (const m of text.matchAll(/^millrace_messages_settled_total\{([^}]*)\} (\S+)$/gm)) if (/outcome="acked"/.test(m[1])) acked += Number(m[2]);
      out[i.name] = acked;
    }
  }
  return out;
}

/** Lines through every gateway, until all are searchable; then a latency probe. A fresh organisation each time. */
async function measure(profile, label, totalLines) {
  const stack = readEnv(profile);
  const org = services.createOrg(stack, `bench-${profile}-${Date.now().toString(36)}`);
  const { ingest, query } = services.replicaUrls(profile);
  const marker = `cb${Date.now().toString(36)}`;
  const requests = Math.ceil(totalLines / LINES_PER_REQUEST);
  const now = Date.now();
  const bodies = Array.from({ length: requests }, (_, r) => ndjsonBody('mixed', r * LINES_PER_REQUEST, LINES_PER_REQUEST, now - (requests - r) * 10, marker));
  await drained(stack);
  const before = await settledBy(profile);
  const pids = processes(profile);
  const m = meter(pids);
  let retried = 0;
  await runBounded(requests, CONCURRENCY, async (i) => {
    for (;;) {
      const res = await fetch(`${ingest[i % ingest.length]}/v1/ingest?app=bench-${i % 7}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${org.ingestKey}`, 'content-type': 'application/x-ndjson', 'idempotency-key': `${marker}-${i}` },
        body: bodies[i],
      });
      await res.arrayBuffer();
      if (res.status === 200) return;
      if (res.status !== 429 && res.status !== 503) throw new Error(`gateway answered ${res.status}`);
      retried++;
      await new Promise((r) => setTimeout(r, 200));
    }
  });
  const total = requests * LINES_PER_REQUEST;
  let seen = 0;
  while ((seen = await visible(stack, org.org)) < total) await new Promise((r) => setTimeout(r, 250));
  const { seconds, cpu } = m.stop();
  await drained(stack);
  const after = await settledBy(profile);
  const settled = Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - (before[k] ?? 0)]));
  // The same probe as the single-node benchmark: 1-line requests, found through search.
  const latency = await ingestToSearchLatency({ urls: { ingest: ingest[0], query: query[0] }, keys: { ingest: org.ingestKey, read: org.readKey }, samples: 200, intervalMs: 25 });
  return { label, profile, lines: total, seen, seconds, linesPerSec: total / seconds, retried, cpu, settled, latency };
}

function report(r) {
  const workers = Object.entries(r.cpu).filter(([n]) => WORKERS.some((w) => n.startsWith(w)));
  print(`${r.label}: ${fmt(r.lines)} lines ingest → searchable in ${fmt(r.seconds, 1)} s = ${fmt(r.linesPerSec)} lines/s${r.retried ? ` (${r.retried} requests retried after 429/503)` : ''}; ` +
    `latency p50 ${fmt(r.latency.p50)} ms, p99 ${fmt(r.latency.p99)} ms (${r.latency.seen}/${r.latency.sent})`);
  print(`  batches acknowledged per worker instance: ${Object.entries(r.settled).map(([n, c]) => `${n} ${fmt(c)}`).join(', ')}`);
  print(`  worker CPU: ${workers.map(([n, s]) => `${n} ${s.toFixed(2)} s`).join(', ')}`);
  print(`  every process: ${formatCpu(r.cpu)}`);
}

async function withSecondReplicas(profile, running) {
  const stack = readEnv(profile);
  for (const w of WORKERS) {
    for (const i of services.instancesOf(profile, w).filter((x) => x.replica > 1)) {
      if (running) {
        services.startService(profile, i.name, stack);
        await services.waitReady(profile, i.name);
      } else await services.stopService(profile, i.name);
    }
  }
}

const lines = Number(values.lines);
const results = { at: new Date().toISOString(), lines, runs: [] };
print(`# clustered benchmarks — ${results.at}, ${fmt(lines)} lines per run, ${LINES_PER_REQUEST} lines/request, ${CONCURRENCY} in flight, mixed corpus`);

if (values['single-node']) {
  const single = values['single-node'];
  try {
    const stack = readEnv(single);
    services.migrate(stack);
    await services.startAll(single, stack);
    try {
      const r = await measure(single, `single node (${single}: 1 NATS, 1 OpenSearch, 1 replica of everything)`, lines);
      report(r);
      results.runs.push(r);
    } finally {
      await services.stopAll(single);
    }
  } catch (error) {
    print(`single node (${single}): not measured: ${error.message}`);
  }
}

const profile = values.profile;
if (values['single-only']) {
  if (values.json) fs.writeFileSync(values.json, `${JSON.stringify(results, null, 2)}\n`);
  process.exit(0);
}
try {
  await withSecondReplicas(profile, false);
  const one = await measure(profile, `${profile}, one replica of each worker (3 NATS R3, 2 OpenSearch, 2 gateways)`, lines);
  report(one);
  results.runs.push(one);
} finally {
  await withSecondReplicas(profile, true);
}
const two = await measure(profile, `${profile}, two replicas of each worker`, lines);
report(two);
results.runs.push(two);
const [oneRun, twoRun] = results.runs.slice(-2);
print(`two replicas / one: ${fmt(twoRun.linesPerSec / oneRun.linesPerSec, 2)}× the throughput`);
if (values.json) fs.writeFileSync(values.json, `${JSON.stringify(results, null, 2)}\n`);
