#!/usr/bin/env node
// Live tail and drain benchmarks.
//   1. p50/p99 latency from the gateway POST to the line arriving on a live tail (SSE), at a
//      steady 1,000 and 10,000 lines/s (goal: p99 < 250 ms at 10,000 lines/s).
//   2. Drain delivery throughput (ingest → broker-router → HTTP JSON drain on 127.0.0.1), beside
//      the raw limit under it: the same receiver fed the same batches directly by one HTTP client.
// Run alone with `node tools/bench/tail.mjs [--quick]` (dev platform) or as `npm run bench -- --only tail`.
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, percentile } from './lib.mjs';
import { configKey } from './alerts.mjs';

const require = createRequire(import.meta.url);
const services = require('../platform/services.cjs');

const now = () => performance.timeOrigin + performance.now();

/** An SSE tail that calls `onLine(message, receivedAt)` for every line. */
function openTail(url, key, onLine) {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const req = http.get(url, { headers: { authorization: `Bearer ${key}` } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`tail answered ${res.statusCode}`));
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        const at = now();
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.startsWith('event: ready')) resolve({ close: () => req.destroy() });
          if (block.startsWith('id: ')) onLine(JSON.parse(block.slice(block.indexOf('data: ') + 6)).message, at);
        }
      });
    });
    req.on('error', reject);
  });
}

async function post(url, key, body) {
  const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`gateway answered ${res.status}`);
}

/**
 * Send `rate` lines/s for `seconds` (requests of `rate / 10` lines every 100 ms, each line
 * stamped with its send time) to a tenant tailed on `marker`; latency = arrival on the tail −
 * the moment its request was sent.
 */
async function tailLatencyAt({ urls, keys, rate, seconds }) {
  const marker = `tailbench${rate}x${Date.now()}`;
  const latencies = [];
  let received = 0;
  const tail = await openTail(`${urls.query}/v1/tail?${new URLSearchParams({ q: marker, backlog: '0' })}`, keys.read, (message, at) => {
    const sentAt = Number(message.slice(message.lastIndexOf(' ') + 1));
    latencies.push(at - sentAt);
    received++;
  });
  const perRequest = Math.max(1, Math.round(rate / 10));
  const requests = seconds * 10;
  const pad = 'x'.repeat(120);
  const started = now();
  const inFlight = new Set();
  let sent = 0;
  for (let r = 0; r < requests; r++) {
    const due = started + r * 100;
    const wait = due - now();
    if (wait > 0) await new Promise((res) => setTimeout(res, wait));
    const sentAt = now();
    const lines = [];
    for (let i = 0; i < perRequest; i++) lines.push(`{"line":"${marker} ${r}-${i} GET /api/items/${i % 977} 200 ${pad} ${sentAt}","app":"tailbench"}`);
    const p = post(`${urls.ingest}/logs/ingest`, keys.ingest, `{"lines":[${lines.join(',')}]}`).finally(() => inFlight.delete(p));
    inFlight.add(p);
    sent += perRequest;
  }
  await Promise.all(inFlight);
  const deadline = Date.now() + 30_000;
  while (received < sent && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  tail.close();
  const achieved = sent / ((now() - started) / 1000);
  latencies.sort((x, y) => x - y);
  return { rate, achieved, sent, received, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies[latencies.length - 1] };
}

function receiver() {
  let lines = 0;
  let requests = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests++;
      lines += JSON.parse(body).length;
      res.writeHead(204).end();
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: server.address().port, get lines() { return lines; }, get requests() { return requests; } })));
}

/** Lines/s from ingest to an HTTP JSON drain, beside one client POSTing the same batches straight to the receiver. */
async function drainThroughput({ profile, stack, urls, org, keys, lines: total }) {
  const manage = await configKey({ profile, stack, urls, org });
  const rx = await receiver();
  const marker = `drainbench${Date.now()}`;
  const created = await fetch(`${urls.query}/v1/drains`, {
    method: 'POST', headers: { authorization: `Bearer ${manage}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: marker, url: `http://127.0.0.1:${rx.port}/`, format: 'json', query: marker }),
  });
  if (created.status !== 201) throw new Error(`creating the drain answered ${created.status}`);
  const drain = await created.json();
  await new Promise((r) => setTimeout(r, 1500));
  const perRequest = 1000;
  const body = (r) => JSON.stringify({ lines: Array.from({ length: perRequest }, (_, i) => ({ line: `${marker} ${r}-${i} GET /api/items/${i % 977} 200 ${'y'.repeat(120)}`, app: 'drainbench' })) });
  const started = now();
  const requests = total / perRequest;
  for (let r = 0; r < requests; r += 2) {
    // Two requests at a time, never more than 6,000 lines ahead of the receiver: the drain's
    // buffer (10,000 lines) is not outrun by the benchmark itself, so this is sustained delivery.
    await Promise.all([r, r + 1].filter((k) => k < requests).map((k) => post(`${urls.ingest}/logs/ingest`, keys.ingest, body(k))));
    while (rx.lines < (r - 4) * perRequest) await new Promise((res) => setTimeout(res, 2));
  }
  // Until every line is delivered, or nothing more arrives for 3 s (then the status says what was dropped).
  let last = -1;
  let lastChange = Date.now();
  while (rx.lines < total && Date.now() - lastChange < 3000) {
    if (rx.lines !== last) [last, lastChange] = [rx.lines, Date.now()];
    await new Promise((r) => setTimeout(r, 10));
  }
  const delivered = rx.lines;
  const seconds = ((rx.lines >= total ? now() : lastChange) - started) / 1000;
  const status = await (await fetch(`${urls.query}/v1/drains/${drain.id}`, { headers: { authorization: `Bearer ${manage}` } })).json();
  await fetch(`${urls.query}/v1/drains/${drain.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${manage}` } });

  // Raw: the drain's own batch size (500 lines of JSON) POSTed one at a time by one keep-alive client.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const batch = JSON.stringify(Array.from({ length: 500 }, (_, i) => ({ ts: new Date().toISOString(), app: 'drainbench', host: 'bench', line: `${marker} raw ${i} GET /api/items/${i % 977} 200 ${'y'.repeat(120)}` })));
  const before = rx.lines;
  const rawStarted = now();
  for (let i = 0; i < total / 500; i++) {
    await new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: rx.port, method: 'POST', path: '/', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(batch) } }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end(batch);
    });
  }
  const rawSeconds = (now() - rawStarted) / 1000;
  agent.destroy();
  rx.server.close();
  return {
    lines: total, delivered, dropped: status.status?.dropped ?? null, linesPerSec: delivered / seconds,
    raw: { linesPerSec: (rx.lines - before) / rawSeconds },
  };
}

export async function tailBenchmarks({ profile = 'dev', stack, urls, org, keys, quick = false }) {
  const seconds = quick ? 5 : 15;
  const at1k = await tailLatencyAt({ urls, keys, rate: 1000, seconds });
  const at10k = await tailLatencyAt({ urls, keys, rate: 10_000, seconds });
  const drain = await drainThroughput({ profile, stack, urls, org, keys, lines: quick ? 50_000 : 200_000 });
  return { latency: [at1k, at10k], drain };
}

export function reportTail(result, print) {
  for (const l of result.latency) {
    print(`ingest → live tail at ${fmt(l.rate)} lines/s (achieved ${fmt(l.achieved)}): p50 ${fmt(l.p50)} ms, p99 ${fmt(l.p99)} ms, max ${fmt(l.max)} ms (${fmt(l.received)}/${fmt(l.sent)} lines)`);
  }
  const d = result.drain;
  print(`drain delivery (ingest → router → HTTP JSON drain): ${fmt(d.linesPerSec)} lines/s (${fmt(d.delivered)}/${fmt(d.lines)} delivered, ${d.dropped ?? '?'} dropped)`);
  print(`raw POSTs of the same batches to the same receiver: ${fmt(d.raw.linesPerSec)} lines/s`);
  print(`  ratio drain / raw: ${fmt(d.linesPerSec / d.raw.linesPerSec, 2)}`);
}

// Standalone: against the running dev platform (npm start).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { readEnv } = await import('../stack/stack-lib.mjs');
  const { machine } = await import('./lib.mjs');
  const stack = readEnv('dev');
  const urls = services.urls('dev');
  const created = services.createOrg(stack, `benchtail${Date.now().toString(36)}`);
  const print = (line) => process.stdout.write(`${line}\n`);
  print(`# Millrace tail and drain benchmarks — ${new Date().toISOString()}`);
  print(`machine: ${machine()}`);
  const result = await tailBenchmarks({ stack, urls, org: created.org, keys: { ingest: created.ingestKey, read: created.readKey }, quick: process.argv.includes('--quick') });
  reportTail(result, print);
}
