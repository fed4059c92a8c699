#!/usr/bin/env node
// Ingestion benchmark: lines/s and MiB/s the gateway answers 2xx for (stored by JetStream), per
// protocol, beside raw JetStream publishing of the same batches with the same client in the same
// run. `node tools/bench/ingest.mjs [--quick]` on its own (starts the dev platform if needed and
// pauses the pipeline workers while it measures), or `ingestProtocols()` from run.mjs.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, DiscardPolicy, StorageType } from '@nats-io/jetstream';
import { fmt, mib, runBounded, sampleLine } from './lib.mjs';

const require = createRequire(import.meta.url);
const { newBatchId, splitIntoBatches } = require('../../libs/log-schema/dist/index.js');
const { OtlpTypes } = require('../../apps/ingest-gateway/dist/protocols/otlp-proto.js');

const LINES = 1000;

/** The same 1,000 lines in every protocol's body. */
function linesOf(request, marker) {
  return Array.from({ length: LINES }, (_, i) => {
    const n = request * LINES + i;
    return { n, text: sampleLine(n, marker), app: `bench-app-${n % 7}`, host: `host-${n % 5}`, level: ['info', 'warn', 'error', 'debug'][n % 4] };
  });
}

const nowNs = () => `${BigInt(Date.now()) * 1_000_000n}`;

/** name → { path, contentType, body(lines) } */
const PROTOCOLS = {
  'http-json (Mezmo)': {
    path: '/logs/ingest',
    type: 'application/json',
    body: (ls) => JSON.stringify({ lines: ls.map((l) => ({ line: l.text, app: l.app, level: l.level })) }),
  },
  'ndjson': { path: '/v1/ingest?app=bench', type: 'application/x-ndjson', body: (ls) => ls.map((l) => l.text).join('\n') },
  'text': { path: '/v1/ingest?app=bench&level=info', type: 'text/plain', body: (ls) => ls.map((l) => l.text).join('\n') },
  'es _bulk': {
    path: '/_bulk',
    type: 'application/x-ndjson',
    body: (ls) => ls.map((l) => `{"create":{"_index":"bench-2024.01.01"}}\n${JSON.stringify({ message: l.text, host: { name: l.host }, 'log.level': l.level, '@timestamp': new Date().toISOString() })}`).join('\n') + '\n',
  },
  'otlp json': {
    path: '/v1/logs',
    type: 'application/json',
    body: (ls) => JSON.stringify({ resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bench' } }] }, scopeLogs: [{ scope: { name: 'bench' }, logRecords: ls.map((l) => ({ timeUnixNano: nowNs(), severityNumber: 9, body: { stringValue: l.text } })) }] }] }),
  },
  'otlp protobuf': {
    path: '/v1/logs',
    type: 'application/x-protobuf',
    body: (ls) => {
      const t = OtlpTypes.ExportLogsServiceRequest;
      return Buffer.from(t.encode(t.fromObject({ resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bench' } }] }, scopeLogs: [{ scope: { name: 'bench' }, logRecords: ls.map((l) => ({ timeUnixNano: Date.now() * 1e6, severityNumber: 9, body: { stringValue: l.text } })) }] }] })).finish());
    },
  },
  'loki json': {
    path: '/loki/api/v1/push',
    type: 'application/json',
    body: (ls) => JSON.stringify({ streams: [{ stream: { app: 'bench', host: 'h' }, values: ls.map((l) => [nowNs(), l.text]) }] }),
  },
  'splunk hec': { path: '/services/collector/event', type: 'application/json', body: (ls) => ls.map((l) => JSON.stringify({ event: l.text, host: l.host, source: l.app })).join('') },
  'gelf http': { path: '/gelf', type: 'application/json', body: (ls) => ls.map((l) => JSON.stringify({ version: '1.1', host: l.host, short_message: l.text, _app: l.app })).join('\n') },
  'logscale': { path: '/api/v1/ingest/humio-unstructured', type: 'application/json', body: (ls) => JSON.stringify([{ fields: { app: 'bench' }, messages: ls.map((l) => l.text) }]) },
  'logplex': {
    path: '/logplex',
    type: 'application/logplex-1',
    body: (ls) => ls.map((l) => {
      const m = `<190>1 ${new Date().toISOString()} host app web.1 - ${l.text}`;
      return `${Buffer.byteLength(m)} ${m}`;
    }).join(''),
  },
};

/** CPU seconds a process has used (Linux /proc), or undefined. */
function cpuSeconds(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 1/100 s
  } catch {
    return undefined;
  }
}

async function benchHttp(name, protocol, { urls, keys, requests, concurrency, gatewayPid }) {
  // Bodies are encoded before the clock starts, as the raw side's payloads are.
  const bodies = Array.from({ length: Math.min(requests, 20) }, (_, i) => Buffer.from(protocol.body(linesOf(i, `b${i}`))));
  const bytes = bodies.reduce((s, b) => s + b.length, 0) / bodies.length;
  let ok = 0;
  let failed = 0;
  const cpuBefore = gatewayPid ? cpuSeconds(gatewayPid) : undefined;
  const started = performance.now();
  await runBounded(requests, concurrency, async (i) => {
    const res = await fetch(`${urls.ingest}${protocol.path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.ingest}`, 'content-type': protocol.type },
      body: bodies[i % bodies.length],
    });
    await res.arrayBuffer();
    if (res.status < 300) ok++;
    else failed++;
  });
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = gatewayPid ? cpuSeconds(gatewayPid) : undefined;
  // The gateway's own CPU per line: a figure that does not depend on what else shares the machine.
  const cpuUsPerLine = cpuBefore !== undefined && cpuAfter !== undefined && ok > 0 ? ((cpuAfter - cpuBefore) * 1e6) / (ok * LINES) : undefined;
  return { name, linesPerSec: (ok * LINES) / seconds, mibPerSec: mib(ok * bytes) / seconds, ok, failed, cpuUsPerLine };
}

async function linesStored(urls, protocol) {
  const text = await (await fetch(`${urls.ingest}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`millrace_ingest_lines_total{protocol="${protocol}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

/** Syslog over TCP: `connections` senders writing octet-counted RFC 5424 frames with the key in structured data. */
async function benchSyslog({ urls, keys, syslogPort, requests, connections }) {
  const total = requests * LINES;
  const perConnection = Math.ceil(total / connections);
  const frames = linesOf(0, 'sys').map((l) => {
    const m = `<14>1 ${new Date().toISOString()} ${l.host} ${l.app} - - [millrace@53595 key="${keys.ingest}"] ${l.text}`;
    return `${Buffer.byteLength(m)} ${m}`;
  });
  const chunk = Buffer.from(frames.join(''));
  const before = await linesStored(urls, 'syslog');
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, () => new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port: syslogPort }, async () => {
      for (let sent = 0; sent < perConnection; sent += LINES) {
        if (!socket.write(chunk)) await new Promise((r) => socket.once('drain', r));
      }
      socket.end(resolve);
    });
    socket.on('error', reject);
  })));
  const expected = before + Math.ceil(perConnection / LINES) * LINES * connections;
  const deadline = Date.now() + 120_000;
  while ((await linesStored(urls, 'syslog')) < expected) {
    if (Date.now() > deadline) throw new Error('syslog lines were not all stored within 2 minutes');
    await new Promise((r) => setTimeout(r, 50));
  }
  const seconds = (performance.now() - started) / 1000;
  const lines = expected - before;
  return { name: `syslog tcp (${connections} connections)`, linesPerSec: lines / seconds, mibPerSec: mib((lines / LINES) * chunk.length) / seconds, ok: lines / LINES, failed: 0 };
}

/** Raw JetStream publishing of the batches the gateway builds from the Mezmo requests, same client. */
async function benchRaw({ stack, requests, concurrency }) {
  const nc = await connect({ servers: stack.NATS_URL, name: 'bench-ingest-raw' });
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  await jsm.streams.delete('BENCH_RAW').catch(() => undefined);
  await jsm.streams.add({ name: 'BENCH_RAW', subjects: ['benchraw.>'], storage: StorageType.File, discard: DiscardPolicy.New, duplicate_window: 120e9, max_bytes: 4 * 1024 ** 3 });
  const encoder = new TextEncoder();
  const requestBatches = Array.from({ length: Math.min(requests, 20) }, (_, i) => {
    const lines = linesOf(i, `b${i}`).map((l) => ({ line: l.text, app: l.app, level: l.level }));
    return splitIntoBatches(lines).map((chunk) => encoder.encode(JSON.stringify({ v: 1, tenant: 'bench', batchId: newBatchId(), receivedAt: Date.now(), source: { protocol: 'http-json', remoteAddress: '127.0.0.1' }, lines: chunk })));
  });
  const bodyBytes = Buffer.byteLength(PROTOCOLS['http-json (Mezmo)'].body(linesOf(0, 'b0')));
  const started = performance.now();
  await runBounded(requests, concurrency, async (i) => {
    for (const payload of requestBatches[i % requestBatches.length]) await js.publish('benchraw.bench', payload, { msgID: `${i}-${newBatchId()}` });
  });
  const seconds = (performance.now() - started) / 1000;
  await jsm.streams.delete('BENCH_RAW').catch(() => undefined);
  await nc.drain();
  return { name: 'raw JetStream publish (same batches)', linesPerSec: (requests * LINES) / seconds, mibPerSec: mib(requests * bodyBytes) / seconds, ok: requests, failed: 0 };
}

function listening(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** Every protocol, then raw publishing, then the Mezmo path again (the ratio uses the mean of both runs). */
export async function ingestProtocols({ urls, keys, stack, syslogPort, gatewayPid, requests = 200, concurrency = 16, only }) {
  const results = [];
  const names = Object.keys(PROTOCOLS).filter((n) => !only || only.includes(n));
  // Interleaved twice, so a noisy moment of a shared machine weighs on both sides alike.
  const mezmo1 = await benchHttp('http-json (Mezmo)', PROTOCOLS['http-json (Mezmo)'], { urls, keys, requests, concurrency, gatewayPid });
  const raw1 = await benchRaw({ stack, requests, concurrency });
  const mezmo2 = await benchHttp('http-json (Mezmo)', PROTOCOLS['http-json (Mezmo)'], { urls, keys, requests, concurrency, gatewayPid });
  const raw2 = await benchRaw({ stack, requests, concurrency });
  const raw = { ...raw2, linesPerSec: (raw1.linesPerSec + raw2.linesPerSec) / 2, mibPerSec: (raw1.mibPerSec + raw2.mibPerSec) / 2, runs: [raw1.linesPerSec, raw2.linesPerSec] };
  const mezmo = { ...mezmo2, cpuUsPerLine: mezmo1.cpuUsPerLine !== undefined && mezmo2.cpuUsPerLine !== undefined ? (mezmo1.cpuUsPerLine + mezmo2.cpuUsPerLine) / 2 : undefined, runs: [mezmo1.linesPerSec, mezmo2.linesPerSec], linesPerSec: (mezmo1.linesPerSec + mezmo2.linesPerSec) / 2, mibPerSec: (mezmo1.mibPerSec + mezmo2.mibPerSec) / 2, ok: mezmo1.ok + mezmo2.ok, failed: mezmo1.failed + mezmo2.failed };
  results.push(mezmo);
  for (const name of names.filter((n) => n !== 'http-json (Mezmo)')) results.push(await benchHttp(name, PROTOCOLS[name], { urls, keys, requests: Math.max(20, Math.floor(requests / 2)), concurrency, gatewayPid }));
  if (syslogPort && (await listening(syslogPort))) results.push(await benchSyslog({ urls, keys, syslogPort, requests: Math.max(20, Math.floor(requests / 2)), connections: 8 }));
  return { results, raw, ratio: mezmo.linesPerSec / raw.linesPerSec };
}

export function reportIngest({ results, raw, ratio }, print) {
  print(`ingest protocols (${LINES} lines per request or batch; MiB/s of request bodies):`);
  for (const r of [...results, raw]) {
    const cpu = r.cpuUsPerLine !== undefined ? `  gateway CPU ${fmt(r.cpuUsPerLine, 1)} µs/line` : '';
    print(`  ${r.name.padEnd(38)} ${fmt(r.linesPerSec).padStart(9)} lines/s ${fmt(r.mibPerSec, 1).padStart(7)} MiB/s${cpu}${r.failed ? `  (${r.failed} failed)` : ''}`);
  }
  print(`  ratio http-json / raw publish: ${fmt(ratio, 2)} (runs: http-json ${results[0].runs?.map((r) => fmt(r)).join(', ')}; raw ${raw.runs?.map((r) => fmt(r)).join(', ')})`);
}

// Run on its own.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { execFileSync } = await import('node:child_process');
  const { readEnv } = await import('../stack/stack-lib.mjs');
  const { machine } = await import('./lib.mjs');
  const { waitForDrain } = await import('./pipeline.mjs');
  const services = require('../platform/services.cjs');
  const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const quick = process.argv.includes('--quick');
  execFileSync(process.execPath, [path.join(ROOT, 'tools', 'platform', 'cli.mjs'), 'start'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const stack = readEnv('dev');
  const org = services.createOrg(stack, `benchingest${Date.now().toString(36)}`);
  const WORKERS = ['broker-router', 'parser-worker', 'indexer'];
  for (const w of WORKERS) await services.stopService('dev', w);
  let result;
  try {
    result = await ingestProtocols({ urls: services.urls('dev'), keys: { ingest: org.ingestKey }, stack, syslogPort: services.gatewayPorts('dev').syslogTcp, gatewayPid: services.runningPid('dev', 'ingest-gateway'), requests: quick ? 60 : 300 });
  } finally {
    for (const w of WORKERS) services.startService('dev', w, stack);
    for (const w of WORKERS) await services.waitReady('dev', w);
  }
  process.stdout.write(`# Millrace ingestion benchmark — ${new Date().toISOString()}\nmachine: ${machine()}\n`);
  reportIngest(result, (l) => process.stdout.write(`${l}\n`));
  await waitForDrain(stack);
}
