#!/usr/bin/env node
// `npm run bench`: starts the local platform if needed (npm start), then prints the figures of
// every benchmark, measured in this one run on this machine.
//   --quick            smaller runs
//   --only a,b         only these sections: pipeline, ingest, search, tail, console (others add theirs below)
//   --corpus mixed|json  the pipeline's corpus (default mixed: 40% nested JSON, 30% nginx, 20% logfmt, 10% text)
//   --lines N          lines for the ingest → searchable benchmark (default 100,000)
//   CONSOLE_BENCH_TAIL_SECONDS   length of the console's tail run (default 600, 60 with --quick)
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readEnv } from '../stack/stack-lib.mjs';
import { machine, parseBenchArgs } from './lib.mjs';
import { exportRate, reportSearch, searchLatencies, seedEvents } from './search.mjs';
import { gatewayVersusRaw, ingestToSearchLatency, pipelineVersusBulk, report, reportPipeline, waitForDrain } from './pipeline.mjs';
import { pidOnPort } from './procstat.mjs';
import { alertBenchmarks, reportAlerts } from './alerts.mjs';
import { archiveBenchmarks, reportArchive } from './archive.mjs';
import { ingestProtocols, reportIngest } from './ingest.mjs';
import { reportTail, tailBenchmarks } from './tail.mjs';
import { consoleBenchmarks, reportConsole } from './console.mjs';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const services = require('../platform/services.cjs');
const print = (line) => process.stdout.write(`${line}\n`);

const { quick, only, corpus, lines } = parseBenchArgs(process.argv.slice(2));
execFileSync(process.execPath, [path.join(ROOT, 'tools', 'platform', 'cli.mjs'), 'start'], { stdio: ['ignore', 'ignore', 'inherit'] });
const stack = readEnv('dev');
const urls = services.urls('dev');
const results = { at: new Date().toISOString(), machine: machine() };

/** Every process whose CPU a figure should carry: the services, NATS, OpenSearch, this benchmark. */
function processes() {
  const pids = Object.fromEntries(services.SERVICES.map((s) => [s, services.runningPid('dev', s)]).filter(([, pid]) => pid));
  pids.nats = pidOnPort(new URL(stack.NATS_URL).port);
  pids.opensearch = pidOnPort(new URL(stack.OPENSEARCH_URL).port);
  pids.bench = process.pid;
  return pids;
}

/** Each Node service's cumulative event-loop active and idle seconds, from its /metrics. */
async function eventLoops() {
  const out = {};
  await Promise.all(services.SERVICES.map(async (s) => {
    try {
      const text = await (await fetch(`http://127.0.0.1:${services.portOf('dev', s)}/metrics`)).text();
      const active = /^millrace_event_loop_active_seconds (\S+)/m.exec(text);
      const idle = /^millrace_event_loop_idle_seconds (\S+)/m.exec(text);
      if (active && idle) out[s] = { active: Number(active[1]), idle: Number(idle[1]) };
    } catch {
      /* a service without the metric is left out */
    }
  }));
  return out;
}

print(`# Millrace benchmarks — ${results.at}`);
print(`machine: ${results.machine}`);

if (only('pipeline')) {
  // Ingest → searchable first, on a quiet platform, then the gateway alone.
  const pipeOrg = services.createOrg(stack, `benchpipe${Date.now().toString(36)}`);
  const pipeline = await pipelineVersusBulk({
    urls, keys: { ingest: pipeOrg.ingestKey }, tenant: pipeOrg.org, stack, pids: processes(), corpus,
    requests: Math.round((lines ?? (quick ? 20_000 : 100_000)) / 1000), concurrency: 8, linesPerRequest: 1000, elu: eventLoops,
  });
  reportPipeline(pipeline, print);
  await waitForDrain(stack);
  const org = services.createOrg(stack, `bench${Date.now().toString(36)}`);
  const keys = { ingest: org.ingestKey, read: org.readKey };
  const lat = await ingestToSearchLatency({ urls, keys, samples: quick ? 30 : 100, intervalMs: 100 });
  // The gateway is measured alone, like raw publishing: the workers that would compete for the
  // same cores are paused and the backlog is drained before the next benchmark.
  const WORKERS = ['broker-router', 'parser-worker', 'indexer'];
  for (const w of WORKERS) await services.stopService('dev', w);
  const gw = await gatewayVersusRaw({ urls, keys, stack, requests: quick ? 100 : 400, concurrency: 16 });
  for (const w of WORKERS) services.startService('dev', w, stack);
  for (const w of WORKERS) await services.waitReady('dev', w);
  await waitForDrain(stack);
  report({ gw, lat }, print);
  Object.assign(results, { gw, pipeline, lat });
}

if (only('ingest')) {
  // Every ingestion protocol (HTTP and syslog over TCP) beside raw JetStream publishing of the
  // same batches; the pipeline workers are paused as for the gateway benchmark above.
  const ingestOrg = services.createOrg(stack, `benchingest${Date.now().toString(36)}`);
  const WORKERS = ['broker-router', 'parser-worker', 'indexer'];
  for (const w of WORKERS) await services.stopService('dev', w);
  let ingest;
  try {
    ingest = await ingestProtocols({ urls, keys: { ingest: ingestOrg.ingestKey }, stack, syslogPort: services.gatewayPorts('dev').syslogTcp, gatewayPid: services.runningPid('dev', 'ingest-gateway'), requests: quick ? 60 : 300 });
  } finally {
    for (const w of WORKERS) services.startService('dev', w, stack);
    for (const w of WORKERS) await services.waitReady('dev', w);
  }
  await waitForDrain(stack);
  reportIngest(ingest, print);
  Object.assign(results, { ingest });
}

if (only('search')) {
  // A tenant of its own with a million events (fewer with --quick) over the last day.
  const searchOrg = services.createOrg(stack, `benchsearch${Date.now().toString(36)}`);
  const seeded = await seedEvents({ stack, tenant: searchOrg.org, count: quick ? 200_000 : 1_000_000 });
  const latencies = await searchLatencies({ urls, key: searchOrg.readKey, samples: quick ? 20 : 50 });
  const exported = await exportRate({ urls, key: searchOrg.readKey });
  reportSearch({ seeded, latencies, exported }, print);
  Object.assign(results, { search: { seeded, latencies, exported } });
}

if (only('alerts')) {
  // Presence latency through the whole pipeline, and what one alerter evaluates per second.
  const alertsOrg = services.createOrg(stack, `benchalerts${Date.now().toString(36)}`);
  const alerts = await alertBenchmarks({ profile: 'dev', stack, urls, org: alertsOrg.org, keys: { ingest: alertsOrg.ingestKey, read: alertsOrg.readKey }, quick, print });
  reportAlerts(alerts, print);
  Object.assign(results, { alerts });
}

if (only('archive')) {
  // Archive throughput (EVENTS → verified gzip parts in a local S3-compatible store) and rehydration speed.
  const archiveOrg = services.createOrg(stack, `bencharchive${Date.now().toString(36)}`);
  const archive = await archiveBenchmarks({ stack, urls, org: archiveOrg, quick });
  reportArchive(archive, print);
  Object.assign(results, { archive });
}

if (only('tail')) {
  // Live tail latency (ingest → SSE) at 1,000 and 10,000 lines/s, and drain delivery throughput.
  const tailOrg = services.createOrg(stack, `benchtail${Date.now().toString(36)}`);
  const tail = await tailBenchmarks({ profile: 'dev', stack, urls, org: tailOrg.org, keys: { ingest: tailOrg.ingestKey, read: tailOrg.readKey }, quick });
  reportTail(tail, print);
  Object.assign(results, { tail });
}

if (only('console')) {
  // The web console in Chromium: first results, scrolling 100,000 results, tail memory at 1,000 lines/s.
  const tailSeconds = process.env.CONSOLE_BENCH_TAIL_SECONDS ? Number(process.env.CONSOLE_BENCH_TAIL_SECONDS) : undefined;
  const consoleResults = await consoleBenchmarks({ services, stack, urls, seedEvents, quick, tailSeconds });
  reportConsole(consoleResults, print);
  Object.assign(results, { console: consoleResults });
}

fs.mkdirSync(path.join(ROOT, '.millrace'), { recursive: true });
fs.writeFileSync(path.join(ROOT, '.millrace', 'bench-last.json'), JSON.stringify(results, null, 2));
